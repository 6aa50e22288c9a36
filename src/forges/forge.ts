import type { Readable } from 'node:stream'

import type { AssetRules } from '../assets/asset-rules.js'
import type { FileDigest } from '../assets/file-digest.js'
import type { Platform } from '../plan/domain.js'
import type {
  LinkSpec,
  ReleaseFields,
  RemoteAsset,
  RemoteLink,
  RemoteRelease,
} from '../plan/remote.js'
import type { Step } from '../plan/steps.js'

export type { AssetRules, LinkSpec, ReleaseFields, RemoteAsset, RemoteLink, RemoteRelease }
export type { NameProblem, SizeFinding } from '../assets/asset-rules.js'

/** A local file to upload under `name`. */
export interface UploadFile {
  readonly name: string
  readonly path: string
  readonly size: number
  readonly contentType: string
  /** Its sha256: known before the upload, or learnt from the bytes the upload reads. */
  readonly digest: FileDigest
  /**
   * The name the file was given, when the forge stores it under another (`name` is then the
   * stored one): GitHub shows it as the asset's label.
   */
  readonly originalName?: string
  /**
   * A settle-names step follows the uploads (SameNameTwins): the upload leaves the check for a
   * same-name twin to it.
   */
  readonly nameSettledLater?: boolean
}

export type TagState =
  | { readonly state: 'exists'; readonly commitSha: string }
  | { readonly state: 'missing' }
  | { readonly state: 'unknown' }

export type ProgressCallback = (sentBytes: number) => void

/**
 * What a write that creates something came to. Adapters never repeat a write themselves: a
 * write that may have landed (`unknown`) or that found its place taken (`exists`) is read back
 * by the engine, which then adopts what it finds, repeats the write, or gives way.
 */
export type WriteResult<T> =
  | { readonly kind: 'created'; readonly value: T }
  | { readonly kind: 'exists'; readonly cause: unknown }
  | { readonly kind: 'unknown'; readonly cause: unknown }

/** What a read-back found where a write of ours should be. */
export type ReadBack<T> =
  /** Our write (or an identical one) is there. */
  | { readonly kind: 'landed'; readonly value: T }
  /** Something else holds the place: another job's version. */
  | { readonly kind: 'other'; readonly value: T }
  /** Nothing is there, or a write in progress holds it: the write may be sent again. */
  | { readonly kind: 'absent' }

/** Why a stored file is being read back. */
export interface ReadBackSituation {
  readonly outcome: 'exists' | 'unknown'
  /** Only one more attempt will follow: what blocks the name may be cleared for it. */
  readonly lastAttempt: boolean
}

/**
 * A forge adapter: primitive reads and writes on one project's releases. It decides no policy:
 * plan/steps.ts decides what to write, and the engine runs, confirms and repeats the writes.
 * What a forge lacks it leaves out: links, drafts and server evidence are optional interfaces.
 */
export interface Forge {
  readonly platform: Platform
  readonly rules: AssetRules
  /**
   * The name the forge will store a file under: GitHub and Gongfeng replace special characters.
   * Planned names are mapped through it before reconciling, so re-runs find renamed files.
   */
  storedName(name: string): string
  /** Learns what the server is (version, project id); may make read requests. */
  connect(): Promise<void>
  /** The release for `tagName`, drafts included (the canonical one, if several), or undefined. */
  findRelease(tagName: string): Promise<RemoteRelease | undefined>
  /** Whether the tag exists and its commit; 'unknown' when the token may not read tags. */
  findTag(tagName: string): Promise<TagState>
  /** Stored files and links of the release (GitLab also lists stored files of a release not created yet). */
  listAssets(release: RemoteRelease | undefined, tagName: string): Promise<RemoteAsset[]>
  /** Creates the release once; `exists` when the tag already has one. */
  createRelease(
    fields: ReleaseFields,
    links: readonly LinkSpec[],
  ): Promise<WriteResult<RemoteRelease>>
  updateRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease>
  /**
   * Stores a file once; `replacing` is the asset of the same name being replaced, which the
   * forge removes first where it cannot keep two of a name.
   */
  uploadAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
    replacing: RemoteAsset | undefined,
    onProgress: ProgressCallback,
  ): Promise<WriteResult<RemoteAsset>>
  /** After an upload that may have landed or found its name taken: what holds the name now. */
  readBackAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
    situation: ReadBackSituation,
  ): Promise<ReadBack<RemoteAsset>>
  deleteAsset(release: RemoteRelease, asset: RemoteAsset): Promise<void>
  /**
   * The asset's bytes through a download route the API documents (GET; with `release`, through
   * the release's own download path where the forge has one); undefined when it is not there.
   */
  openAsset(asset: RemoteAsset, release?: RemoteRelease): Promise<Readable | undefined>
  /**
   * The size of the asset as its download path serves it, through a request the API documents:
   * a GET with `Range: bytes=0-0`, read from `Content-Range` (a server that ignores the range is
   * read from `Content-Length`, its body left unread). HEAD is not used: several servers and the
   * storage they redirect to refuse it (Gongfeng documents GET only; storage signs for GET only).
   */
  fetchAssetSize(release: RemoteRelease, asset: RemoteAsset): Promise<number>
  /** For dry runs: the requests a step makes, as `METHOD URL (what)` lines. */
  describe(step: Step): string[]
}

/** Forges whose release links are objects of their own, made after the file is stored (GitLab). */
export interface ReleaseLinks {
  createLink(release: RemoteRelease, link: LinkSpec): Promise<WriteResult<RemoteLink>>
  /** The release's link that holds the name, URL or path `link` wants, if any. */
  findLink(release: RemoteRelease, link: LinkSpec): Promise<RemoteLink | undefined>
  updateLink(release: RemoteRelease, link: LinkSpec, existing: RemoteLink): Promise<RemoteLink>
}

/** Forges where a new release starts as a hidden draft, published once complete (GitHub). */
export interface DraftReleases {
  publishRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease>
  /** Removes a draft (a duplicate another job's race made). */
  deleteRelease(release: RemoteRelease): Promise<void>
  /**
   * Drafts of the release's tag other than `release` that hold no files: left by a create
   * whose answer was lost, which no job can recognise as its own.
   */
  findEmptyDuplicates(release: RemoteRelease): Promise<RemoteRelease[]>
}

/** Forges whose stored files show a label beside their stored name (GitHub). */
export interface AssetLabels {
  /** Sets the label of a stored file; the file as stored afterwards. */
  labelAsset(release: RemoteRelease, asset: RemoteAsset, label: string): Promise<RemoteAsset>
}

/** Forges that collect release evidence on the server (GitLab Premium). */
export interface ServerEvidence {
  /** Asks for a collection; the reason when the server will not collect. */
  requestServerEvidence(release: RemoteRelease): Promise<{ refused?: string }>
}

/**
 * Forges that keep signed attestations of a repository's artifacts, found by the sha256 of any
 * subject (GitHub's attestations API, which `gh attestation verify` reads).
 */
export interface Attestations {
  /** Stores a Sigstore bundle (parsed JSON); its id, where the forge says one. */
  createAttestation(bundle: unknown): Promise<WriteResult<{ readonly id?: string }>>
  /** The bundles stored for artifacts with this sha256 (lower-case hex). */
  listAttestations(subjectSha256: string): Promise<readonly unknown[]>
}

/** An upload of this run and the asset its answer named. */
export interface StoredUpload {
  readonly file: UploadFile
  readonly stored: RemoteAsset
}

/**
 * Forges that keep two files of one name (Forgejo/Gitea): jobs that store a name at the same
 * moment settle it by a rule every job follows. Checking after each upload would list the whole
 * release each time (a thousand files, a thousand listings); the uploads are checked together.
 */
export interface SameNameTwins {
  /** What holds each upload's name now, in order, after one listing; twins are removed. */
  settleNames(
    release: RemoteRelease,
    uploads: readonly StoredUpload[],
  ): Promise<ReadBack<RemoteAsset>[]>
}

export function hasLinks(forge: Forge): forge is Forge & ReleaseLinks {
  return 'createLink' in forge
}

export function hasDrafts(forge: Forge): forge is Forge & DraftReleases {
  return 'publishRelease' in forge
}

export function hasLabels(forge: Forge): forge is Forge & AssetLabels {
  return 'labelAsset' in forge
}

export function hasServerEvidence(forge: Forge): forge is Forge & ServerEvidence {
  return 'requestServerEvidence' in forge
}

export function hasAttestations(forge: Forge): forge is Forge & Attestations {
  return 'createAttestation' in forge
}

export function hasSameNameTwins(forge: Forge): forge is Forge & SameNameTwins {
  return 'settleNames' in forge
}
