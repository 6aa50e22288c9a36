/**
 * Response objects in the shape of GitHub's schemas (`schemas/release.json`,
 * `schemas/release-asset.json`, transcribed from the 2022-11-28 REST description).
 *
 * A draft has no tag yet: its html_url and its assets' browser_download_url use an
 * `untagged-<hex>` slug instead of the tag, which changes when it is published.
 */
import { createHmac } from 'node:crypto'
import type { GitHubContext } from './context.js'
import type { Asset, Release, Repo } from './state.js'

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export const simpleUser = (ctx: GitHubContext, login: string): Record<string, unknown> => {
  const token = [...ctx.state.tokens.values()].find((t) => t.login === login)
  const id = token?.userId ?? 1
  const api = ctx.origins.api()
  const url = `${api}/users/${login}`
  return {
    login,
    id,
    node_id: `U_kgDO${Buffer.from(String(id)).toString('base64url')}`,
    avatar_url: `${ctx.origins.web()}/avatars/u/${id}`,
    gravatar_id: '',
    url,
    html_url: `${ctx.origins.web()}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: false,
  }
}

const repoApi = (ctx: GitHubContext, repo: Repo): string =>
  `${ctx.origins.api()}/repos/${repo.fullName}`

/** The path segment a release's web URLs use: the tag once published, a slug while a draft. */
export const releaseSlug = (release: Release): string =>
  release.draft ? release.untaggedSlug : release.tagName

export const browserDownloadUrl = (
  ctx: GitHubContext,
  repo: Repo,
  release: Release,
  asset: Asset,
): string =>
  `${ctx.origins.web()}/${repo.fullName}/releases/download/${encodeURIComponent(releaseSlug(release))}/${encodeURIComponent(asset.name)}`

export const assetEntity = (
  ctx: GitHubContext,
  repo: Repo,
  release: Release,
  asset: Asset,
): Record<string, unknown> => ({
  url: `${repoApi(ctx, repo)}/releases/assets/${asset.id}`,
  browser_download_url: browserDownloadUrl(ctx, repo, release, asset),
  id: asset.id,
  node_id: asset.nodeId,
  name: asset.name,
  label: asset.label,
  state: asset.state,
  content_type: asset.contentType,
  size: asset.size,
  // Older servers have no such field at all.
  ...(ctx.config.digests ? { digest: asset.digest } : {}),
  download_count: asset.downloadCount,
  created_at: iso(asset.createdAt),
  updated_at: iso(asset.updatedAt),
  uploader: simpleUser(ctx, asset.uploader),
})

export const releaseEntity = (
  ctx: GitHubContext,
  repo: Repo,
  release: Release,
): Record<string, unknown> => {
  const api = repoApi(ctx, repo)
  const tagged = !release.draft
  return {
    url: `${api}/releases/${release.id}`,
    html_url: `${ctx.origins.web()}/${repo.fullName}/releases/tag/${encodeURIComponent(releaseSlug(release))}`,
    assets_url: `${api}/releases/${release.id}/assets`,
    upload_url: `${ctx.origins.uploads()}/repos/${repo.fullName}/releases/${release.id}/assets{?name,label}`,
    tarball_url: tagged ? `${api}/tarball/${encodeURIComponent(release.tagName)}` : null,
    zipball_url: tagged ? `${api}/zipball/${encodeURIComponent(release.tagName)}` : null,
    id: release.id,
    node_id: release.nodeId,
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: release.immutable,
    created_at: iso(release.createdAt),
    published_at: release.publishedAt === null ? null : iso(release.publishedAt),
    updated_at: iso(release.updatedAt),
    author: simpleUser(ctx, release.author),
    assets: release.assets.map((asset) => assetEntity(ctx, repo, release, asset)),
  }
}

/** The pre-signed storage URL a download redirects to (objects.githubusercontent.com style). */
export const signedDownloadUrl = (ctx: GitHubContext, repo: Repo, asset: Asset): string => {
  const signature = signAsset(ctx.signingKey, asset.id)
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Signature': signature,
    'response-content-disposition': `attachment; filename=${asset.name}`,
    'response-content-type': 'application/octet-stream',
  })
  return `${ctx.origins.downloads()}/github-production-release-asset/${repo.id}/${asset.id}?${query.toString()}`
}

export const signAsset = (key: string, assetId: number): string =>
  createHmac('sha256', key).update(String(assetId)).digest('hex')
