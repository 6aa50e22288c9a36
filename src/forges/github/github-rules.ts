import { formatBytes } from '../../assets/asset-size.js'
import type { AssetRules } from '../../assets/asset-rules.js'

/** "Each file must be under 2 GiB" (docs: About releases, storage and bandwidth quotas). */
export const GITHUB_MAX_ASSET_BYTES = 2 * 1024 ** 3
/** "There is no limit on the total size … but you can upload at most 1000 assets" per release. */
export const GITHUB_MAX_ASSETS = 1000

export const gitHubAssetRules: AssetRules = {
  maxAssets: GITHUB_MAX_ASSETS,
  linkPaths: false,
  // GitHub renames what it does not like instead of refusing it (stored-name.ts).
  checkName: () => [],
  checkSize: (name, size) =>
    size >= GITHUB_MAX_ASSET_BYTES
      ? {
          severity: 'error',
          message: `${name} is ${formatBytes(size)}; GitHub release assets must be under 2 GiB.`,
          hint: 'Split the file, or publish it elsewhere and link it from the release notes.',
        }
      : undefined,
}
