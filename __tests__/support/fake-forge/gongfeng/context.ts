/** What every Gongfeng route module shares: the state, stored bytes, settings and auth counters. */
import type { BlobStore } from '../blob-store.js'
import type { GongfengState } from './state.js'

/** Instance behaviour the docs leave open; mutable so a test can flip it between requests. */
export interface GongfengConfig {
  /**
   * Hold requests to the seed page's parameter lists (documented-params.ts). Only the fake's own
   * tests of how the server answers a malformed request turn it off; runs of the tool never do.
   */
  checkRequests: boolean
  /**
   * Largest attachment, in bytes. The seed says "大小不超过 200M"; the fake reads it as 200 MiB
   * (the larger reading, so the client's 200 MB check is the stricter one). Larger → 413.
   */
  maxAttachmentBytes: number
  /**
   * `POST /releases` for a tag that exists only as a plain tag (type `none`): `upgrade` turns it
   * into a release (201, the default), `conflict` answers 409 like an existing release.
   */
  createOnBaseline: 'upgrade' | 'conflict'
  /** A second attachment with the same stored name: `reject` (409, default) or `overwrite`. */
  duplicateAttachment: 'reject' | 'overwrite'
  /**
   * `HEAD …/attachments/:name`, which the seed does not document (only GET, "文件流"): `serve`
   * answers like GET without the body (the default), `not-found` 404 and `method-not-allowed`
   * 405, as servers that route GET only do.
   */
  head: 'serve' | 'not-found' | 'method-not-allowed'
  /** How a release without attachments shows them: `[]` (the new seed, default) or `null` (older docs). */
  emptyAttachments: 'array' | 'null'
}

/** How requests carried the token, so tests can prove the client never put it in a URL. */
export interface AuthUsage {
  header: number
  query: number
}

export interface GongfengContext {
  readonly state: GongfengState
  readonly blobs: BlobStore
  readonly config: GongfengConfig
  readonly auth: AuthUsage
}
