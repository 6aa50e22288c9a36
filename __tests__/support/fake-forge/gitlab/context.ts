/** What every GitLab route module shares: the state, stored bytes and the instance settings. */
import type { BlobStore } from '../blob-store.js'
import type { GitLabState } from './state.js'

export interface GitLabFeatures {
  /**
   * `POST …/releases/:tag/evidence` exists (an EE instance: gitlab.com or self-managed EE).
   * Off models GitLab CE, where the EE route is not defined at all: the request falls through
   * to the catch-all route → 404 `{"error":"404 Not Found"}`. Default true.
   */
  evidence: boolean
  /** The package registry is enabled; off → every generic-package route answers 404. Default true. */
  genericPackages: boolean
}

export interface GitLabThrottle {
  /** Requests allowed per window (counted over every `/api/` request, all users). */
  readonly limit: number
  readonly periodSeconds: number
  /** `RateLimit-Name`; default `throttle_authenticated_api`. */
  readonly name?: string
}

/** Instance settings; mutable so a test can flip them between requests. */
export interface GitLabConfig {
  /**
   * Hold requests to GitLab's own declarations (grape-params.ts). Only the fake's own tests of
   * how GitLab answers a malformed request turn it off; runs of the tool never do.
   */
  checkRequests: boolean
  /** `GET /version`; also decides the markdown-upload URL format (17.1) and `id` in it (17.3). */
  version: string
  revision: string
  features: GitLabFeatures
  /** `generic_packages_max_file_size` (bytes); default 5 GiB. */
  genericPackageMaxBytes: number
  /** `max_attachment_size` (bytes) for markdown uploads; default 100 MB. */
  maxAttachmentBytes: number
  /** Group setting "Allow duplicate generic packages"; default true (GitLab's default). */
  allowDuplicates: boolean
  /** Collect an evidence after each non-upcoming, non-historical release is created (GitLab does, asynchronously). */
  autoEvidence: boolean
  throttle: GitLabThrottle | undefined
  /**
   * Package files show `file_sha256` (lib/api/entities/package_file.rb from 6d19e491 on); off
   * models older servers, whose entity (0a9efe02) has only `file_md5` and `file_sha1`.
   */
  packageFileSha256: boolean
  /**
   * Where package files and uploads are kept. `local`: GitLab serves the bytes. Otherwise the
   * download answers 302 to a pre-signed object storage URL (the same origin here, under
   * `/-/object-storage/`): `signed-any-method` answers GET and HEAD there; `signed-for-get` refuses
   * HEAD with 403, as storage other than AWS S3 does for a URL GitLab signed for GET only.
   */
  objectStorage: 'local' | 'signed-any-method' | 'signed-for-get'
}

export interface GitLabContext {
  readonly state: GitLabState
  readonly blobs: BlobStore
  readonly config: GitLabConfig
}
