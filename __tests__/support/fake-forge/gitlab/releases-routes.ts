/**
 * Releases API (lib/api/releases.rb, app/services/releases/*_service.rb), answering in the order
 * the services check things. Every endpoint accepts the CI job token.
 */
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { canReadCode, hasRole, roleOf, type Caller } from './access.js'
import type { GitLabContext } from './context.js'
import { releaseEntity, type ReleaseView } from './entities.js'
import { duplicateMessages, nestedMessages, validateLink, type LinkInput } from './link-rules.js'
import { paginate } from './pagination.js'
import { DeclaredParams, readParams } from './params.js'
import { JOB_TOKEN_OK, projectRoute } from './project-route.js'
import {
  apiError,
  forbidden,
  grapeError,
  notFound,
  recordNotFound,
  routeNotFound,
} from './respond.js'
import { LINK_TYPES, type LinkType, type Milestone, type Project, type Release } from './state.js'
import { isValidTagName, MAX_DESCRIPTION_LENGTH, parseReleasedAt } from './validation.js'

const API = '/api/v4/projects/:id/releases'

export const releaseView = (
  ctx: GitLabContext,
  caller: Caller,
  project: Project,
  release: Release | undefined,
  includeHtml = false,
): ReleaseView => ({
  readCode: canReadCode(ctx.state, caller, project),
  canUpdate:
    release !== undefined &&
    ctx.state.canCreateTag(project, roleOf(ctx.state, caller, project), release.tag),
  includeHtml,
})

/** Milestones by title (or id); the unknown ones named in GitLab's message, in request order. */
const resolveMilestones = (
  project: Project,
  titles: readonly string[] | undefined,
  ids: readonly number[] | undefined,
): { ok: true; milestones: Milestone[] | undefined } | { ok: false; message: string } => {
  if (titles !== undefined) {
    const found = titles.map((t) => project.milestones.find((m) => m.title === t))
    const missing = titles.filter((_, i) => found[i] === undefined)
    if (missing.length > 0)
      return { ok: false, message: `Milestone(s) not found: ${missing.join(', ')}` }
    return { ok: true, milestones: found as Milestone[] }
  }
  if (ids !== undefined) {
    const found = ids.map((id) => project.milestones.find((m) => m.id === id))
    const missing = ids.filter((_, i) => found[i] === undefined)
    if (missing.length > 0)
      return { ok: false, message: `Milestone id(s) not found: ${missing.join(', ')}` }
    return { ok: true, milestones: found as Milestone[] }
  }
  return { ok: true, milestones: undefined }
}

const releaseLabel = (id: number): string =>
  `#<Release:0x${(0x7f3a00000000 + id * 0x28).toString(16).padStart(16, '0')}>`

const MILESTONE_EXCLUSIVE = 'Cannot specify milestones and milestone_ids at the same time'

const listReleases = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, JOB_TOKEN_OK, async (ex, caller, project) => {
    const p = new DeclaredParams(Object.fromEntries(ex.query))
    const orderBy = p.optEnum('order_by', ['released_at', 'created_at'] as const) ?? 'released_at'
    const sort = p.optEnum('sort', ['asc', 'desc'] as const) ?? 'desc'
    const includeHtml = p.optBoolean('include_html_description') ?? false
    p.optString('updated_before')
    p.optString('updated_after')
    if (await p.reject(ex)) return
    const key = orderBy === 'released_at' ? 'releasedAt' : 'createdAt'
    const sorted = [...project.releases.values()].sort((a, b) => {
      const diff = a[key] - b[key] || a.id - b.id
      return sort === 'asc' ? diff : -diff
    })
    const page = paginate(ex, sorted)
    if (!page.ok) return grapeError(ex, 400, page.error)
    const body = page.items.map((r) =>
      releaseEntity(ctx.state, project, r, releaseView(ctx, caller, project, r, includeHtml)),
    )
    await ex.json(200, body, page.headers)
  })

const getRelease = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, JOB_TOKEN_OK, async (ex, caller, project) => {
    // A guest of a private project may list releases but not read one (even an unknown tag).
    if (!canReadCode(ctx.state, caller, project)) return forbidden(ex)
    const release = project.releases.get(ex.params.tag_name ?? '')
    if (release === undefined) return notFound(ex)
    const includeHtml = ex.query.get('include_html_description') === 'true'
    await ex.json(
      200,
      releaseEntity(
        ctx.state,
        project,
        release,
        releaseView(ctx, caller, project, release, includeHtml),
      ),
    )
  })

interface LinkParams {
  readonly name: string
  readonly url: string
  readonly filepath: string | null
  readonly linkType: string
}

const readCreateLinks = (p: DeclaredParams): LinkParams[] | undefined => {
  const assets = p.optHash('assets')
  if (assets === undefined) return []
  const links = new DeclaredParams(assets).optHashArray('links')
  if (links === undefined) {
    if (assets.links !== undefined) p.errors.push('assets[links] is invalid')
    return []
  }
  return links.map((raw, i) => {
    const lp = new DeclaredParams(raw)
    const name = lp.requireString('name')
    const url = lp.requireString('url')
    const direct = lp.optString('direct_asset_path')
    const filepath = lp.optString('filepath')
    const linkType = lp.optString('link_type')
    for (const e of lp.errors) p.errors.push(e.replace(/^(\S+) /, `assets[links][${i}][$1] `))
    return {
      name: name ?? '',
      url: url ?? '',
      filepath: direct ?? filepath ?? null,
      linkType: linkType ?? 'other',
    }
  })
}

const createRelease = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, JOB_TOKEN_OK, async (ex, caller, project) => {
    const raw = await readParams(ex)
    if (raw === undefined) return
    const p = new DeclaredParams(raw)
    const tagName = p.requireString('tag_name')
    const tagMessage = p.optString('tag_message')
    const name = p.optString('name')
    const description = p.optString('description')
    const ref = p.optString('ref')
    const links = readCreateLinks(p)
    const titles = p.optCommaArray('milestones')
    const ids = p.optCommaIntegers('milestone_ids')
    const releasedAtRaw = p.optString('released_at')
    p.optBoolean('legacy_catalog_publish')
    p.mutuallyExclusive(['milestones', 'milestone_ids'], MILESTONE_EXCLUSIVE)
    const releasedAt = releasedAtRaw === undefined ? undefined : parseReleasedAt(releasedAtRaw)
    if (releasedAtRaw !== undefined && releasedAt === undefined)
      p.errors.push('released_at is invalid')
    if (await p.reject(ex)) return
    const tag = tagName ?? ''
    const { state } = ctx
    const role = roleOf(state, caller, project)
    if (!hasRole(state, caller, project, 'developer')) return forbidden(ex)
    if (!state.canCreateTag(project, role, tag)) {
      return apiError(ex, 403, 'You are not allowed to create this tag as it is protected.')
    }
    if (project.releases.has(tag)) return apiError(ex, 409, 'Release already exists')
    const ms = resolveMilestones(project, titles, ids)
    if (!ms.ok) return apiError(ex, 400, ms.message)

    let gitTag = project.tags.get(tag)
    if (gitTag === undefined) {
      if (ref === undefined || ref === '') return apiError(ex, 422, 'Ref is not specified')
      if (!isValidTagName(tag)) return apiError(ex, 400, 'Tag name invalid')
      const sha = state.resolveRef(project, ref)
      if (sha === undefined) return apiError(ex, 400, `Target ${ref} is invalid`)
      // The tag is pushed before the release is saved: it stays even if the save fails below.
      gitTag = state.putTag(project, tag, sha, tagMessage)
    }

    const badType = (links ?? []).find(
      (l) => !(LINK_TYPES as readonly string[]).includes(l.linkType),
    )
    if (badType !== undefined)
      return apiError(ex, 400, `'${badType.linkType}' is not a valid link_type`)
    const inputs: LinkInput[] = (links ?? []).map((l) => ({
      ...l,
      linkType: l.linkType as LinkType,
    }))
    const id = state.nextId('release')
    const problems = [
      ...inputs.flatMap((l) => nestedMessages(validateLink(l, []))),
      ...(description !== undefined && description.length > MAX_DESCRIPTION_LENGTH
        ? [`Description is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`]
        : []),
      ...duplicateMessages(inputs, releaseLabel(id)),
    ]
    if (problems.length > 0) return apiError(ex, 400, `Validation failed: ${problems.join(', ')}`)

    const now = state.now()
    const release: Release = {
      id,
      tag,
      name: name ?? tag,
      description: description ?? null,
      createdAt: now,
      releasedAt: releasedAt ?? now,
      authorId: caller.token?.user.id ?? null,
      sha: gitTag.commitSha,
      milestoneIds: (ms.milestones ?? []).map((m) => m.id),
      links: inputs.map((l) => ({
        id: state.nextId('link'),
        name: l.name,
        url: l.url.trim(),
        filepath: l.filepath === '' ? null : l.filepath,
        linkType: l.linkType,
        createdAt: now,
      })),
      evidences: [],
    }
    project.releases.set(tag, release)
    const body = releaseEntity(state, project, release, releaseView(ctx, caller, project, release))
    // GitLab collects the evidence asynchronously: it shows up on the next read, not in this answer.
    const historical = release.releasedAt < release.createdAt
    const upcoming = release.releasedAt > now
    if (ctx.config.autoEvidence && !historical && !upcoming) state.collectEvidence(project, release)
    await ex.json(201, body)
  })

/** PUT/DELETE authorize on the release object: a missing release fails authorization → 403. */
const findWritableRelease = async (
  ctx: GitLabContext,
  ex: Exchange,
  caller: Caller,
  project: Project,
): Promise<Release | undefined> => {
  const release = project.releases.get(ex.params.tag_name ?? '')
  const role = roleOf(ctx.state, caller, project)
  if (release === undefined || !ctx.state.canCreateTag(project, role, release.tag)) {
    await forbidden(ex)
    return undefined
  }
  return release
}

const UPDATABLE = ['name', 'description', 'released_at', 'milestones', 'milestone_ids']

const updateRelease = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, JOB_TOKEN_OK, async (ex, caller, project) => {
    const raw = await readParams(ex)
    if (raw === undefined) return
    const p = new DeclaredParams(raw)
    const name = p.optString('name')
    const description = p.optString('description')
    const releasedAtRaw = p.optString('released_at')
    const titles = p.optCommaArray('milestones')
    const ids = p.optCommaIntegers('milestone_ids')
    p.mutuallyExclusive(['milestones', 'milestone_ids'], MILESTONE_EXCLUSIVE)
    const releasedAt = releasedAtRaw === undefined ? undefined : parseReleasedAt(releasedAtRaw)
    if (releasedAtRaw !== undefined && releasedAt === undefined)
      p.errors.push('released_at is invalid')
    if (await p.reject(ex)) return
    const release = await findWritableRelease(ctx, ex, caller, project)
    if (release === undefined) return
    if (!project.tags.has(release.tag)) return apiError(ex, 404, 'Tag does not exist')
    if (!UPDATABLE.some((k) => p.has(k))) return apiError(ex, 400, 'params is empty')
    const ms = resolveMilestones(project, titles, ids)
    if (!ms.ok) return apiError(ex, 400, ms.message)
    if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
      return apiError(ex, 400, {
        description: [`is too long (maximum is ${MAX_DESCRIPTION_LENGTH} characters)`],
      })
    }
    if (name !== undefined) release.name = name
    if (description !== undefined) release.description = description
    if (releasedAt !== undefined) release.releasedAt = releasedAt
    if (ms.milestones !== undefined) release.milestoneIds = ms.milestones.map((m) => m.id)
    await ex.json(
      200,
      releaseEntity(ctx.state, project, release, releaseView(ctx, caller, project, release)),
    )
  })

const deleteRelease = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, JOB_TOKEN_OK, async (ex, caller, project) => {
    const release = await findWritableRelease(ctx, ex, caller, project)
    if (release === undefined) return
    if (!hasRole(ctx.state, caller, project, 'developer')) return forbidden(ex)
    const body = releaseEntity(
      ctx.state,
      project,
      release,
      releaseView(ctx, caller, project, release),
    )
    project.releases.delete(release.tag)
    await ex.json(200, body)
  })

const collectEvidence = (ctx: GitLabContext): Handler => {
  const route = projectRoute(ctx, JOB_TOKEN_OK, async (ex, caller, project) => {
    if (!hasRole(ctx.state, caller, project, 'developer')) return forbidden(ex)
    const release = project.releases.get(ex.params.tag_name ?? '')
    // The EE endpoint only sets a status; Grape renders the block's value (the status) as the body.
    if (release === undefined) return ex.json(404, 404)
    ctx.state.collectEvidence(project, release)
    await ex.json(202, 202)
  })
  return async (ex) => (ctx.config.features.evidence ? route(ex) : routeNotFound(ex))
}

const downloadAsset = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, JOB_TOKEN_OK, async (ex, caller, project) => {
    if (!canReadCode(ctx.state, caller, project)) return forbidden(ex)
    const release = project.releases.get(ex.params.tag_name ?? '')
    if (release === undefined) return notFound(ex)
    const link = release.links.find((l) => l.filepath === `/${ex.params.direct_asset_path ?? ''}`)
    if (link === undefined) return recordNotFound(ex)
    await ex.redirect(link.url)
  })

/** `GET …/releases/permalink/latest(/*suffix)`: 302 to the latest release by `released_at`. */
const latestPermalink = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, JOB_TOKEN_OK, async (ex, _caller, project) => {
    const suffix = ex.params.suffix_path
    if (suffix !== undefined && suffix.split('/').some((s) => s === '..' || s === '.')) {
      return grapeError(ex, 400, 'suffix_path should be a valid file path')
    }
    const latest = [...project.releases.values()].sort(
      (a, b) => b.releasedAt - a.releasedAt || b.id - a.id,
    )[0]
    if (latest === undefined) return notFound(ex)
    const query = new URLSearchParams(ex.query)
    query.delete('order_by')
    const qs = query.toString()
    const target = `${ex.origin}/api/v4/projects/${project.id}/releases/${encodeURIComponent(latest.tag)}${
      suffix === undefined ? '' : `/${suffix}`
    }${qs === '' ? '' : `?${qs}`}`
    await ex.redirect(target)
  })

export const registerReleaseRoutes = (router: Router<Handler>, ctx: GitLabContext): void => {
  router
    .get(API, listReleases(ctx))
    .post(API, createRelease(ctx))
    .get(`${API}/permalink/latest`, latestPermalink(ctx))
    .get(`${API}/permalink/latest/*suffix_path`, latestPermalink(ctx))
    .get(`${API}/:tag_name`, getRelease(ctx))
    .put(`${API}/:tag_name`, updateRelease(ctx))
    .delete(`${API}/:tag_name`, deleteRelease(ctx))
    .post(`${API}/:tag_name/evidence`, collectEvidence(ctx))
    .get(`${API}/:tag_name/downloads/*direct_asset_path`, downloadAsset(ctx))
}
