/**
 * Releases (seeds/gongfeng-releases-api.zh.txt): list, get, create, update and delete, addressed
 * by `:tag_name`. Every endpoint but DELETE works on plain tags too ("以下接口除删除接口外，既适用于
 * release，也适用于tag"): a plain tag answers with `type: "none"`.
 *
 * Decided where the docs are silent (and documented in the adapter's tests):
 * - a release that already exists → 409 `{"message":"Release <tag> already exists"}` (the status
 *   table's "409 Conflict 已经有一个同名项目存在了");
 * - a missing tag without `start_point` → 400 `… start_point is required to create tag <tag>`;
 *   a `start_point` that names no commit, branch or tag → 400 as well;
 * - more than 10 labels → 400.
 *
 * `title` is not a parameter of create or update on the page: a release's title is its tag, and
 * documented-params.ts refuses a request that sends one.
 */
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { projectRoute } from './access.js'
import type { GongfengContext } from './context.js'
import { releaseEntity } from './entities.js'
import { paginate } from './pagination.js'
import { MAX_LABELS, readParams, splitLabels, stringParam, type Params } from './params.js'
import { apiError, badRequest, notFound } from './respond.js'
import type { Project, Release, ReleaseType } from './state.js'
import { isValidTagName } from './tag-name.js'

const API = '/api/v3/projects/:id/releases'
const TYPES: readonly string[] = ['release', 'none']

interface FieldParams {
  readonly type?: ReleaseType
  readonly description?: string
  readonly labels?: string[]
}

/** The fields create and update share; problems are pushed to `errors`. */
const readFields = (params: Params, errors: string[]): FieldParams => {
  const type = stringParam(params, 'type', errors)
  const description = stringParam(params, 'description', errors)
  const labelsText = stringParam(params, 'labels', errors)
  if (type !== undefined && !TYPES.includes(type)) errors.push('type does not have a valid value')
  const labels = labelsText === undefined ? undefined : splitLabels(labelsText)
  if (labels !== undefined && labels.length > MAX_LABELS) {
    errors.push(`labels: at most ${MAX_LABELS} labels are allowed, got ${labels.length}`)
  }
  return {
    ...(type === undefined || !TYPES.includes(type) ? {} : { type: type as ReleaseType }),
    ...(description === undefined ? {} : { description }),
    ...(labels === undefined ? {} : { labels: [...new Set(labels)] }),
  }
}

const applyFields = (release: Release, fields: FieldParams): void => {
  if (fields.type !== undefined) release.type = fields.type
  if (fields.description !== undefined) release.description = fields.description
  if (fields.labels !== undefined) release.labels = fields.labels
}

const committedAt = (project: Project, release: Release): number => {
  const sha = project.tags.get(release.tag)?.commitSha
  return (sha === undefined ? undefined : project.commits.get(sha)?.createdAt) ?? 0
}

const listReleases = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, {}, async (ex, _caller, project) => {
    const type = ex.query.get('type') ?? 'release'
    const orderBy = ex.query.get('order_by') ?? 'created_at'
    const sort = ex.query.get('sort') ?? 'desc'
    if (!['release', 'none', 'all'].includes(type)) return badRequest(ex, 'type is invalid')
    if (!['name', 'created_at'].includes(orderBy)) return badRequest(ex, 'order_by is invalid')
    if (!['asc', 'desc'].includes(sort)) return badRequest(ex, 'sort is invalid')
    const labels = splitLabels(ex.query.get('labels') ?? '')
    if (labels.length > MAX_LABELS) return badRequest(ex, `labels: at most ${MAX_LABELS}`)
    const authorId = ex.query.get('author_id')
    const hits = [...project.releases.values()]
      .filter((r) => type === 'all' || r.type === type)
      .filter((r) => labels.length === 0 || labels.some((l) => r.labels.includes(l)))
      .filter((r) => authorId === null || String(r.authorId) === authorId)
      .sort((a, b) => {
        // created_at "将按照 committed_date 字段排序" (sorts by the commit's date).
        const diff =
          orderBy === 'name'
            ? a.tag.localeCompare(b.tag)
            : committedAt(project, a) - committedAt(project, b) || a.id - b.id
        return sort === 'asc' ? diff : -diff
      })
    const page = paginate(ex, hits)
    if (!page.ok) return badRequest(ex, page.error)
    const body = page.items.map((r) => releaseEntity(ctx.state, ctx.config, project, r))
    await ex.json(200, body, page.headers)
  })

const getRelease = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, {}, async (ex, _caller, project) => {
    const release = project.releases.get(ex.params.tag_name ?? '')
    if (release === undefined) return notFound(ex)
    await ex.json(200, releaseEntity(ctx.state, ctx.config, project, release))
  })

const createRelease = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, { role: 'developer' }, async (ex, caller, project) => {
    const params = await readParams(ex)
    if (params === undefined) return
    const errors: string[] = []
    const tag = stringParam(params, 'tag', errors)
    const startPoint = stringParam(params, 'start_point', errors)
    const tagMessage = stringParam(params, 'tag_message', errors)
    const fields = readFields(params, errors)
    if (tag === undefined || tag === '') errors.unshift('tag is missing')
    if (errors.length > 0) return badRequest(ex, errors.join(', '))
    const name = tag ?? ''
    const type = fields.type ?? 'release'
    const existing = project.releases.get(name)
    if (existing !== undefined) {
      if (existing.type === 'release') return apiError(ex, 409, `Release ${name} already exists`)
      if (type === 'none' || ctx.config.createOnBaseline === 'conflict') {
        return apiError(ex, 409, `Tag ${name} already exists`)
      }
      // A plain tag becomes a release; tag_message only applies to a tag created now.
      applyFields(existing, { ...fields, type })
      existing.updatedAt = ctx.state.now()
      existing.authorId = caller.token.user.id
      return ex.json(201, releaseEntity(ctx.state, ctx.config, project, existing))
    }
    if (!isValidTagName(name)) return badRequest(ex, `tag name ${name} is invalid`)
    if (startPoint === undefined || startPoint === '') {
      return badRequest(ex, `start_point is required to create tag ${name}`)
    }
    const sha = ctx.state.resolveRef(project, startPoint)
    if (sha === undefined) {
      return badRequest(ex, `start_point ${startPoint} is not a commit, branch or tag`)
    }
    ctx.state.putTag(project, name, sha, tagMessage ?? null, caller.token.user.id)
    const release = project.releases.get(name)
    if (release === undefined) throw new Error(`tag ${name} was created without a record`)
    applyFields(release, { ...fields, type })
    await ex.json(201, releaseEntity(ctx.state, ctx.config, project, release))
  })

const updateRelease = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, { role: 'developer' }, async (ex, _caller, project) => {
    const params = await readParams(ex)
    if (params === undefined) return
    const release = project.releases.get(ex.params.tag_name ?? '')
    if (release === undefined) return notFound(ex)
    const errors: string[] = []
    const fields = readFields(params, errors)
    if (errors.length > 0) return badRequest(ex, errors.join(', '))
    applyFields(release, fields)
    release.updatedAt = ctx.state.now()
    await ex.json(200, releaseEntity(ctx.state, ctx.config, project, release))
  })

/** Needs the project's admin (master) role; `delete_tag=true` removes the tag as well. */
const deleteRelease = (ctx: GongfengContext): Handler =>
  projectRoute(ctx, { role: 'master' }, async (ex, _caller, project) => {
    const params = await readParams(ex)
    if (params === undefined) return
    const tag = ex.params.tag_name ?? ''
    const release = project.releases.get(tag)
    const deleteTag = ['true', '1'].includes(stringParam(params, 'delete_tag', []) ?? '')
    if (release === undefined || (release.type === 'none' && !deleteTag)) return notFound(ex)
    const body = releaseEntity(ctx.state, ctx.config, project, release)
    await Promise.all(release.attachments.map((a) => ctx.blobs.remove(a.blob)))
    if (deleteTag) {
      project.releases.delete(tag)
      project.tags.delete(tag)
    } else {
      release.type = 'none'
      release.labels = []
      release.attachments = []
      release.description = null
      release.updatedAt = ctx.state.now()
    }
    await ex.json(200, body)
  })

export const registerReleaseRoutes = (router: Router<Handler>, ctx: GongfengContext): void => {
  router
    .get(API, listReleases(ctx))
    .post(API, createRelease(ctx))
    .get(`${API}/:tag_name`, getRelease(ctx))
    .put(`${API}/:tag_name`, updateRelease(ctx))
    .delete(`${API}/:tag_name`, deleteRelease(ctx))
}
