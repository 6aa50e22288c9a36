import { formatBytes } from '../../assets/asset-size.js'
import type { AssetRules } from '../../assets/asset-rules.js'

// Gongfeng documents "200 MB" per attachment without saying which megabyte; the smaller reading
// is the safe one to reject on.
export const GONGFENG_MAX_ATTACHMENT_BYTES = 200 * 1000 ** 2

export const gongfengAssetRules: AssetRules = {
  linkPaths: false,
  // Gongfeng filters special characters instead of refusing them (stored-name.ts).
  checkName: () => [],
  checkSize: (name, size) =>
    size > GONGFENG_MAX_ATTACHMENT_BYTES
      ? {
          severity: 'error',
          message: `${name} is ${formatBytes(size)}; Gongfeng release attachments are limited to 200 MB.`,
          hint: 'Split the file, or publish it elsewhere and link it from the release notes.',
        }
      : undefined,
}
