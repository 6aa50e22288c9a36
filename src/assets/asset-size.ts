import type { Platform } from '../settings/inputs.js'
import type { UploadTarget } from '../settings/settings.js'

export const GITHUB_MAX_ASSET_BYTES = 2 * 1024 ** 3
// Gongfeng documents "200 MB" per attachment without saying which megabyte; the smaller reading
// is the safe one to reject on.
export const GONGFENG_MAX_ATTACHMENT_BYTES = 200 * 1000 ** 2
/** GitLab's default `generic_packages_max_file_size`; administrators can change it. */
export const GITLAB_DEFAULT_GENERIC_PACKAGE_MAX_BYTES = 5 * 1024 ** 3

export interface SizeFinding {
  readonly severity: 'error' | 'warning'
  readonly message: string
  readonly hint: string
}

/** Hard limits are errors; GitLab's limits are instance settings, so only a warning. */
export function checkAssetSize(
  name: string,
  size: number,
  platform: Platform,
  uploadTo: UploadTarget = 'generic_package',
): SizeFinding | undefined {
  if (platform === 'github' && size >= GITHUB_MAX_ASSET_BYTES) {
    return {
      severity: 'error',
      message: `${name} is ${formatBytes(size)}; GitHub release assets must be under 2 GiB.`,
      hint: 'Split the file, or publish it elsewhere and link it from the release notes.',
    }
  }
  if (platform === 'gongfeng' && size > GONGFENG_MAX_ATTACHMENT_BYTES) {
    return {
      severity: 'error',
      message: `${name} is ${formatBytes(size)}; Gongfeng release attachments are limited to 200 MB.`,
      hint: 'Split the file, or publish it elsewhere and link it from the release notes.',
    }
  }
  if (
    platform === 'gitlab' &&
    uploadTo === 'generic_package' &&
    size > GITLAB_DEFAULT_GENERIC_PACKAGE_MAX_BYTES
  ) {
    return {
      severity: 'warning',
      message: `${name} is ${formatBytes(size)}, above GitLab's default generic package file limit of 5 GiB.`,
      hint: 'The upload fails unless an administrator raised generic_packages_max_file_size.',
    }
  }
  return undefined
}

export function formatBytes(size: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = size
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${size} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`
}
