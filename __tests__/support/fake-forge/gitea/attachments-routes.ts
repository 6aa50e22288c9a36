/**
 * Release attachments (routers/api/v1/repo/release_attachment.go, services/attachment):
 * `POST …/releases/{id}/assets` takes the file as the multipart field `attachment` (or, since
 * Gitea 1.22, as a raw body) and its name from the `name` query parameter, else the part's
 * filename; list, get, edit (rename) and delete by attachment id.
 *
 * Behaviour worth knowing, modelled here:
 * - attachment names are NOT unique: a second upload of a name adds a second attachment (nothing
 *   in the handler or the attachment table checks it);
 * - `[attachment] ENABLED = false` → 404 "Attachment is not enabled";
 * - the type is checked against `[repository.release] ALLOWED_TYPES` (upload.Verify on the first
 *   1024 bytes and the name) → 400 "This file extension or type is not allowed …";
 * - no size limit of its own by default; `maxReleaseAttachmentBytes` models one (a reverse
 *   proxy's, Forgejo's quota, Gitea's newest release limit) → 413;
 * - the body is streamed to the blob store, never buffered;
 * - the list is every attachment (no pagination), ordered by name.
 */
import type { Exchange } from '../exchange.js'
import { MultipartError, multipartBoundary, readMultipart } from '../multipart.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import type { StoredBlob } from '../blob-store.js'
import { canWrite, idParam, repoRoute, type Caller } from './access.js'
import { readJsonObject, stringField } from './body.js'
import type { GiteaContext } from './context.js'
import { attachmentEntity, sortedAttachments } from './entities.js'
import { apiError, notFound } from './respond.js'
import type { Release, Repo } from './state.js'

const ASSETS = '/api/v1/repos/:owner/:repo/releases/:id/assets'

/** http.DetectContentType, reduced to what release files are: archives, text, anything else. */
const sniff = (head: Buffer): string => {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'application/x-gzip'
  if (head.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004') return 'application/zip'
  if (head.length === 0) return 'text/plain; charset=utf-8'
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(head.toString('latin1'))
    ? 'application/octet-stream'
    : 'text/plain; charset=utf-8'
}

/** upload.Verify: an allowed extension (`.zip`) or MIME type (`application/*`), or none listed. */
const allowedType = (allowed: string, name: string, head: Buffer): string | undefined => {
  const entries = allowed
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '')
  if (entries.length === 0 || entries.includes('*/*')) return undefined
  const lower = name.toLowerCase()
  const type = sniff(head)
  const mime = type.split(';')[0] ?? type
  for (const entry of entries) {
    if (entry.startsWith('.') && lower.endsWith(entry)) return undefined
    if (entry === mime) return undefined
    if (entry.endsWith('/*') && mime.startsWith(entry.slice(0, -1))) return undefined
  }
  return type
}

/** The release of the route's id in this repository that the caller may see. */
const releaseOf = (
  ctx: GiteaContext,
  ex: Exchange,
  caller: Caller,
  repo: Repo,
): Release | undefined => {
  const id = idParam(ex, 'id')
  const release = id === undefined ? undefined : ctx.state.releaseById(repo, id)
  if (release === undefined || release.isTag) return undefined
  return release.isDraft && !canWrite(caller) ? undefined : release
}

type Received =
  | {
      readonly kind: 'stored'
      readonly blob: StoredBlob
      readonly head: Buffer
      readonly filename: string
    }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'gone' }

/** Streams `source` into the store, keeping its first 1024 bytes for the type check. */
const store = async (
  ctx: GiteaContext,
  source: AsyncIterable<Buffer>,
  filename: string,
): Promise<Received> => {
  const head: Buffer[] = []
  let headBytes = 0
  const tapped = (async function* () {
    for await (const chunk of source) {
      if (headBytes < 1024) {
        head.push(chunk.subarray(0, 1024 - headBytes))
        headBytes += Math.min(chunk.length, 1024 - headBytes)
      }
      yield chunk
    }
  })()
  const maxBytes = ctx.config.maxReleaseAttachmentBytes
  const result = await ctx.blobs.write(tapped, maxBytes === undefined ? {} : { maxBytes })
  if (!result.ok) return result.reason === 'too-large' ? { kind: 'too-large' } : { kind: 'gone' }
  return { kind: 'stored', blob: result.blob, head: Buffer.concat(head), filename }
}

const receive = async (ctx: GiteaContext, ex: Exchange): Promise<Received> => {
  const boundary = multipartBoundary(ex.header('content-type'))
  if (boundary === undefined) return store(ctx, ex.body(), '')
  let outcome = { kind: 'missing' } as Received
  try {
    await readMultipart(ex.body(), boundary, async (part) => {
      if (part.name !== 'attachment' || part.filename === undefined || outcome.kind !== 'missing') {
        part.body.resume()
        await new Promise<void>((resolve) => part.body.once('end', resolve).once('close', resolve))
        return
      }
      outcome = await store(ctx, part.body, part.filename)
    })
  } catch (error) {
    if (outcome.kind === 'stored') await ctx.blobs.remove(outcome.blob)
    return error instanceof MultipartError ? { kind: 'missing' } : { kind: 'gone' }
  }
  return outcome
}

const upload = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, { write: true }, async (ex, caller, repo) => {
    if (!ctx.config.attachmentsEnabled) return notFound(ex, ['Attachment is not enabled'])
    if (releaseOf(ctx, ex, caller, repo) === undefined) return notFound(ex)
    const forgejo = ctx.config.flavour === 'forgejo'
    const received = await receive(ctx, ex)
    if (received.kind === 'gone') return ex.empty(400)
    if (received.kind === 'missing') {
      return forgejo
        ? apiError(ex, 400, "One of 'attachment' or 'external_url' is required")
        : apiError(ex, 500, 'http: no such file')
    }
    if (received.kind === 'too-large') {
      return apiError(
        ex,
        413,
        `attachment exceeds limit ${ctx.config.maxReleaseAttachmentBytes ?? 0}`,
      )
    }
    const name = ex.query.get('name') ?? ''
    const filename = name === '' ? received.filename : name
    const refuse = async (status: number, message: string): Promise<void> => {
      await ctx.blobs.remove(received.blob)
      await apiError(ex, status, message)
    }
    if (filename === '') {
      return refuse(
        400,
        forgejo ? "Missing 'name' parameter" : 'Could not determine name of attachment.',
      )
    }
    const forbidden = allowedType(ctx.config.releaseAllowedTypes, filename, received.head)
    if (forbidden !== undefined) {
      return refuse(
        400,
        `This file extension or type is not allowed to be uploaded. Type: ${forbidden}`,
      )
    }
    // The release may have been deleted while the file was arriving.
    const release = releaseOf(ctx, ex, caller, repo)
    if (release === undefined) {
      await ctx.blobs.remove(received.blob)
      return notFound(ex)
    }
    const attachment = ctx.state.addAttachment(
      release,
      filename,
      received.blob,
      caller.token?.login ?? '',
    )
    await ex.json(201, attachmentEntity(ctx, repo, release, attachment))
  })

const list = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, {}, async (ex, caller, repo) => {
    const release = releaseOf(ctx, ex, caller, repo)
    if (release === undefined) return notFound(ex)
    await ex.json(
      200,
      sortedAttachments(release).map((a) => attachmentEntity(ctx, repo, release, a)),
    )
  })

const one = (
  ctx: GiteaContext,
  write: boolean,
  act: (ex: Exchange, repo: Repo, release: Release, attachmentId: number) => Promise<void>,
): Handler =>
  repoRoute(ctx, { write }, async (ex, caller, repo) => {
    const release = releaseOf(ctx, ex, caller, repo)
    const attachmentId = idParam(ex, 'attachment_id')
    const attachment = release?.attachments.find((a) => a.id === attachmentId)
    if (release === undefined || attachment === undefined || attachmentId === undefined) {
      return notFound(ex)
    }
    await act(ex, repo, release, attachmentId)
  })

const find = (release: Release, id: number) => release.attachments.find((a) => a.id === id)

export const registerAttachmentRoutes = (router: Router<Handler>, ctx: GiteaContext): void => {
  router
    .get(ASSETS, list(ctx))
    .post(ASSETS, upload(ctx))
    .get(
      `${ASSETS}/:attachment_id`,
      one(ctx, false, async (ex, repo, release, id) => {
        const attachment = find(release, id)
        if (attachment === undefined) return notFound(ex)
        await ex.json(200, attachmentEntity(ctx, repo, release, attachment))
      }),
    )
    .add(
      'PATCH',
      `${ASSETS}/:attachment_id`,
      one(ctx, true, async (ex, repo, release, id) => {
        const body = await readJsonObject(ex)
        if (body === undefined) return
        const name = await stringField(ex, body, 'name')
        if (name === undefined) return
        const attachment = find(release, id)
        if (attachment === undefined) return notFound(ex)
        if (name !== '') attachment.name = name
        // The edit answers 201, as the handler does.
        await ex.json(201, attachmentEntity(ctx, repo, release, attachment))
      }),
    )
    .delete(
      `${ASSETS}/:attachment_id`,
      one(ctx, true, async (ex, _repo, release, id) => {
        const attachment = find(release, id)
        if (attachment === undefined) return notFound(ex)
        ctx.state.removeAttachment(release, attachment)
        await ctx.blobs.remove(attachment.blob)
        await ex.empty(204)
      }),
    )
}
