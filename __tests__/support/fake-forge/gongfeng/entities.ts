/**
 * Response shapes, field for field as the seed's examples (seeds/gongfeng-releases-api.zh.txt):
 * a release is `{ref: {name, message, commit}, id, project_id, tag, title, type, attachments,
 * description, created_at, updated_at, author, labels}`; an attachment `{name, type, size,
 * created_at}`; dates `2016-12-20T02:14:01+0000`.
 */
import type { GongfengConfig } from './context.js'
import { gongfengDate, gongfengDateOrNull } from './dates.js'
import type { Attachment, Commit, GongfengState, Project, Release, Tag } from './state.js'

export const commitEntity = (commit: Commit): object => ({
  id: commit.id,
  message: commit.message,
  parent_ids: commit.parentIds,
  authored_date: gongfengDate(commit.createdAt),
  author_name: commit.authorName,
  author_email: commit.authorEmail,
  committed_date: gongfengDate(commit.createdAt),
  committer_name: commit.authorName,
  committer_email: commit.authorEmail,
  title: commit.title,
  created_at: gongfengDate(commit.createdAt),
  short_id: commit.id.slice(0, 8),
})

const refEntity = (project: Project, tag: Tag): object => {
  const commit = project.commits.get(tag.commitSha)
  return {
    name: tag.name,
    message: tag.message ?? '',
    commit: commit === undefined ? null : commitEntity(commit),
  }
}

export const tagEntity = (project: Project, tag: Tag, release: Release | undefined): object => ({
  ...refEntity(project, tag),
  created_at: gongfengDate(tag.createdAt),
  description: release?.description ?? null,
})

export const attachmentEntity = (attachment: Attachment): object => ({
  name: attachment.name,
  type: attachment.type,
  size: attachment.size,
  created_at: gongfengDate(attachment.createdAt),
})

const userEntity = (state: GongfengState, id: number | null): object | null => {
  const user = state.userById(id)
  if (user === undefined) return null
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: 'active',
    web_url: `${state.origin()}/u/${user.username}`,
  }
}

export const releaseEntity = (
  state: GongfengState,
  config: GongfengConfig,
  project: Project,
  release: Release,
): object => {
  const tag = project.tags.get(release.tag)
  const empty = config.emptyAttachments === 'null' ? null : []
  return {
    ref: tag === undefined ? null : refEntity(project, tag),
    id: release.id,
    project_id: project.id,
    tag: release.tag,
    title: release.title,
    type: release.type,
    attachments:
      release.attachments.length === 0 ? empty : release.attachments.map(attachmentEntity),
    description: release.description,
    created_at: gongfengDate(release.createdAt),
    updated_at: gongfengDateOrNull(release.updatedAt),
    author: userEntity(state, release.authorId),
    labels: release.labels,
  }
}

export const projectEntity = (state: GongfengState, project: Project): object => {
  const web = state.webUrl(project)
  return {
    id: project.id,
    name: project.path,
    path: project.path,
    path_with_namespace: project.pathWithNamespace,
    name_with_namespace: project.pathWithNamespace.split('/').join(' / '),
    default_branch: project.defaultBranch,
    public: project.public,
    visibility_level: project.public ? 20 : 0,
    web_url: web,
    http_url_to_repo: `${web}.git`,
    created_at: gongfengDate(project.createdAt),
  }
}
