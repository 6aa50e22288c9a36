/**
 * The web side a release's files are downloaded from (routers/web/repo/attachment.go,
 * release.go):
 *
 * - `GET /attachments/{uuid}`: the attachment's bytes (ServeAttachment → http.ServeContent, so
 *   single byte ranges answer 206 with Content-Range). A token is honoured here for GET only
 *   (services/auth: `isAttachmentDownload` is `/attachments/` and `req.Method == "GET"`), so a
 *   HEAD of a private repository's file is anonymous and answers 404.
 * - `GET /{owner}/{repo}/releases/download/{tag}/{name}`: the same, by tag and name (the token
 *   is honoured on that path for any method: `gitRawOrAttachPath` includes
 *   `releases/download/`); drafts only for writers; with two attachments of one name, the first.
 * - `GET /{owner}/{repo}/releases/tag/{tag}`: the release page.
 * A web 404 is an HTML page.
 */

import { serveBlob } from '../byte-range.js'
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { authenticate, canRead, canWrite, type Caller } from './access.js'
import type { GiteaContext } from './context.js'
import type { Attachment, Repo } from './state.js'

const webNotFound = (ex: Exchange): Promise<void> =>
  ex.send(
    404,
    { 'content-type': 'text/html; charset=utf-8' },
    '<html><body>Not Found</body></html>',
  )

const serve = async (ctx: GiteaContext, ex: Exchange, attachment: Attachment): Promise<void> => {
  const { blob } = attachment
  if (ex.method === 'GET') attachment.downloadCount += 1
  const headers = {
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${attachment.name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
    'accept-ranges': 'bytes',
    'last-modified': new Date(attachment.createdAt).toUTCString(),
  }
  await serveBlob(ex, ctx.blobs, blob, headers)
}

/** The caller of a web request: the token counts only where the web honours it. */
const webCaller = async (
  ctx: GiteaContext,
  ex: Exchange,
  honoured: boolean,
): Promise<Caller | undefined> => {
  if (!honoured) return { token: undefined }
  return authenticate(ex, ctx)
}

const repoOf = (ctx: GiteaContext, ex: Exchange): Repo | undefined =>
  ctx.state.repo(`${ex.params.owner ?? ''}/${ex.params.repo ?? ''}`)

export const registerWebRoutes = (router: Router<Handler>, ctx: GiteaContext): void => {
  router
    .get('/attachments/:uuid', async (ex) => {
      const caller = await webCaller(ctx, ex, ex.method === 'GET')
      if (caller === undefined) return
      const found = ctx.state.findByUuid(ex.params.uuid ?? '')
      if (found === undefined || !canRead(caller, found.repo)) return webNotFound(ex)
      await serve(ctx, ex, found.attachment)
    })
    .get('/:owner/:repo/releases/download/:tag/:name', async (ex) => {
      const caller = await webCaller(ctx, ex, true)
      if (caller === undefined) return
      const repo = repoOf(ctx, ex)
      if (repo === undefined || !canRead(caller, repo)) return webNotFound(ex)
      const release = ctx.state.releaseByTag(repo, ex.params.tag ?? '')
      if (release === undefined || release.isTag || (release.isDraft && !canWrite(caller))) {
        return webNotFound(ex)
      }
      const attachment = [...release.attachments]
        .sort((a, b) => a.id - b.id)
        .find((a) => a.name === ex.params.name)
      if (attachment === undefined) return webNotFound(ex)
      await serve(ctx, ex, attachment)
    })
    .get('/:owner/:repo/releases/tag/:tag', async (ex) => {
      const caller = await webCaller(ctx, ex, false)
      if (caller === undefined) return
      const repo = repoOf(ctx, ex)
      const release =
        repo === undefined ? undefined : ctx.state.releaseByTag(repo, ex.params.tag ?? '')
      if (repo === undefined || !canRead(caller, repo) || release === undefined || release.isTag) {
        return webNotFound(ex)
      }
      await ex.send(
        200,
        { 'content-type': 'text/html; charset=utf-8' },
        `<html><body><h1>${release.title.replace(/[<>&]/g, '')}</h1></body></html>`,
      )
    })
}
