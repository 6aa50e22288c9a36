/**
 * Release attachments (seeds/gongfeng-releases-api.zh.txt, 上传附件 / 下载附件 / 删除附件):
 * `POST …/releases/:tag_name/attachments` (multipart/form-data, field `file`, at most 200M per
 * file, the name filtered of special characters), `GET …/attachments/:attachment_name` (the
 * file stream) and `DELETE …/attachments/:attachment_name` (200).
 *
 * Decided where the docs are silent:
 * - the body is read as a stream and written to the blob store, never buffered;
 * - too large → 413 `{"message":"413 Request Entity Too Large"}` (what a front proxy or the
 *   upload filter answers; the client refuses such files before any request anyway);
 * - a second file with the same stored name → 409 `{"message":"Attachment <name> already
 *   exists"}` (config `duplicateAttachment: 'overwrite'` replaces it instead), checked once the
 *   file is stored, so of two racing uploads exactly one wins;
 * - downloads answer single byte ranges (206 + Content-Range), with Content-Length, and HEAD as
 *   `config.head` says.
 */
import { serveBlob } from '../byte-range.js'
import type { Exchange } from '../exchange.js'
import { MultipartError, multipartBoundary, readMultipart } from '../multipart.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { projectRoute } from './access.js'
import type { GongfengContext } from './context.js'
import { attachmentEntity } from './entities.js'
import { filterAttachmentName } from './file-name.js'
import { apiError, badRequest, notFound } from './respond.js'
import type { Attachment, Project, Release } from './state.js'

const API = '/api/v3/projects/:id/releases/:tag_name/attachments'

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.tar': 'application/x-tar',
}

const mimeTypeOf = (name: string, partType: string | undefined): string => {
  const dot = name.lastIndexOf('.')
  const known = dot === -1 ? undefined : MIME_TYPES[name.slice(dot).toLowerCase()]
  return known ?? partType ?? 'application/octet-stream'
}

/** The record of a tag that is a release; attachments belong to releases only. */
const findRelease = (project: Project, tag: string): Release | undefined => {
  const release = project.releases.get(tag)
  return release?.type === 'release' ? release : undefined
}

type Received =
  | { readonly kind: 'stored'; readonly attachment: Attachment }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'bad-name'; readonly filename: string }
  | { readonly kind: 'gone' }

const receive = async (ctx: GongfengContext, ex: Exchange, boundary: string): Promise<Received> => {
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
      const name = filterAttachmentName(part.filename)
      if (name === '' || /^\.+$/.test(name)) {
        await ctx.blobs.remove(result.blob)
        outcome = { kind: 'bad-name', filename: part.filename }
        return
      }
      outcome = {
        kind: 'stored',
        attachment: {
          name,
          type: mimeTypeOf(name, part.contentType),
          size: result.blob.size,
          createdAt: ctx.state.now(),
          blob: result.blob,
        },
      }
    })
  } catch (error) {
    if (outcome.kind === 'stored') await ctx.blobs.remove(outcome.attachment.blob)
    return error instanceof MultipartError ? { kind: 'missing' } : { kind: 'gone' }
  }
  return outcome
}

const upload = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, { role: 'developer' }, async (ex, _caller, project) => {
    const tag = ex.params.tag_name ?? ''
    if (findRelease(project, tag) === undefined) return notFound(ex)
    // "需要Content-type设置为:multipart/form-data,否则无法正常上传附件"
    const boundary = multipartBoundary(ex.header('content-type'))
    if (boundary === undefined) return badRequest(ex, 'Content-Type must be multipart/form-data')
    const received = await receive(ctx, ex, boundary)
    if (received.kind === 'too-large') {
      return apiError(ex, 413, '413 Request Entity Too Large')
    }
    if (received.kind === 'missing') return badRequest(ex, 'file is missing')
    if (received.kind === 'bad-name') {
      return badRequest(ex, `file name ${received.filename} is invalid`)
    }
    if (received.kind === 'gone') return ex.empty(400)
    const { attachment } = received
    // The release may have been deleted while the file was arriving.
    const release = findRelease(project, tag)
    if (release === undefined) {
      await ctx.blobs.remove(attachment.blob)
      return notFound(ex)
    }
    const existing = release.attachments.find((a) => a.name === attachment.name)
    if (existing !== undefined) {
      if (ctx.config.duplicateAttachment === 'reject') {
        await ctx.blobs.remove(attachment.blob)
        return apiError(ex, 409, `Attachment ${attachment.name} already exists`)
      }
      release.attachments = release.attachments.filter((a) => a !== existing)
      await ctx.blobs.remove(existing.blob)
    }
    release.attachments.push(attachment)
    release.updatedAt = ctx.state.now()
    await ex.json(201, attachmentEntity(attachment))
  })

const download = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, {}, async (ex, _caller, project) => {
    if (ex.method === 'HEAD' && ctx.config.head === 'method-not-allowed') {
      return apiError(ex, 405, '405 Method Not Allowed')
    }
    if (ex.method === 'HEAD' && ctx.config.head === 'not-found') return notFound(ex)
    const release = findRelease(project, ex.params.tag_name ?? '')
    const attachment = release?.attachments.find((a) => a.name === ex.params.attachment_name)
    if (attachment === undefined) return notFound(ex)
    await serveBlob(ex, ctx.blobs, attachment.blob, {
      'content-type': attachment.type,
      'content-disposition': `attachment; filename="${attachment.name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
      'accept-ranges': 'bytes',
    })
  })

const remove = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, { role: 'developer' }, async (ex, _caller, project) => {
    const release = findRelease(project, ex.params.tag_name ?? '')
    const attachment = release?.attachments.find((a) => a.name === ex.params.attachment_name)
    if (release === undefined || attachment === undefined) return notFound(ex)
    release.attachments = release.attachments.filter((a) => a !== attachment)
    release.updatedAt = ctx.state.now()
    await ctx.blobs.remove(attachment.blob)
    await ex.json(200, attachmentEntity(attachment))
  })

export const registerAttachmentRoutes = (router: Router<Handler>, ctx: GongfengContext): void => {
  router
    .post(API, upload(ctx))
    .get(`${API}/:attachment_name`, download(ctx))
    .delete(`${API}/:attachment_name`, remove(ctx))
}
