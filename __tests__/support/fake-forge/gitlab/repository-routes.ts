/**
 * Tags (lib/api/tags.rb), milestones, the project itself and the instance version. None of these
 * opt in to CI job tokens. Tag creation answers 400 for every service failure, "already exists"
 * included (the docs' 405 is not what the code does).
 */
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { authenticate, canReadCode, hasRole, roleOf } from './access.js'
import type { GitLabContext } from './context.js'
import { milestoneEntity, tagEntity } from './entities.js'
import { paginate } from './pagination.js'
import { DeclaredParams, readParams } from './params.js'
import { NO_JOB_TOKEN, projectRoute } from './project-route.js'
import { apiError, forbidden, grapeError, notFound } from './respond.js'
import type { Project, Tag } from './state.js'
import { isValidTagName, versionAtLeast } from './validation.js'

const TAGS = '/api/v4/projects/:id/repository/tags'

const listTags = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, caller, project) => {
    if (!canReadCode(ctx.state, caller, project)) return forbidden(ex)
    const p = new DeclaredParams(Object.fromEntries(ex.query))
    const orderBy = p.optEnum('order_by', ['name', 'updated', 'version'] as const) ?? 'updated'
    const sort = p.optEnum('sort', ['asc', 'desc'] as const) ?? 'desc'
    const search = p.optString('search')
    if (await p.reject(ex)) return
    const commitTime = (t: Tag): number => project.commits.get(t.commitSha)?.createdAt ?? 0
    const tags = [...project.tags.values()]
      .filter((t) => {
        if (search === undefined || search === '') return true
        if (search.startsWith('^')) return t.name.startsWith(search.slice(1))
        if (search.endsWith('$')) return t.name.endsWith(search.slice(0, -1))
        return t.name.includes(search)
      })
      .sort((a, b) => {
        const diff =
          orderBy === 'updated'
            ? commitTime(a) - commitTime(b) || a.name.localeCompare(b.name)
            : orderBy === 'version'
              ? a.name.localeCompare(b.name, 'en', { numeric: true })
              : a.name.localeCompare(b.name)
        return sort === 'asc' ? diff : -diff
      })
    const page = paginate(ex, tags)
    if (!page.ok) return grapeError(ex, 400, page.error)
    await ex.json(
      200,
      page.items.map((t) => tagEntity(ctx.state, project, t)),
      page.headers,
    )
  })

const getTag = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, caller, project) => {
    if (!canReadCode(ctx.state, caller, project)) return forbidden(ex)
    const tag = project.tags.get(ex.params.tag_name ?? '')
    if (tag === undefined) return notFound(ex, 'Tag')
    await ex.json(200, tagEntity(ctx.state, project, tag))
  })

const createTag = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, caller, project) => {
    const raw = await readParams(ex)
    if (raw === undefined) return
    const p = new DeclaredParams(raw)
    const name = p.requireString('tag_name') ?? ''
    const ref = p.requireString('ref') ?? ''
    const message = p.optString('message')
    if (await p.reject(ex)) return
    if (!hasRole(ctx.state, caller, project, 'developer')) return forbidden(ex)
    if (!isValidTagName(name)) return apiError(ex, 400, 'Tag name invalid')
    if (project.tags.has(name)) return apiError(ex, 400, `Tag ${name} already exists`)
    const sha = ctx.state.resolveRef(project, ref)
    if (sha === undefined) return apiError(ex, 400, `Target ${ref} is invalid`)
    if (!ctx.state.canCreateTag(project, roleOf(ctx.state, caller, project), name)) {
      return apiError(ex, 400, 'You are not allowed to create this tag as it is protected.')
    }
    const tag = ctx.state.putTag(project, name, sha, message)
    await ex.json(201, tagEntity(ctx.state, project, tag))
  })

const deleteTag = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, caller, project) => {
    if (!hasRole(ctx.state, caller, project, 'developer')) return forbidden(ex)
    const name = ex.params.tag_name ?? ''
    if (!project.tags.has(name)) return apiError(ex, 404, 'No such tag')
    if (!ctx.state.canCreateTag(project, roleOf(ctx.state, caller, project), name))
      return forbidden(ex)
    project.tags.delete(name)
    await ex.empty(204)
  })

const listMilestones = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, _caller, project) => {
    const q = new DeclaredParams(Object.fromEntries(ex.query))
    const state = q.optEnum('state', ['active', 'closed', 'all'] as const) ?? 'all'
    const title = q.optString('title')
    const search = q.optString('search')
    if (await q.reject(ex)) return
    const iids = ex.query.getAll('iids[]').map(Number)
    const hits = project.milestones
      .filter((m) => state === 'all' || m.state === state)
      .filter((m) => title === undefined || m.title === title)
      .filter(
        (m) =>
          search === undefined ||
          m.title.toLowerCase().includes(search.toLowerCase()) ||
          (m.description ?? '').toLowerCase().includes(search.toLowerCase()),
      )
      .filter((m) => iids.length === 0 || iids.includes(m.iid))
      .sort((a, b) => b.id - a.id)
    const page = paginate(ex, hits)
    if (!page.ok) return grapeError(ex, 400, page.error)
    await ex.json(
      200,
      page.items.map((m) => milestoneEntity(ctx.state, project, m, false)),
      page.headers,
    )
  })

const projectEntity = (ctx: GitLabContext, project: Project): object => {
  const web = ctx.state.webUrl(project)
  return {
    id: project.id,
    description: null,
    name: project.path,
    name_with_namespace: project.pathWithNamespace.split('/').join(' / '),
    path: project.path,
    path_with_namespace: project.pathWithNamespace,
    created_at: new Date(project.createdAt).toISOString(),
    default_branch: project.defaultBranch,
    visibility: project.visibility,
    web_url: web,
    http_url_to_repo: `${web}.git`,
    readme_url: null,
    namespace: {
      name: project.namespace.split('/').pop(),
      path: project.namespace.split('/').pop(),
      full_path: project.namespace,
      kind: 'group',
    },
  }
}

const getProject = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, NO_JOB_TOKEN, async (ex, _caller, project) => {
    await ex.json(200, projectEntity(ctx, project))
  })

/** `GET /version` (and `/metadata`): `authenticate!`, no job token. Since 15.5 it mirrors `/metadata`. */
const version =
  (ctx: GitLabContext): Handler =>
  async (ex) => {
    const caller = await authenticate(ex, ctx.state, { requireUser: true })
    if (caller === undefined) return
    const { version: v, revision } = ctx.config
    const body = versionAtLeast(v, '15.5')
      ? {
          version: v,
          revision,
          kas: { enabled: false, externalUrl: null, version: null },
          enterprise: ctx.config.features.evidence,
        }
      : { version: v, revision }
    await ex.json(200, body)
  }

export const registerRepositoryRoutes = (router: Router<Handler>, ctx: GitLabContext): void => {
  router
    .get('/api/v4/version', version(ctx))
    .get('/api/v4/metadata', version(ctx))
    .get('/api/v4/projects/:id', getProject(ctx))
    .get(TAGS, listTags(ctx))
    .post(TAGS, createTag(ctx))
    .get(`${TAGS}/:tag_name`, getTag(ctx))
    .delete(`${TAGS}/:tag_name`, deleteTag(ctx))
    .get('/api/v4/projects/:id/milestones', listMilestones(ctx))
}
