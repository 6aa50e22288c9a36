/**
 * The project and its tags (API-NOTES §2.3, tags.html): `GET /projects/:id`, `GET
 * /projects/:id/repository/tags` (paginated, `search`, `order_by` name | created_at, `sort`) and
 * `GET /projects/:id/repository/tags/:tag`. Tags are created through `POST /releases`.
 */
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { projectRoute } from './access.js'
import type { GongfengContext } from './context.js'
import { projectEntity, tagEntity } from './entities.js'
import { paginate } from './pagination.js'
import { badRequest, notFound } from './respond.js'
import type { Tag } from './state.js'

const TAGS = '/api/v3/projects/:id/repository/tags'

const getProject = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, {}, async (ex, _caller, project) => {
    await ex.json(200, projectEntity(ctx.state, project))
  })

const listTags = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, {}, async (ex, _caller, project) => {
    const orderBy = ex.query.get('order_by') ?? 'created_at'
    const sort = ex.query.get('sort') ?? 'desc'
    if (!['name', 'created_at'].includes(orderBy)) return badRequest(ex, 'order_by is invalid')
    if (!['asc', 'desc'].includes(sort)) return badRequest(ex, 'sort is invalid')
    const search = ex.query.get('search') ?? ''
    const committed = (t: Tag): number => project.commits.get(t.commitSha)?.createdAt ?? 0
    const tags = [...project.tags.values()]
      .filter((t) => t.name.includes(search))
      .sort((a, b) => {
        const diff = orderBy === 'name' ? a.name.localeCompare(b.name) : committed(a) - committed(b)
        return sort === 'asc' ? diff : -diff
      })
    const page = paginate(ex, tags)
    if (!page.ok) return badRequest(ex, page.error)
    const body = page.items.map((t) => tagEntity(project, t, project.releases.get(t.name)))
    await ex.json(200, body, page.headers)
  })

const getTag = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, {}, async (ex, _caller, project) => {
    const tag = project.tags.get(ex.params.tag ?? '')
    if (tag === undefined) return notFound(ex)
    await ex.json(200, tagEntity(project, tag, project.releases.get(tag.name)))
  })

export const registerRepositoryRoutes = (router: Router<Handler>, ctx: GongfengContext): void => {
  router
    .get('/api/v3/projects/:id', getProject(ctx))
    .get(TAGS, listTags(ctx))
    .get(`${TAGS}/:tag`, getTag(ctx))
}
