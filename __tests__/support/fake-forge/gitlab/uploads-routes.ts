/**
 * Project markdown uploads (API::MarkdownUploads, app/services/upload_service.rb):
 * `POST /projects/:id/uploads`, multipart field `file`, read as a stream. The route does not opt
 * in to CI job tokens, so a JOB-TOKEN request is anonymous → 401.
 *
 * URL formats by server version: `full_path` is `/-/project/<id>/uploads/<secret>/<name>` from
 * 17.1 (before: `/<namespace>/<project>/uploads/<secret>/<name>`), and `id` appears from 17.3.
 * Those are web pages, which take no API token; from 17.4 the API serves the file too.
 */
import type { Exchange } from '../exchange.js'
import { multipartBoundary, readMultipart, MultipartError } from '../multipart.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import type { GitLabContext } from './context.js'
import { NO_JOB_TOKEN, projectRoute } from './project-route.js'
import { serveStoredFile } from './object-storage.js'
import { apiError, grapeError, notFound, routeNotFound } from './respond.js'
import type { MarkdownUpload, Project } from './state.js'
import { isImageFilename, sanitizeUploadFilename, versionAtLeast } from './validation.js'

const TOO_LARGE = '413 Request Entity Too Large'

export const uploadFullPath = (
  ctx: GitLabContext,
  project: Project,
  upload: MarkdownUpload,
): string =>
  versionAtLeast(ctx.config.version, '17.1')
    ? `/-/project/${project.id}/uploads/${upload.secret}/${upload.filename}`
    : `/${project.pathWithNamespace}/uploads/${upload.secret}/${upload.filename}`

type Received =
  | { readonly kind: 'stored'; readonly upload: MarkdownUpload }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'gone' }

const receive = async (ctx: GitLabContext, ex: Exchange, project: Project): Promise<Received> => {
  const boundary = multipartBoundary(ex.header('content-type'))
  if (boundary === undefined) return { kind: 'missing' }
  let outcome = { kind: 'missing' } as Received
  try {
    await readMultipart(ex.body(), boundary, async (part) => {
      if (part.name !== 'file' || part.filename === undefined || outcome.kind !== 'missing') {
        part.body.resume()
        await new Promise<void>((resolve) => part.body.once('end', resolve).once('close', resolve))
        return
      }
      const result = await ctx.blobs.write(part.body, { maxBytes: ctx.config.maxAttachmentBytes })
      if (!result.ok) {
        outcome = result.reason === 'too-large' ? { kind: 'too-large' } : { kind: 'gone' }
        return
      }
      const upload: MarkdownUpload = {
        id: ctx.state.nextId('upload'),
        projectId: project.id,
        secret: ctx.state.newUploadSecret(),
        filename: sanitizeUploadFilename(part.filename),
        blob: result.blob,
        createdAt: ctx.state.now(),
      }
      outcome = { kind: 'stored', upload }
    })
  } catch (error) {
    if (outcome.kind === 'stored') await ctx.blobs.remove(outcome.upload.blob)
    if (error instanceof MultipartError) return { kind: 'missing' }
    return { kind: 'gone' }
  }
  return outcome
}

const create = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, _caller, project) => {
    const declared = Number(ex.header('content-length') ?? NaN)
    // Workhorse refuses an oversized body before Rails sees it.
    if (Number.isFinite(declared) && declared > ctx.config.maxAttachmentBytes + 64 * 1024) {
      return apiError(ex, 413, TOO_LARGE)
    }
    const received = await receive(ctx, ex, project)
    if (received.kind === 'too-large') return apiError(ex, 413, TOO_LARGE)
    if (received.kind === 'missing') return grapeError(ex, 400, 'file is missing')
    if (received.kind === 'gone') return ex.empty(400)
    const { upload } = received
    project.uploads.push(upload)
    const url = `/uploads/${upload.secret}/${upload.filename}`
    const alt = upload.filename.replace(/\.[^.]*$/, '')
    const markdown = isImageFilename(upload.filename)
      ? `![${alt}](${url})`
      : `[${upload.filename}](${url})`
    await ex.json(201, {
      ...(versionAtLeast(ctx.config.version, '17.3') ? { id: upload.id } : {}),
      alt,
      url,
      full_path: uploadFullPath(ctx, project, upload),
      markdown,
    })
  })

/**
 * `GET /projects/:id/uploads/:secret/:filename` ("Download an uploaded file by secret and
 * filename", GitLab 17.4, lib/api/markdown_uploads.rb): Guest or better, no job token, the bytes
 * or (object storage) a redirect. Before 17.4 the route does not exist: the catch-all's 404.
 */
const download = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, _caller, project) => {
    if (!versionAtLeast(ctx.config.version, '17.4')) return routeNotFound(ex)
    const upload = project.uploads.find(
      (u) => u.secret === ex.params.secret && u.filename === ex.params.filename,
    )
    if (upload === undefined) return notFound(ex)
    await serveStoredFile(ctx, ex, upload.blob, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${upload.filename}"`,
    })
  })

export const registerUploadRoutes = (router: Router<Handler>, ctx: GitLabContext): void => {
  router
    .post('/api/v4/projects/:id/uploads', create(ctx))
    .get('/api/v4/projects/:id/uploads/:secret/:filename', download(ctx))
}
