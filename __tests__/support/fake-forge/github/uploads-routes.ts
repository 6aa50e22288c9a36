/**
 * `POST /repos/{owner}/{repo}/releases/{release_id}/assets?name=…&label=…` on the uploads origin
 * (docs "Upload a release asset"): the raw bytes as the body, `Content-Type` required,
 * `Content-Length` required, `name` required; 201 with the asset.
 *
 * - The name is renamed as GitHub does (see asset-names.ts) and must be free: an asset of that
 *   name in ANY state (a `starter` left by a failed upload included) → 422
 *   `ReleaseAsset.name already_exists` — "you … must delete the old file before you can
 *   re-upload the new asset".
 * - The asset exists as `starter` from the moment the body starts to arrive; it becomes
 *   `uploaded` (with size and `digest: "sha256:<hex>"`) when the whole body is stored. A client
 *   that goes away mid-body leaves the `starter` behind, as does an upstream 502.
 * - Files of 2 GiB or more are refused ("Each file … must be under 2 GiB").
 * - With immutable releases on, a published release takes no new assets.
 *
 * Status codes and messages GitHub does not document here (no name, no Content-Type, no
 * Content-Length, too large) follow its usual forms; the exact wording is inferred.
 */
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { renameAsset } from './asset-names.js'
import type { GitHubContext, UploadFault } from './context.js'
import { assetEntity } from './entities.js'
import { idParam, repoRoute, requirePush } from './repo-route.js'
import { apiError, ASSET_DOCS, notFound, validationFailed } from './respond.js'
import type { Asset, Release, Repo } from './state.js'

const assetError = (
  ex: Exchange,
  error: { code: string; field?: string; message?: string },
): Promise<void> => validationFailed(ex, [{ resource: 'ReleaseAsset', ...error }], ASSET_DOCS)

/** The first configured upload fault for this name, counted as used. */
const takeFault = (ctx: GitHubContext, name: string): UploadFault | undefined => {
  const faults = ctx.config.uploadFaults
  const at = faults.findIndex((fault) =>
    fault.name === undefined
      ? true
      : typeof fault.name === 'string'
        ? fault.name === name
        : fault.name.test(name),
  )
  if (at < 0) return undefined
  const fault = faults[at]
  if (fault === undefined) return undefined
  const left = (fault.times ?? 1) - 1
  if (left <= 0) faults.splice(at, 1)
  else faults[at] = { ...fault, times: left }
  return fault
}

/** The body, with the connection cut after `afterBytes` when a `cut` fault says so. */
async function* bodyUntilCut(ex: Exchange, afterBytes: number | undefined): AsyncIterable<Buffer> {
  let seen = 0
  for await (const chunk of ex.body()) {
    if (afterBytes !== undefined && seen + chunk.length >= afterBytes) {
      const head = chunk.subarray(0, Math.max(0, afterBytes - seen))
      if (head.length > 0) yield head
      ex.req.socket.destroy()
      throw new Error('connection cut by an upload fault')
    }
    seen += chunk.length
    yield chunk
  }
}

const finish = async (
  ctx: GitHubContext,
  ex: Exchange,
  repo: Repo,
  release: Release,
  asset: Asset,
  fault: UploadFault | undefined,
): Promise<void> => {
  if (fault?.kind === 'bad-gateway') {
    await ex.drain()
    return apiError(ex, 502, 'Server Error')
  }
  const written = await ctx.blobs.write(
    bodyUntilCut(ex, fault?.kind === 'cut' ? (fault.afterBytes ?? 0) : undefined),
  )
  // The client went away (or was cut off): the starter asset stays, as on GitHub.
  if (!written.ok) return
  if (!release.assets.includes(asset)) {
    // Deleted while it was still arriving.
    await ctx.blobs.remove(written.blob)
    return notFound(ex)
  }
  asset.blob = written.blob
  asset.size = written.blob.size
  asset.digest = `sha256:${written.blob.sha256}`
  asset.state = 'uploaded'
  ctx.state.journal.push({
    kind: 'upload',
    releaseId: release.id,
    name: asset.name,
    draft: release.draft,
  })
  asset.updatedAt = ctx.state.now()
  return ex.json(201, assetEntity(ctx, repo, release, asset))
}

const upload = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    const id = idParam(ex, 'id')
    const release = id === undefined ? undefined : ctx.state.release(repo, id)
    if (release === undefined) return notFound(ex)
    if (!(await requirePush(ex, caller))) return
    const requested = ex.query.get('name') ?? ''
    if (requested === '') return assetError(ex, { code: 'missing_field', field: 'name' })
    const contentType = ex.header('content-type')
    if (contentType === undefined || contentType.trim() === '') {
      return assetError(ex, { code: 'missing_field', field: 'content_type' })
    }
    const declared = ex.header('content-length')
    if (declared === undefined) return apiError(ex, 411, 'Length Required')
    if (Number(declared) >= ctx.config.maxAssetBytes) {
      return assetError(ex, {
        code: 'custom',
        field: 'size',
        message: `size must be less than ${ctx.config.maxAssetBytes}`,
      })
    }
    if (release.immutable) {
      return assetError(ex, {
        code: 'custom',
        message: 'Cannot upload assets to an immutable release',
      })
    }
    const name = renameAsset(requested)
    if (release.assets.some((a) => a.name === name)) {
      return assetError(ex, { code: 'already_exists', field: 'name' })
    }
    const asset = ctx.state.addAsset(
      release,
      { name, label: ex.query.get('label'), contentType: contentType.trim() },
      caller.token?.login ?? 'ghost',
    )
    await finish(ctx, ex, repo, release, asset, takeFault(ctx, name))
  })

export const registerUploadRoutes = (
  router: Router<Handler>,
  ctx: GitHubContext,
  prefix = '',
): void => {
  router.post(`${prefix}/repos/:owner/:repo/releases/:id/assets`, upload(ctx))
}
