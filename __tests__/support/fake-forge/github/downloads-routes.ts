/**
 * The storage service asset downloads redirect to (objects.githubusercontent.com, an S3-style
 * store): GET and HEAD of a pre-signed URL. It knows no tokens. Like S3 it refuses a request
 * that carries an `Authorization` header besides the signature ("Only one auth mechanism
 * allowed"), which is also how a client that leaks its token across the redirect is caught.
 */
import { serveBlob } from '../byte-range.js'
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import type { GitHubContext } from './context.js'
import { signAsset } from './entities.js'

const s3Error = (ex: Exchange, status: number, code: string, message: string): Promise<void> =>
  ex.send(
    status,
    { 'content-type': 'application/xml' },
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  )

const download =
  (ctx: GitHubContext): Handler =>
  async (ex) => {
    if (ex.header('authorization') !== undefined) {
      return s3Error(
        ex,
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      )
    }
    const assetId = Number(ex.params.asset_id)
    const signature = ex.query.get('X-Amz-Signature')
    // A URL pre-signed for GET does not sign HEAD: S3 computes another signature and refuses it.
    const headRefused = ex.method === 'HEAD' && !ctx.config.storageAnswersHead
    if (signature === null || signature !== signAsset(ctx.signingKey, assetId) || headRefused) {
      return s3Error(
        ex,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      )
    }
    for (const repo of ctx.state.repos.values()) {
      const found = ctx.state.findAsset(repo, assetId)
      const blob = found?.asset.blob
      if (found === undefined || blob === undefined || String(repo.id) !== ex.params.repo_id) {
        continue
      }
      return serveBlob(ex, ctx.blobs, blob, {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename=${found.asset.name}`,
        etag: `"${blob.sha256.slice(0, 32)}"`,
        'accept-ranges': 'bytes',
      })
    }
    return s3Error(ex, 404, 'NoSuchKey', 'The specified key does not exist.')
  }

export const registerDownloadRoutes = (router: Router<Handler>, ctx: GitHubContext): void => {
  router.get('/github-production-release-asset/:repo_id/:asset_id', download(ctx))
}
