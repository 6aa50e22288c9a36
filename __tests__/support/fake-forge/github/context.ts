/** What every GitHub route module shares: the state, stored bytes, settings and the origins. */
import type { BlobStore } from '../blob-store.js'
import type { GitHubState } from './state.js'

/**
 * A failure of the upload endpoint that, unlike the core's faults, leaves what GitHub leaves:
 * "When an upstream failure occurs, you will receive a `502 Bad Gateway` status. This may leave
 * an empty asset with a state of `starter`." (docs, "Upload a release asset").
 */
export interface UploadFault {
  /** Stored (renamed) asset name; a RegExp is tested on it. Default: any upload. */
  readonly name?: string | RegExp
  /**
   * `bad-gateway`: read the body, keep nothing, answer 502 — the `starter` asset stays.
   * `cut`: read `afterBytes` of the body, then drop the connection — the `starter` asset stays.
   */
  readonly kind: 'bad-gateway' | 'cut'
  /** For `cut`: body bytes read before the connection drops (default 0). */
  readonly afterBytes?: number
  /** How many uploads fail (default 1). */
  readonly times?: number
}

/**
 * GitHub's replication lag: right after a release is published, `GET /releases/tags/{tag}` may
 * still answer 404 for a while (a read replica has not seen it yet). `reads` counts get-by-tag
 * requests for that tag; `ms` is wall time since publishing. Either keeps it hidden.
 */
export interface TagLookupLag {
  readonly reads?: number
  readonly ms?: number
}

/** Settings; mutable so a test can change behaviour between requests. */
export interface GitHubConfig {
  /** Published releases refuse new and deleted assets (GitHub's immutable releases). */
  immutableReleases: boolean
  tagLookupLag: TagLookupLag
  /** Largest asset accepted, in bytes: "Each file … must be under 2 GiB". */
  maxAssetBytes: number
  /** `X-GitHub-Api-Version` values the server knows; any other is a 400. */
  apiVersions: readonly string[]
  /** The primary rate limit's `x-ratelimit-limit`. */
  rateLimit: number
  uploadFaults: UploadFault[]
  /**
   * GitHub's secondary rate limit on content-creating requests (POST, PATCH, PUT, DELETE on the
   * API and uploads hosts), enforced as sliding windows: "no more than 80 content-generating
   * requests per minute and no more than 500 … per hour". Off when undefined.
   */
  secondaryLimit?: readonly { readonly limit: number; readonly windowMs: number }[]
  /** Assets carry `digest: "sha256:…"`; off models servers from before GitHub computed digests. */
  digests: boolean
  /**
   * The storage service answers HEAD on a pre-signed download URL. Off models storage that signs
   * URLs for GET only, as S3 does for a URL signed for GET: HEAD → 403 SignatureDoesNotMatch.
   */
  storageAnswersHead: boolean
  /**
   * `GET …/git/ref/tags%2Fv1` (an encoded slash inside the ref): `accepted` as github.com does,
   * `not-found` as older GitHub Enterprise Server routes it (404); `git/ref/tags/v1` works on both.
   */
  encodedRefSlash: 'accepted' | 'not-found'
}

export interface GitHubOrigins {
  /** API root (no trailing slash), e.g. `http://127.0.0.1:4000`. */
  readonly api: () => string
  /** Web pages (html_url, browser_download_url); the fake serves them on the API's origin. */
  readonly web: () => string
  /** Where `upload_url` points: the second server, as uploads.github.com is. */
  readonly uploads: () => string
  /** Where asset downloads redirect to, as objects.githubusercontent.com. */
  readonly downloads: () => string
}

export interface GitHubContext {
  readonly state: GitHubState
  readonly blobs: BlobStore
  readonly config: GitHubConfig
  readonly origins: GitHubOrigins
  /** Secret the download server signs its URLs with. */
  readonly signingKey: string
}
