import type { SigningSettings } from './read-signing.js'
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

export type { IdentitySource, SigningSettings } from './read-signing.js'

export type TokenType = 'private' | 'job' | 'bearer'
export type MakeLatest = 'true' | 'false' | 'legacy'

/** What the CI system tells about the run, for evidence, provenance and defaults. */
export interface CiContext {
  readonly system: 'github-actions' | 'gitlab-ci' | 'none'
  /** The GitHub-style job runs in Forgejo or Gitea Actions, on that server (not on GitHub). */
  readonly giteaActions?: boolean
  readonly serverUrl?: string
  readonly serverVersion?: string
  readonly projectUrl?: string
  readonly pipelineUrl?: string
  readonly jobUrl?: string
  readonly jobId?: string
  readonly jobToken?: string
  /** The project's path: `owner/repo` (GITHUB_REPOSITORY), `group/sub/app` (CI_PROJECT_PATH). */
  readonly projectPath?: string
  /** The full git ref the run is for: `refs/tags/v1.2.0`, `refs/heads/main`. */
  readonly ref?: string
  /** The commit the run checked out (GITHUB_SHA, CI_COMMIT_SHA). */
  readonly commitSha?: string
  /** What started the run: GITHUB_EVENT_NAME (`push`), CI_PIPELINE_SOURCE (`push`, `web`, …). */
  readonly trigger?: string
  /** The workflow file in the repository: `.github/workflows/release.yml`, `.gitlab-ci.yml`. */
  readonly workflowPath?: string
  /** The run's own URL, one attempt of it where the CI counts attempts. */
  readonly invocationUrl?: string
  /** GitHub: GITHUB_REPOSITORY_ID, GITHUB_REPOSITORY_OWNER_ID and RUNNER_ENVIRONMENT. */
  readonly repositoryId?: string
  readonly repositoryOwnerId?: string
  readonly runnerEnvironment?: string
  /** GitLab: the job's name and the runner that ran it. */
  readonly jobName?: string
  readonly runnerId?: string
  readonly runnerDescription?: string
  /** GitLab: CI_JOB_STARTED_AT. */
  readonly startedAt?: string
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
  /** Set when the run signs its statements (`sign`, and an identity to sign with). */
  readonly signing?: SigningSettings
  /** Inputs given that do not apply to the chosen platform, and similar non-fatal findings. */
  readonly warnings: readonly string[]
  /**
   * What the reader concluded on its own: an alias read as our input, a detected platform,
   * signing skipped for want of an identity.
   */
  readonly notices: readonly string[]
}
