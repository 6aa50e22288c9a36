import type { LinkType } from '../plan/domain.js'
import type { FileIdentity } from './file-identity.js'

/** A file on disk that will be uploaded as a release asset. */
export interface LocalFile {
  /** Absolute path. */
  readonly path: string
  /** Name the file is uploaded (and listed in SHA256SUMS) under. */
  readonly name: string
  /** The name it was given, when the forge stores it under another (`name`). */
  readonly originalName?: string
  /** Bytes, from the file's handle at discovery time. */
  readonly size: number
  /**
   * The file found at discovery; every later open checks it is still that file. Undefined for
   * files the tool writes itself (SHA256SUMS, the evidence).
   */
  readonly identity?: FileIdentity
  readonly linkType: LinkType
  /**
   * GitLab link path (`/downloads<path>` on the release page). Undefined when the file has no
   * explicit one and `/<name>` does not fit GitLab's link path rule; the link then has none.
   */
  readonly directAssetPath?: string
  readonly contentType: string
  /** Lower-case hex; set once the file has been hashed. */
  readonly sha256?: string
}
