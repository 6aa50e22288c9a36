import { RENAME_HINT } from '../../assets/asset-name.js'
import { formatBytes } from '../../assets/asset-size.js'
import type { AssetRules } from '../../assets/asset-rules.js'
import type { UploadTarget } from '../../plan/domain.js'

/** `maven_file_name_regex`, which GitLab applies to generic package file names (API-NOTES §1.5). */
export const GENERIC_PACKAGE_FILE_NAME = /^[A-Za-z0-9._+-]+$/

/** GitLab's default `generic_packages_max_file_size`; administrators can change it. */
export const GITLAB_DEFAULT_GENERIC_PACKAGE_MAX_BYTES = 5 * 1024 ** 3

/**
 * Generic packages take only plain file names; their size limit is an instance setting, so
 * a file above the default is a warning, not an error. Project uploads take any name.
 */
export function gitLabAssetRules(uploadTo: UploadTarget): AssetRules {
  const packages = uploadTo === 'generic_package'
  return {
    linkPaths: true,
    checkName: (name) =>
      packages && !GENERIC_PACKAGE_FILE_NAME.test(name)
        ? [
            {
              message: `Upload name ${JSON.stringify(name)} is not accepted by GitLab generic packages, which allow only letters, digits, '.', '_', '-' and '+' (${GENERIC_PACKAGE_FILE_NAME.source}).`,
              hint: `${RENAME_HINT} Or set upload_to: project_uploads (needs an access token, not the CI job token).`,
            },
          ]
        : [],
    checkSize: (name, size) =>
      packages && size > GITLAB_DEFAULT_GENERIC_PACKAGE_MAX_BYTES
        ? {
            severity: 'warning',
            message: `${name} is ${formatBytes(size)}, above GitLab's default generic package file limit of 5 GiB.`,
            hint: 'The upload fails unless an administrator raised generic_packages_max_file_size.',
          }
        : undefined,
  }
}
