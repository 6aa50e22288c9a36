/**
 * Object storage behind GitLab (config.objectStorage): with it, a download of a package file or
 * an upload answers 302 to a pre-signed URL of the store (direct download, `proxy_download: false`,
 * GitLab's default), which the fake serves itself under `/-/object-storage/`. The store knows no
 * GitLab tokens. A URL signed for GET does not sign HEAD: `signed-for-get` answers HEAD with
 * 403 SignatureDoesNotMatch, as S3-compatible stores other than AWS do for GitLab's URLs.
 */
import { createHmac, randomBytes } from 'node:crypto'

import type { StoredBlob } from '../blob-store.js'
import { serveBlob } from '../byte-range.js'
import type { Exchange, HeaderMap } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import type { GitLabContext } from './context.js'

interface Store {
  readonly key: string
  readonly blobs: Map<string, { blob: StoredBlob; headers: HeaderMap }>
}

const stores = new WeakMap<GitLabContext, Store>()

const storeOf = (ctx: GitLabContext): Store => {
  let store = stores.get(ctx)
  if (store === undefined) {
    store = { key: randomBytes(16).toString('hex'), blobs: new Map() }
    stores.set(ctx, store)
  }
  return store
}

const sign = (store: Store, id: string): string =>
  createHmac('sha256', store.key).update(id).digest('hex')

/** Sends a stored file: its bytes (ranges honoured), or a redirect to object storage. */
export const serveStoredFile = async (
  ctx: GitLabContext,
  ex: Exchange,
  blob: StoredBlob,
  headers: HeaderMap,
): Promise<void> => {
  if (ctx.config.objectStorage === 'local') {
    return serveBlob(ex, ctx.blobs, blob, { ...headers, 'accept-ranges': 'bytes' })
  }
  const store = storeOf(ctx)
  store.blobs.set(blob.id, { blob, headers })
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Expires': '540',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': sign(store, blob.id),
  })
  await ex.redirect(`${ex.origin}/-/object-storage/${blob.id}?${query.toString()}`)
}

const s3Error = (ex: Exchange, status: number, code: string, message: string): Promise<void> =>
  ex.send(
    status,
    { 'content-type': 'application/xml' },
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  )

export const registerObjectStorageRoutes = (router: Router<Handler>, ctx: GitLabContext): void => {
  router.get('/-/object-storage/:blob_id', async (ex) => {
    const store = storeOf(ctx)
    const id = ex.params.blob_id ?? ''
    const headRefused = ex.method === 'HEAD' && ctx.config.objectStorage === 'signed-for-get'
    if (ex.query.get('X-Amz-Signature') !== sign(store, id) || headRefused) {
      return s3Error(
        ex,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      )
    }
    const entry = store.blobs.get(id)
    if (entry === undefined)
      return s3Error(ex, 404, 'NoSuchKey', 'The specified key does not exist.')
    await serveBlob(ex, ctx.blobs, entry.blob, { ...entry.headers, 'accept-ranges': 'bytes' })
  })
}
