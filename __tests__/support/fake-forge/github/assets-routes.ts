/**
 * Release assets on the API origin (docs "REST API endpoints for release assets"): list, get,
 * update, delete, and the web download URL (browser_download_url).
 *
 * `GET /releases/assets/{id}` answers the asset's JSON, or with `Accept: application/octet-stream`
 * a 302 to a pre-signed storage URL on another origin (docs: "API clients should handle both a
 * 200 or 302 response"). The storage server refuses a request that also carries an
 * Authorization header, as S3 does, so a client that forwards its token there fails loudly.
 * An asset still in state `starter` has no bytes: its download is a 404.
 */
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { canPush } from './access.js'
import { readJsonObject, rejectFields } from './body-rules.js'
import { renameAsset } from './asset-names.js'
import type { GitHubContext } from './context.js'
import { assetEntity, releaseSlug, signedDownloadUrl } from './entities.js'
import { paginate } from './pagination.js'
import { idParam, repoRoute, requirePush } from './repo-route.js'
import { ASSET_DOCS, notFound, validationFailed } from './respond.js'
import type { Asset, Release, Repo } from './state.js'

const wantsBytes = (ex: Exchange): boolean =>
  /application\/octet-stream/i.test(ex.header('accept') ?? '')

/** What GitHub says when an immutable release's assets would change (wording inferred). */
const immutable = (ex: Exchange): Promise<void> =>
  validationFailed(
    ex,
    [
      {
        resource: 'ReleaseAsset',
        code: 'custom',
        message: 'Cannot modify assets of an immutable release',
      },
    ],
    ASSET_DOCS,
  )

const redirectToBytes = async (
  ctx: GitHubContext,
  ex: Exchange,
  repo: Repo,
  asset: Asset,
): Promise<void> => {
  if (asset.state !== 'uploaded' || asset.blob === undefined) return notFound(ex)
  asset.downloadCount += 1
  await ex.redirect(signedDownloadUrl(ctx, repo, asset), 302)
}

const findVisibleAsset = (
  ctx: GitHubContext,
  ex: Exchange,
  repo: Repo,
  mayPush: boolean,
): { release: Release; asset: Asset } | undefined => {
  const id = idParam(ex, 'asset_id')
  const found = id === undefined ? undefined : ctx.state.findAsset(repo, id)
  if (found === undefined || (found.release.draft && !mayPush)) return undefined
  return found
}

const listAssets = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    const id = idParam(ex, 'id')
    const release = id === undefined ? undefined : ctx.state.release(repo, id)
    if (release === undefined || (release.draft && !canPush(caller))) return notFound(ex)
    const { items, headers } = paginate(ex, release.assets)
    await ex.json(
      200,
      items.map((a) => assetEntity(ctx, repo, release, a)),
      headers,
    )
  })

const getAsset = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    const found = findVisibleAsset(ctx, ex, repo, canPush(caller))
    if (found === undefined) return notFound(ex)
    if (wantsBytes(ex)) return redirectToBytes(ctx, ex, repo, found.asset)
    await ex.json(200, assetEntity(ctx, repo, found.release, found.asset))
  })

const updateAsset = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    const body = await readJsonObject(ex)
    if (body === undefined) return
    const found = findVisibleAsset(ctx, ex, repo, canPush(caller))
    if (found === undefined) return notFound(ex)
    if (!(await requirePush(ex, caller))) return
    const rules = {
      name: { type: 'string' },
      label: { type: 'string' },
      state: { type: 'string' },
    } as const
    if (await rejectFields(ex, body, rules)) return
    const { release, asset } = found
    if (release.immutable) return immutable(ex)
    if (typeof body.name === 'string') {
      const name = renameAsset(body.name)
      if (release.assets.some((a) => a !== asset && a.name === name)) {
        return validationFailed(
          ex,
          [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
          ASSET_DOCS,
        )
      }
      asset.name = name
    }
    if (typeof body.label === 'string') asset.label = body.label
    asset.updatedAt = ctx.state.now()
    await ex.json(200, assetEntity(ctx, repo, release, asset))
  })

const deleteAsset = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    const found = findVisibleAsset(ctx, ex, repo, canPush(caller))
    if (found === undefined) return notFound(ex)
    if (!(await requirePush(ex, caller))) return
    if (found.release.immutable) return immutable(ex)
    ctx.state.removeAsset(found.release, found.asset)
    ctx.state.journal.push({
      kind: 'delete-asset',
      releaseId: found.release.id,
      name: found.asset.name,
    })
    if (found.asset.blob !== undefined) await ctx.blobs.remove(found.asset.blob)
    await ex.empty(204)
  })

/**
 * `https://github.com/{owner}/{repo}/releases/download/{tag}/{name}`: published releases for
 * everyone who may read the repository; a draft's `untagged-…` URL only for pushers.
 */
const webDownload = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    const slug = ex.params.slug ?? ''
    const release = repo.releases.find(
      (r) => releaseSlug(r) === slug && (!r.draft || canPush(caller)),
    )
    const asset = release?.assets.find((a) => a.name === ex.params.name)
    if (asset === undefined) return ex.text(404, 'Not Found')
    await redirectToBytes(ctx, ex, repo, asset)
  })

export const registerAssetRoutes = (
  router: Router<Handler>,
  ctx: GitHubContext,
  prefix = '',
): void => {
  const base = `${prefix}/repos/:owner/:repo/releases`
  router
    .get(`${base}/assets/:asset_id`, getAsset(ctx))
    .add('PATCH', `${base}/assets/:asset_id`, updateAsset(ctx))
    .delete(`${base}/assets/:asset_id`, deleteAsset(ctx))
    .get(`${base}/:id/assets`, listAssets(ctx))
}

export const registerWebRoutes = (router: Router<Handler>, ctx: GitHubContext): void => {
  router.get('/:owner/:repo/releases/download/:slug/:name', webDownload(ctx))
}
