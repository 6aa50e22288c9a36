import type { LocalFile } from '../assets/local-file.js'
import type { Platform } from './domain.js'
import type { AssetExistsPolicy, ExternalLink, ReleaseExistsPolicy } from './domain.js'
import type { ReleaseFields } from './remote.js'

/** A file to publish, hashed. */
export type PlannedFile = LocalFile & { readonly sha256: string }

/**
 * Everything the run intends, decided before the first request. Its files are hashed where the
 * forge holds something to compare them with, and the rest while they upload (`F` says which).
 */
export interface ReleasePlan<F extends LocalFile = PlannedFile> {
  readonly platform: Platform
  readonly fields: ReleaseFields
  /** True when `ref` was given explicitly (a tag on another commit is then worth a warning). */
  readonly refGivenExplicitly: boolean
  readonly files: readonly F[]
  readonly externalLinks: readonly ExternalLink[]
  readonly ifReleaseExists: ReleaseExistsPolicy
  readonly ifAssetExists: AssetExistsPolicy
  /** Whether the fields were given (an absent description leaves the release's own alone). */
  readonly given: {
    readonly name: boolean
    readonly description: boolean
    readonly milestones: boolean
    readonly releasedAt: boolean
  }
}
