/**
 * The few web (non-API) pages a release points at, served on the same origin as the API:
 * direct asset URLs (`/<project>/-/releases/<tag>/downloads/<filepath>` → 302 to the link),
 * evidence JSON, the release page, and markdown upload files.
 *
 * Web pages do not read API tokens (no PRIVATE-TOKEN, JOB-TOKEN or `private_token`): anonymous
 * visitors of a private project are sent to `/users/sign_in` (302), as GitLab does, whatever
 * token they carry. What opens them is a browser session: the `_gitlab_session` cookie that
 * `state.signIn(token)` hands to a test reader (the tool never has one).
 */
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { canReadProject, type Caller } from './access.js'
import type { GitLabContext } from './context.js'
import { serveStoredFile } from './object-storage.js'
import type { MarkdownUpload, Project } from './state.js'
import { isImageFilename, versionAtLeast } from './validation.js'

const html = (title: string): string =>
  `<!DOCTYPE html><html><head><title>${title.replace(/[<>&]/g, '')} · GitLab</title></head><body></body></html>`

export const webNotFound = (ex: Exchange): Promise<void> =>
  ex.send(404, { 'content-type': 'text/html; charset=utf-8' }, html('Not Found'))

const webCaller = (ctx: GitLabContext, ex: Exchange): Caller => {
  const session = /(?:^|;\s*)_gitlab_session=([^;]+)/.exec(ex.header('cookie') ?? '')?.[1]
  const token = session === undefined ? undefined : ctx.state.session(session)
  return { token: token !== undefined && !token.expired ? token : undefined }
}

type WebHandler = (ex: Exchange, project: Project) => Promise<void>

/** Finds the project by path; anonymous on a private project → sign-in redirect, unknown → 404. */
const webProject =
  (ctx: GitLabContext, handler: WebHandler, find: (ex: Exchange) => Project | undefined): Handler =>
  async (ex) => {
    const project = find(ex)
    if (project === undefined) return webNotFound(ex)
    const caller = webCaller(ctx, ex)
    if (!canReadProject(ctx.state, caller, project)) {
      if (caller.token === undefined) return ex.redirect(`${ex.origin}/users/sign_in`)
      return webNotFound(ex)
    }
    await handler(ex, project)
  }

const byPath =
  (ctx: GitLabContext) =>
  (ex: Exchange): Project | undefined => {
    const path = ex.params.project ?? ''
    // `/<numeric>` is not a project path; only full paths route here.
    return /^\d+$/.test(path) ? undefined : ctx.state.findProject(path)
  }

const sendUpload = async (
  ctx: GitLabContext,
  ex: Exchange,
  upload: MarkdownUpload,
): Promise<void> => {
  const image = isImageFilename(upload.filename)
  await serveStoredFile(ctx, ex, upload.blob, {
    'content-type': image
      ? `image/${upload.filename.split('.').pop()?.toLowerCase() ?? 'png'}`
      : 'application/octet-stream',
    'content-disposition': `${image ? 'inline' : 'attachment'}; filename="${upload.filename}"`,
  })
}

export const registerWebRoutes = (router: Router<Handler>, ctx: GitLabContext): void => {
  const findUpload = (project: Project, ex: Exchange): MarkdownUpload | undefined =>
    project.uploads.find((u) => u.secret === ex.params.secret && u.filename === ex.params.filename)

  router.get('/users/sign_in', async (ex) =>
    ex.send(200, { 'content-type': 'text/html; charset=utf-8' }, html('Sign in')),
  )

  router.get(
    '/-/project/:project_id/uploads/:secret/:filename',
    webProject(
      ctx,
      async (ex, project) => {
        const upload = findUpload(project, ex)
        if (upload === undefined) return webNotFound(ex)
        await sendUpload(ctx, ex, upload)
      },
      (ex) => ctx.state.findProject(Number(ex.params.project_id)),
    ),
  )

  router.get(
    '/*project/-/releases/:tag/downloads/*filepath',
    webProject(
      ctx,
      async (ex, project) => {
        const release = project.releases.get(ex.params.tag ?? '')
        const link = release?.links.find((l) => l.filepath === `/${ex.params.filepath ?? ''}`)
        if (link === undefined) return webNotFound(ex)
        await ex.redirect(link.url)
      },
      byPath(ctx),
    ),
  )

  router.get(
    '/*project/-/releases/:tag/evidences/:evidence_id.json',
    webProject(
      ctx,
      async (ex, project) => {
        const release = project.releases.get(ex.params.tag ?? '')
        const evidence = release?.evidences.find((e) => String(e.id) === ex.params.evidence_id)
        if (evidence === undefined) return webNotFound(ex)
        await ex.send(200, { 'content-type': 'application/json; charset=utf-8' }, evidence.json)
      },
      byPath(ctx),
    ),
  )

  router.get(
    '/*project/-/releases/:tag',
    webProject(
      ctx,
      async (ex, project) => {
        const release = project.releases.get(ex.params.tag ?? '')
        if (release === undefined) return webNotFound(ex)
        await ex.send(
          200,
          { 'content-type': 'text/html; charset=utf-8' },
          html(`${release.name} · Releases`),
        )
      },
      byPath(ctx),
    ),
  )

  // The pre-17.1 upload URL; GitLab stopped serving it for new uploads in 17.2 (release-it#1153).
  router.get(
    '/*project/uploads/:secret/:filename',
    webProject(
      ctx,
      async (ex, project) => {
        const upload = findUpload(project, ex)
        if (upload === undefined || versionAtLeast(ctx.config.version, '17.2'))
          return webNotFound(ex)
        await sendUpload(ctx, ex, upload)
      },
      byPath(ctx),
    ),
  )
}
