import type { Readable } from 'node:stream'

import type { FileDigest } from '../assets/file-digest.js'
import type { Platform } from '../settings/inputs.js'
import type {
  LinkSpec,
  ReleaseFields,
  RemoteAsset,
  RemoteLink,
  RemoteRelease,
} from '../plan/remote.js'

export type { LinkSpec, ReleaseFields, RemoteAsset, RemoteLink, RemoteRelease }

/** A local file to upload under `name`. */
export interface UploadFile {
  readonly name: string
  readonly path: string
  readonly size: number
  readonly contentType: string
  /** Its sha256: known before the upload, or learnt from the bytes the upload reads. */
  readonly digest: FileDigest
}

export type TagState =
  | { readonly state: 'exists'; readonly commitSha: string }
  | { readonly state: 'missing' }
  | { readonly state: 'unknown' }

export interface ForgeCapabilities {
  /** Links are objects of their own, created after the file is stored (GitLab). */
  readonly separateLinks: boolean
  /** Files can only be attached to an existing release (Gongfeng, GitHub). */
  readonly releaseBeforeUpload: boolean
  /** A new release is created as a draft and published once its assets are verified (GitHub). */
  readonly draftUntilPublished: boolean
  readonly milestones: boolean
  readonly releasedAt: boolean
  readonly serverEvidence: boolean
}

export interface CreateResult {
  readonly release: RemoteRelease
  /** False when another run created it first (the create raced and lost). */
  readonly created: boolean
}

export type ProgressCallback = (sentBytes: number) => void

/**
 * A forge adapter: plain operations on one project's releases. It never decides policy
 * (create or update, skip or replace): plan/reconcile does; main sequences the calls.
 * Every write that may have landed before a failure is resolved by a read, inside the adapter.
 */
export interface Forge {
  readonly platform: Platform
  readonly capabilities: ForgeCapabilities
  /**
   * The name the forge will store a file under: GitHub and Gongfeng replace special characters.
   * Planned names are mapped through it before reconciling, so re-runs find renamed files.
   */
  storedName(name: string): string
  /** Learns what the server is (version, project id); may make read requests. */
  connect(): Promise<void>
  /** The release for `tagName`, drafts included, or undefined. */
  findRelease(tagName: string): Promise<RemoteRelease | undefined>
  /** Whether the tag exists and its commit; 'unknown' when the token may not read tags. */
  findTag(tagName: string): Promise<TagState>
  /** Stored files and links of the release (GitLab also lists stored files of a release not created yet). */
  listAssets(release: RemoteRelease | undefined, tagName: string): Promise<RemoteAsset[]>
  /** Creates the release; when another run created it first, returns that one with created=false. */
  createRelease(fields: ReleaseFields, links: readonly LinkSpec[]): Promise<CreateResult>
  updateRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease>
  /** Stores a file; `replacing` is the asset of the same name being replaced, if any. */
  uploadAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
    replacing: RemoteAsset | undefined,
    onProgress: ProgressCallback,
  ): Promise<RemoteAsset>
  deleteAsset(release: RemoteRelease, asset: RemoteAsset): Promise<void>
  /** GitLab: the URL a link to a stored file should have. */
  linkUrlFor(asset: RemoteAsset): string
  /** GitLab: creates the link, or updates `existing` to match. Idempotent under races. */
  upsertLink(
    release: RemoteRelease,
    link: LinkSpec,
    existing: RemoteLink | undefined,
  ): Promise<RemoteLink>
  /** GitHub: turns the draft into a published release. */
  publishRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease>
  /** GitLab: asks the server to collect evidence; the sha when it reports one. */
  collectServerEvidence(
    release: RemoteRelease,
  ): Promise<{ collected: boolean; sha?: string; message?: string }>
  /** Downloads an asset (following the forge's download path) as a stream, for hashing and verification. */
  openAsset(asset: RemoteAsset): Promise<Readable>
  /** Size of the asset as served through its download path (HEAD or a ranged GET). */
  fetchAssetSize(release: RemoteRelease, asset: RemoteAsset): Promise<number>
  /** For dry runs: the requests an operation would make, as `METHOD URL` lines. */
  describe(operation: PlannedOperation): string[]
}

export type PlannedOperation =
  | {
      readonly kind: 'create-release'
      readonly fields: ReleaseFields
      readonly links: readonly LinkSpec[]
    }
  | { readonly kind: 'update-release'; readonly fields: ReleaseFields }
  | { readonly kind: 'upload'; readonly file: UploadFile; readonly replacing?: RemoteAsset }
  | { readonly kind: 'delete-asset'; readonly asset: RemoteAsset }
  | { readonly kind: 'upsert-link'; readonly link: LinkSpec; readonly existing?: RemoteLink }
  | { readonly kind: 'publish-release' }
  | { readonly kind: 'collect-evidence' }
