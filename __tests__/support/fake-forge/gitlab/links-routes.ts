/**
 * Release links API (lib/api/release/links.rb, app/services/releases/links/*). A missing release
 * or link is `ActiveRecord::RecordNotFound` → 404 `{"message":"404 Not found"}` (lower-case f);
 * model validation failures come back as 400 with `message` as an ARRAY of full messages.
 */
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { roleOf, type Caller } from './access.js'
import type { GitLabContext } from './context.js'
import { linkEntity, sortedLinks } from './entities.js'
import { fullMessages, validateLink } from './link-rules.js'
import { paginate } from './pagination.js'
import { DeclaredParams, readParams } from './params.js'
import { JOB_TOKEN_OK, projectRoute, type ProjectHandler } from './project-route.js'
import { apiError, forbidden, grapeError, recordNotFound } from './respond.js'
import { LINK_TYPES, type LinkType, type Project, type Release, type ReleaseLink } from './state.js'

const API = '/api/v4/projects/:id/releases/:tag_name/assets/links'

type ReleaseHandler = (
  ex: Exchange,
  caller: Caller,
  project: Project,
  release: Release,
) => Promise<void>

const withRelease =
  (handler: ReleaseHandler): ProjectHandler =>
  async (ex, caller, project) => {
    const release = project.releases.get(ex.params.tag_name ?? '')
    if (release === undefined) return recordNotFound(ex)
    await handler(ex, caller, project, release)
  }

const withLink =
  (
    handler: (
      ex: Exchange,
      caller: Caller,
      project: Project,
      release: Release,
      link: ReleaseLink,
    ) => Promise<void>,
  ): ReleaseHandler =>
  async (ex, caller, project, release) => {
    const id = Number(ex.params.link_id)
    const link = release.links.find((l) => l.id === id)
    if (link === undefined) return recordNotFound(ex)
    await handler(ex, caller, project, release, link)
  }

/** `create_release` / `update_release` / `destroy_release` on the release: Developer + protected-tag rights. */
const mayWrite = (
  ctx: GitLabContext,
  caller: Caller,
  project: Project,
  release: Release,
): boolean => ctx.state.canCreateTag(project, roleOf(ctx.state, caller, project), release.tag)

const list = (ctx: GitLabContext): Handler =>
  projectRoute(
    ctx,
    JOB_TOKEN_OK,
    withRelease(async (ex, _caller, project, release) => {
      const page = paginate(ex, sortedLinks(release))
      if (!page.ok) return grapeError(ex, 400, page.error)
      await ex.json(
        200,
        page.items.map((l) => linkEntity(ctx.state, project, release, l)),
        page.headers,
      )
    }),
  )

const get = (ctx: GitLabContext): Handler =>
  projectRoute(
    ctx,
    JOB_TOKEN_OK,
    withRelease(
      withLink(async (ex, _caller, project, release, link) => {
        await ex.json(200, linkEntity(ctx.state, project, release, link))
      }),
    ),
  )

const create = (ctx: GitLabContext): Handler =>
  projectRoute(
    ctx,
    JOB_TOKEN_OK,
    withRelease(async (ex, caller, project, release) => {
      const raw = await readParams(ex)
      if (raw === undefined) return
      const p = new DeclaredParams(raw)
      const name = p.requireString('name')
      const url = p.requireString('url')
      const direct = p.optString('direct_asset_path')
      const filepath = p.optString('filepath')
      const linkType = p.optEnum('link_type', LINK_TYPES) ?? 'other'
      if (await p.reject(ex)) return
      if (!mayWrite(ctx, caller, project, release)) return forbidden(ex)
      const input = {
        name: name ?? '',
        url: url ?? '',
        filepath: direct ?? filepath ?? null,
        linkType,
      }
      const errors = validateLink(input, release.links)
      if (errors.length > 0) return apiError(ex, 400, fullMessages(errors))
      const link: ReleaseLink = {
        id: ctx.state.nextId('link'),
        name: input.name,
        url: input.url.trim(),
        filepath: input.filepath === '' ? null : input.filepath,
        linkType: input.linkType,
        createdAt: ctx.state.now(),
      }
      release.links.push(link)
      await ex.json(201, linkEntity(ctx.state, project, release, link))
    }),
  )

const update = (ctx: GitLabContext): Handler =>
  projectRoute(
    ctx,
    JOB_TOKEN_OK,
    withRelease(
      withLink(async (ex, caller, project, release, link) => {
        const raw = await readParams(ex)
        if (raw === undefined) return
        const p = new DeclaredParams(raw)
        const name = p.optString('name')
        const url = p.optString('url')
        const direct = p.optString('direct_asset_path')
        const filepath = p.optString('filepath')
        // Declared with `default: 'other'`: omitting it resets the type.
        const linkType: LinkType = p.optEnum('link_type', LINK_TYPES) ?? 'other'
        p.atLeastOneOf(['name', 'url'])
        if (await p.reject(ex)) return
        if (!mayWrite(ctx, caller, project, release)) return forbidden(ex)
        const nextFilepath = direct ?? filepath
        const input = {
          name: name ?? link.name,
          url: url ?? link.url,
          filepath: nextFilepath === undefined ? link.filepath : nextFilepath,
          linkType,
        }
        const errors = validateLink(
          input,
          release.links.filter((l) => l.id !== link.id),
        )
        if (errors.length > 0) return apiError(ex, 400, fullMessages(errors))
        link.name = input.name
        link.url = input.url.trim()
        link.filepath = input.filepath === '' ? null : input.filepath
        link.linkType = input.linkType
        await ex.json(200, linkEntity(ctx.state, project, release, link))
      }),
    ),
  )

const remove = (ctx: GitLabContext): Handler =>
  projectRoute(
    ctx,
    JOB_TOKEN_OK,
    withRelease(
      withLink(async (ex, caller, project, release, link) => {
        if (!mayWrite(ctx, caller, project, release)) return forbidden(ex)
        release.links = release.links.filter((l) => l.id !== link.id)
        await ex.json(200, linkEntity(ctx.state, project, release, link))
      }),
    ),
  )

export const registerLinkRoutes = (router: Router<Handler>, ctx: GitLabContext): void => {
  router
    .get(API, list(ctx))
    .post(API, create(ctx))
    .get(`${API}/:link_id`, get(ctx))
    .put(`${API}/:link_id`, update(ctx))
    .delete(`${API}/:link_id`, remove(ctx))
}
