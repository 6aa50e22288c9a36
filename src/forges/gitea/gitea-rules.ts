import type { AssetRules } from '../../assets/asset-rules.js'

/**
 * Forgejo/Gitea take release attachments of any name the shared rules allow, as many as wanted,
 * and keep the name as given. Their size limit is the instance's, and the API does not tell it:
 * `GET /settings/attachment`'s `max_size` and `allowed_types` are `[attachment]` settings for
 * issue and comment attachments, while release uploads are checked against
 * `[repository.release] ALLOWED_TYPES` (routers/api/v1/repo/release_attachment.go) and, by
 * default, no size limit but the reverse proxy's. So nothing is refused before the run; a 413
 * from the server is reported naming the file (translate-error.ts).
 */
export const giteaAssetRules: AssetRules = {
  linkPaths: false,
  checkName: () => [],
  checkSize: () => undefined,
}
