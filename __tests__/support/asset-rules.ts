/** Each forge's asset rules by platform name, for table tests of discovery and names. */
import { checkAssetName } from '../../src/assets/asset-name.js'
import type { AssetRules, NameProblem } from '../../src/assets/asset-rules.js'
import { giteaAssetRules } from '../../src/forges/gitea/gitea-rules.js'
import { gitHubAssetRules } from '../../src/forges/github/github-rules.js'
import { gitLabAssetRules } from '../../src/forges/gitlab/gitlab-rules.js'
import { gongfengAssetRules } from '../../src/forges/gongfeng/gongfeng-rules.js'
import type { Platform, UploadTarget } from '../../src/plan/domain.js'
import { ReleaseError } from '../../src/errors.js'

export function rulesFor(
  platform: Platform,
  uploadTo: UploadTarget = 'generic_package',
): AssetRules {
  switch (platform) {
    case 'gitlab':
      return gitLabAssetRules(uploadTo)
    case 'github':
      return gitHubAssetRules
    case 'gongfeng':
      return gongfengAssetRules
    case 'gitea':
      return giteaAssetRules
  }
}

/** The shared name rules, plus the platform's own when one is given, as discovery reports them. */
export function checkNameOn(
  name: string,
  platform?: Platform,
  uploadTo?: UploadTarget,
): ReleaseError[] {
  const shared = checkAssetName(name)
  if (shared.length > 0 || platform === undefined) return shared
  return rulesFor(platform, uploadTo)
    .checkName(name)
    .map((p: NameProblem) => new ReleaseError({ code: 'ASSET_INVALID', input: 'assets', ...p }))
}
