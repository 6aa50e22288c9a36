/** What every Forgejo/Gitea route module shares: the state, stored bytes and settings. */
import type { BlobStore } from '../blob-store.js'
import type { GiteaState } from './state.js'

/** Instance settings; mutable so a test can change behaviour between requests. */
export interface GiteaConfig {
  /**
   * `forgejo` differs where Forgejo's routers do (routers/api/v1/repo/release.go of each): a
   * release create without a `name` is 422 "title is empty", and `tag_message` is not read.
   */
  flavour: 'gitea' | 'forgejo'
  /** What `GET /version` answers. */
  version: string
  /** `[attachment] ENABLED`: when false, release uploads answer 404 "Attachment is not enabled". */
  attachmentsEnabled: boolean
  /**
   * `[attachment] ALLOWED_TYPES`, `MAX_SIZE` (MB), `MAX_FILES`: what `GET /settings/attachment`
   * reports. They govern issue and comment attachments, not release attachments.
   */
  generalAttachments: { allowedTypes: string; maxSizeMb: number; maxFiles: number }
  /** `[repository.release] ALLOWED_TYPES`, checked on release uploads; empty allows every type. */
  releaseAllowedTypes: string
  /**
   * Largest release attachment accepted, in bytes; larger ones answer 413. Gitea and Forgejo
   * set none by default (a reverse proxy's body limit or Forgejo's quota is what refuses in
   * practice); undefined = no limit.
   */
  maxReleaseAttachmentBytes: number | undefined
  /** `[api] DEFAULT_PAGING_NUM` and `MAX_RESPONSE_ITEMS`. */
  defaultPagingNum: number
  maxResponseItems: number
}

export interface GiteaContext {
  readonly state: GiteaState
  readonly blobs: BlobStore
  readonly config: GiteaConfig
  /** `http://127.0.0.1:<port>`: the instance's ROOT_URL without its trailing slash. */
  readonly origin: () => string
}
