import type {
  AssetExistsPolicy,
  AssetPattern,
  ExternalLink,
  LinkType,
  Platform,
  ReleaseExistsPolicy,
  SymlinkPolicy,
  UploadTarget,
  VerifyMode,
} from '../plan/domain.js'

export type {
  AssetExistsPolicy,
  AssetPattern,
  ExternalLink,
  LinkType,
  Platform,
  ReleaseExistsPolicy,
  SymlinkPolicy,
  UploadTarget,
  VerifyMode,
} from '../plan/domain.js'
export { LINK_TYPES } from '../plan/domain.js'

export type TokenType = 'private' | 'job' | 'bearer'
export type MakeLatest = 'true' | 'false' | 'legacy'

/** What the CI system tells about the run, for evidence and defaults. */
export interface CiContext {
  readonly system: 'github-actions' | 'gitlab-ci' | 'none'
  readonly serverUrl?: string
  readonly serverVersion?: string
  readonly projectUrl?: string
  readonly pipelineUrl?: string
  readonly jobUrl?: string
  readonly jobId?: string
  readonly jobToken?: string
}

export interface Settings {
  readonly platform: Platform
  readonly apiUrl: string
  readonly project: string
  readonly token: string
  readonly tokenType: TokenType
  readonly tagName: string
  readonly ref?: string
  /** True when `ref` came from the input rather than the CI environment. */
  readonly refGivenExplicitly: boolean
  readonly tagMessage?: string
  readonly name: string
  readonly description?: string
  readonly descriptionFile?: string
  /** undefined: leave as they are; []: clear them. */
  readonly milestones?: readonly string[]
  /** Normalised ISO 8601 (UTC, `Z`). */
  readonly releasedAt?: string
  readonly assets: readonly AssetPattern[]
  readonly assetLinks: readonly ExternalLink[]
  readonly assetLinkType: LinkType
  readonly uploadTo: UploadTarget
  readonly packageName: string
  readonly packageVersion: string
  readonly ifReleaseExists: ReleaseExistsPolicy
  readonly ifAssetExists: AssetExistsPolicy
  readonly failOnUnmatchedAssets: boolean
  /** Which symbolic links asset globs follow. */
  readonly followSymlinks: SymlinkPolicy
  readonly evidence: boolean
  readonly checksums: boolean
  readonly draft: boolean
  readonly prerelease: boolean
  readonly makeLatest: MakeLatest
  readonly generateNotes: boolean
  readonly labels: readonly string[]
  readonly verify: VerifyMode
  readonly caFile?: string
  readonly dryRun: boolean
  readonly maxParallelUploads: number
  /** 0: the forge's documented write limits. */
  readonly maxWritesPerMinute: number
  readonly retries: number
  readonly timeoutSeconds: number
  readonly outputsFile?: string
  /** Directory globs and relative paths are resolved against. */
  readonly workingDirectory: string
  /**
   * The checkout the job works in (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`, else the working
   * directory): symbolic links asset globs meet may lead into it (`follow_symlinks: inside`).
   */
  readonly workspace: string
  readonly ci: CiContext
  /** Inputs given that do not apply to the chosen platform, and similar non-fatal findings. */
  readonly warnings: readonly string[]
  /** What the reader concluded on its own: an alias read as our input, a detected platform. */
  readonly notices: readonly string[]
}
