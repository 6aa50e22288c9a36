/**
 * The parts of GitHub's REST objects (API version 2022-11-28) the adapter reads, in the API's
 * own snake_case. Octokit's generated types describe the full objects; these name only what we
 * rely on, so the fake server and the tests can stay small.
 */

/** `release` (schemas/github/release.json). */
export interface GitHubRelease {
  readonly id: number
  readonly tag_name: string
  readonly target_commitish: string
  readonly name: string | null
  readonly body?: string | null
  readonly draft: boolean
  readonly prerelease: boolean
  readonly immutable?: boolean
  readonly html_url: string
  /** RFC 6570 template: `https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`. */
  readonly upload_url: string
  /** Listed releases carry their assets. */
  readonly assets?: readonly GitHubAsset[]
}

/**
 * `release-asset`. `state` is documented as `uploaded | open`, but an upload that failed
 * upstream "may leave an empty asset with a state of `starter`" (docs, "Upload a release asset").
 */
export interface GitHubAsset {
  readonly id: number
  readonly name: string
  readonly state: string
  readonly size: number
  /** `sha256:<hex>`; null for assets uploaded before GitHub computed digests. */
  readonly digest?: string | null
  readonly content_type: string
  readonly browser_download_url: string
  /** The name shown for it on the release page; null when none was set. */
  readonly label?: string | null
}

/** `git-ref`: `GET /repos/{owner}/{repo}/git/ref/tags/{tag}`. */
export interface GitHubRef {
  readonly object: { readonly sha: string; readonly type: string }
}
