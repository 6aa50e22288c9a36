/**
 * Response shapes, after GitLab's Grape entities (lib/api/entities/*.rb). Field order follows
 * the entities; fields the entities omit when nil are omitted here too. Not emitted on purpose,
 * although the docs still show them: `historical_release`, `evidence_sha`,
 * `assets.evidence_file_path`, link `external` (removed in 16.0).
 */
import type {
  GitLabState,
  Commit,
  Evidence,
  GenericPackage,
  Milestone,
  PackageFile,
  Project,
  Release,
  ReleaseLink,
  Tag,
} from './state.js'

const iso = (ms: number): string => new Date(ms).toISOString()
const esc = encodeURIComponent

/** What the caller may see of a release (guests of a private project see less). */
export interface ReleaseView {
  readonly readCode: boolean
  readonly canUpdate: boolean
  readonly includeHtml?: boolean
}

export const releaseWebUrl = (state: GitLabState, project: Project, tag: string): string =>
  `${state.webUrl(project)}/-/releases/${esc(tag)}`

export const userEntity = (state: GitLabState, id: number | null): object | undefined => {
  const user = state.userById(id)
  if (user === undefined) return undefined
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: 'active',
    locked: false,
    avatar_url: `https://www.gravatar.com/avatar/${user.id}?s=80&d=identicon`,
    web_url: `${state.origin()}/${user.username}`,
  }
}

export const commitEntity = (state: GitLabState, project: Project, commit: Commit): object => ({
  id: commit.id,
  short_id: commit.id.slice(0, 8),
  created_at: iso(commit.createdAt),
  parent_ids: commit.parentIds,
  title: commit.title,
  message: commit.message,
  author_name: commit.authorName,
  author_email: commit.authorEmail,
  authored_date: iso(commit.createdAt),
  committer_name: commit.authorName,
  committer_email: commit.authorEmail,
  committed_date: iso(commit.createdAt),
  trailers: {},
  extended_trailers: {},
  web_url: `${state.webUrl(project)}/-/commit/${commit.id}`,
})

export const milestoneEntity = (
  state: GitLabState,
  project: Project,
  m: Milestone,
  withStats: boolean,
): object => {
  const today = new Date(state.now()).toISOString().slice(0, 10)
  return {
    id: m.id,
    iid: m.iid,
    project_id: m.projectId,
    title: m.title,
    description: m.description,
    state: m.state,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    due_date: m.dueDate,
    start_date: m.startDate,
    expired: m.dueDate !== null && m.dueDate < today,
    web_url: `${state.webUrl(project)}/-/milestones/${m.iid}`,
    ...(withStats
      ? { issue_stats: { total: m.issueStats.total, closed: m.issueStats.closed } }
      : {}),
  }
}

/** `direct_asset_url`: the permanent `/-/releases/<tag>/downloads<filepath>` URL when a filepath is set. */
export const directAssetUrl = (
  state: GitLabState,
  project: Project,
  release: Release,
  link: ReleaseLink,
): string =>
  link.filepath === null
    ? link.url
    : `${releaseWebUrl(state, project, release.tag)}/downloads${link.filepath}`

export const linkEntity = (
  state: GitLabState,
  project: Project,
  release: Release,
  link: ReleaseLink,
): object => ({
  id: link.id,
  name: link.name,
  url: link.url,
  direct_asset_url: directAssetUrl(state, project, release, link),
  link_type: link.linkType,
})

/** Links newest first (`Releases::Link.sorted` = `created_at DESC`; ties by id DESC). */
export const sortedLinks = (release: Release): ReleaseLink[] =>
  [...release.links].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)

export const evidenceEntity = (
  state: GitLabState,
  project: Project,
  release: Release,
  e: Evidence,
): object => ({
  sha: e.sha,
  filepath: `${releaseWebUrl(state, project, release.tag)}/evidences/${e.id}.json`,
  collected_at: iso(e.collectedAt),
})

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

export const releaseEntity = (
  state: GitLabState,
  project: Project,
  release: Release,
  view: ReleaseView,
): object => {
  const web = state.webUrl(project)
  const milestones = release.milestoneIds
    .map((id) => project.milestones.find((m) => m.id === id))
    .filter((m): m is Milestone => m !== undefined)
  const links = sortedLinks(release).map((l) => linkEntity(state, project, release, l))
  const commit = project.commits.get(release.sha)
  const tagQuery = `release_tag=${esc(release.tag)}&scope=all`
  const archiveBase = `${web}/-/archive/${release.tag}/${project.path}-${release.tag.replace(/\//g, '-')}`
  const sources = ['zip', 'tar.gz', 'tar.bz2', 'tar'].map((format) => ({
    format,
    url: `${archiveBase}.${format}`,
  }))
  const entity: Record<string, unknown> = {
    name: release.name,
    tag_name: release.tag,
    description: release.description,
  }
  if (view.includeHtml === true) {
    entity.description_html =
      release.description === null
        ? null
        : `<p data-sourcepos="1:1-1:1" dir="auto">${escapeHtml(release.description)}</p>`
  }
  Object.assign(entity, {
    created_at: iso(release.createdAt),
    released_at: iso(release.releasedAt),
    upcoming_release: release.releasedAt > state.now(),
  })
  const author = userEntity(state, release.authorId)
  if (author !== undefined) entity.author = author
  if (view.readCode && commit !== undefined) entity.commit = commitEntity(state, project, commit)
  if (milestones.length > 0)
    entity.milestones = milestones.map((m) => milestoneEntity(state, project, m, true))
  if (view.readCode) {
    entity.commit_path = `/${project.pathWithNamespace}/-/commit/${release.sha}`
    entity.tag_path = `/${project.pathWithNamespace}/-/tags/${esc(release.tag)}`
  }
  entity.assets = view.readCode
    ? { count: links.length + sources.length, sources, links }
    : { count: links.length, links }
  if (view.readCode) {
    entity.evidences = release.evidences.map((e) => evidenceEntity(state, project, release, e))
  }
  const self = releaseWebUrl(state, project, release.tag)
  entity._links = {
    closed_issues_url: `${web}/-/issues?${tagQuery}&state=closed`,
    closed_merge_requests_url: `${web}/-/merge_requests?${tagQuery}&state=closed`,
    ...(view.canUpdate ? { edit_url: `${self}/edit` } : {}),
    merged_merge_requests_url: `${web}/-/merge_requests?${tagQuery}&state=merged`,
    opened_issues_url: `${web}/-/issues?${tagQuery}&state=opened`,
    opened_merge_requests_url: `${web}/-/merge_requests?${tagQuery}&state=opened`,
    self,
  }
  return entity
}

export const tagEntity = (state: GitLabState, project: Project, tag: Tag): object => {
  const commit = project.commits.get(tag.commitSha)
  const release = project.releases.get(tag.name)
  return {
    name: tag.name,
    message: tag.message,
    target: tag.target,
    commit: commit === undefined ? null : commitEntity(state, project, commit),
    release:
      release === undefined ? null : { tag_name: release.tag, description: release.description },
    protected:
      project.protectedTags.length > 0 && !state.canCreateTag(project, 'developer', tag.name),
    created_at: tag.createdAt === null ? null : iso(tag.createdAt),
  }
}

export const packageEntity = (
  state: GitLabState,
  project: Project,
  pkg: GenericPackage,
): object => ({
  id: pkg.id,
  name: pkg.name,
  version: pkg.version,
  package_type: 'generic',
  status: pkg.status,
  _links: {
    web_path: `/${project.pathWithNamespace}/-/packages/${pkg.id}`,
    delete_api_path: `${state.origin()}/api/v4/projects/${project.id}/packages/${pkg.id}`,
  },
  created_at: iso(pkg.createdAt),
  last_downloaded_at: null,
  tags: [],
})

/** Generic package files carry only sha256: Workhorse hands Rails no md5/sha1 for them. */
export const packageFileEntity =
  (withSha256: boolean) =>
  (file: PackageFile): object => ({
    id: file.id,
    package_id: file.packageId,
    created_at: iso(file.createdAt),
    file_name: file.fileName,
    size: file.blob.size,
    file_md5: null,
    file_sha1: null,
    ...(withSha256 ? { file_sha256: file.blob.sha256 } : {}),
    pipelines: [],
  })

/** The raw `Packages::PackageFile` record `?select=package_file` returns (doc example shape). */
export const packageFileRecord = (file: PackageFile, withSha256 = true): object => ({
  id: file.id,
  package_id: file.packageId,
  created_at: iso(file.createdAt),
  updated_at: iso(file.createdAt),
  size: file.blob.size,
  file_store: 1,
  file_md5: null,
  file_sha1: null,
  file_name: file.fileName,
  file: {
    url: `/${file.blob.sha256.slice(0, 2)}/${file.blob.sha256.slice(2, 4)}/packages/${file.packageId}/files/${file.id}/${file.fileName}`,
  },
  ...(withSha256 ? { file_sha256: file.blob.sha256 } : {}),
  verification_retry_at: null,
  verified_at: null,
  verification_failure: null,
  verification_retry_count: null,
  verification_checksum: null,
  verification_state: 0,
  verification_started_at: null,
  new_file_path: null,
})
