import { formatBytes } from '../../assets/asset-size.js'
import type { AssetRules } from '../../assets/asset-rules.js'

/** "Each file must be under 2 GiB" (docs: About releases, storage and bandwidth quotas). */
export const GITHUB_MAX_ASSET_BYTES = 2 * 1024 ** 3
/** "There is no limit on the total size … but you can upload at most 1000 assets" per release. */
export const GITHUB_MAX_ASSETS = 1000

/**
 * GitHub's secondary rate limit: "no more than 80 content-generating requests per minute and no
 * more than 500 content-generating requests per hour" (docs: Rate limits for the REST API). It
 * is not announced in headers, so the transport paces writes to it before it answers 403/429.
 */
export const GITHUB_WRITE_WINDOWS = [
  { limit: 80, windowMs: 60_000 },
  { limit: 500, windowMs: 3_600_000 },
] as const

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
