/**
 * Response objects in the shape of modules/structs (release.go, attachment.go, repo_tag.go,
 * repo.go) as services/convert fills them.
 *
 * `browser_download_url` of a release attachment is `<repo>/releases/download/<tag>/<name>`
 * while the release's attachment names are unique, and `<ROOT_URL>/attachments/<uuid>` once
 * two share a name (models/repo/release.go GetReleaseAttachments: "If the names unique, use the
 * URL with the Name instead of the UUID"; Attachment.DownloadURL).
 */
import type { GiteaContext } from './context.js'
import type { Attachment, Release, Repo, Tag } from './state.js'

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

const escapeSegments = (path: string): string => path.split('/').map(encodeURIComponent).join('/')

export const repoHtmlUrl = (ctx: GiteaContext, repo: Repo): string =>
  `${ctx.origin()}/${repo.fullName}`

const repoApiUrl = (ctx: GiteaContext, repo: Repo): string =>
  `${ctx.origin()}/api/v1/repos/${repo.fullName}`

export const userEntity = (ctx: GiteaContext, login: string): Record<string, unknown> => {
  const token = [...ctx.state.tokens.values()].find((t) => t.login === login)
  return {
    id: token?.userId ?? -1,
    login,
    login_name: '',
    full_name: '',
    email: `${login}@noreply.localhost`,
    avatar_url: `${ctx.origin()}/avatars/${login}`,
    html_url: `${ctx.origin()}/${login}`,
    username: login,
  }
}

export const attachmentUrl = (ctx: GiteaContext, attachment: Attachment): string =>
  `${ctx.origin()}/attachments/${encodeURIComponent(attachment.uuid)}`

export const browserDownloadUrl = (
  ctx: GiteaContext,
  repo: Repo,
  release: Release,
  attachment: Attachment,
): string => {
  const duplicated = release.attachments.some((a) => a !== attachment && a.name === attachment.name)
  if (duplicated) return attachmentUrl(ctx, attachment)
  return `${repoHtmlUrl(ctx, repo)}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(attachment.name)}`
}

export const attachmentEntity = (
  ctx: GiteaContext,
  repo: Repo,
  release: Release,
  attachment: Attachment,
): Record<string, unknown> => ({
  id: attachment.id,
  name: attachment.name,
  size: attachment.size,
  download_count: attachment.downloadCount,
  created_at: iso(attachment.createdAt),
  uuid: attachment.uuid,
  browser_download_url: browserDownloadUrl(ctx, repo, release, attachment),
})

/** Attachments as GetReleaseAttachments loads them: ordered by name (then id). */
export const sortedAttachments = (release: Release): Attachment[] =>
  [...release.attachments].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id,
  )

export const releaseEntity = (
  ctx: GiteaContext,
  repo: Repo,
  release: Release,
): Record<string, unknown> => {
  const api = repoApiUrl(ctx, repo)
  const html = repoHtmlUrl(ctx, repo)
  const tag = escapeSegments(release.tagName)
  return {
    id: release.id,
    tag_name: release.tagName,
    target_commitish: release.target,
    name: release.title,
    body: release.note,
    url: `${api}/releases/${release.id}`,
    html_url: `${html}/releases/tag/${tag}`,
    tarball_url: `${html}/archive/${tag}.tar.gz`,
    zipball_url: `${html}/archive/${tag}.zip`,
    upload_url: `${api}/releases/${release.id}/assets`,
    draft: release.isDraft,
    prerelease: release.isPrerelease,
    created_at: iso(release.createdAt),
    published_at: iso(release.createdAt),
    author: userEntity(ctx, release.publisher),
    assets: sortedAttachments(release).map((a) => attachmentEntity(ctx, repo, release, a)),
  }
}

export const tagEntity = (ctx: GiteaContext, repo: Repo, tag: Tag): Record<string, unknown> => {
  const html = repoHtmlUrl(ctx, repo)
  return {
    name: tag.name,
    message: tag.message,
    id: tag.id,
    commit: {
      url: `${repoApiUrl(ctx, repo)}/git/commits/${tag.commitSha}`,
      sha: tag.commitSha,
      created: iso(ctx.state.now()),
    },
    zipball_url: `${html}/archive/${escapeSegments(tag.name)}.zip`,
    tarball_url: `${html}/archive/${escapeSegments(tag.name)}.tar.gz`,
  }
}

export const branchEntity = (
  ctx: GiteaContext,
  repo: Repo,
  name: string,
  sha: string,
): Record<string, unknown> => ({
  name,
  commit: {
    id: sha,
    message: 'commit',
    url: `${repoHtmlUrl(ctx, repo)}/commit/${sha}`,
  },
  protected: false,
})

export const repoEntity = (
  ctx: GiteaContext,
  repo: Repo,
  permission: 'none' | 'read' | 'write',
): Record<string, unknown> => ({
  id: repo.id,
  owner: userEntity(ctx, repo.owner),
  name: repo.name,
  full_name: repo.fullName,
  private: repo.private,
  empty: false,
  html_url: repoHtmlUrl(ctx, repo),
  url: repoApiUrl(ctx, repo),
  clone_url: `${repoHtmlUrl(ctx, repo)}.git`,
  default_branch: repo.defaultBranch,
  has_releases: true,
  permissions: {
    admin: false,
    push: permission === 'write',
    pull: permission !== 'none',
  },
})
