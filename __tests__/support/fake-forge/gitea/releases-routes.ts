/**
 * Releases (routers/api/v1/repo/release.go, release_tags.go; services/release/release.go):
 * list, get by id or tag, latest, create, edit, delete.
 *
 * Behaviour worth knowing, modelled here:
 * - one release per tag (`UNIQUE(repo_id, tag_name)`), drafts included: a second create for a
 *   tag that has a release answers 409 (Gitea's text: "Release is has no Tag"); a tag that has
 *   only its plain-tag row is turned into the release (201);
 * - a draft creates no git tag ("Only actual create when publish"); publishing (PATCH
 *   `draft: false`) creates it from `target_commitish`, which create defaults to the default
 *   branch; a target that does not resolve is 404 `target "<t>" not found` on create, and a 500
 *   from the edit that publishes;
 * - get-by-tag answers drafts too (repo_model.GetRelease has no draft filter) — to writers; the
 *   list shows drafts only to writers and never plain tags; tags match case-insensitively;
 * - edit ignores empty strings (`len(form.Note) > 0`), so a body cannot be cleared;
 * - delete keeps the tag: the row becomes a plain tag again and the attachments go.
 */
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { canWrite, idParam, repoRoute, type Caller } from './access.js'
import { booleanField, readJsonObject, stringField } from './body.js'
import type { GiteaContext } from './context.js'
import { releaseEntity } from './entities.js'
import { paginate } from './pagination.js'
import { apiError, notFound, validationError } from './respond.js'
import type { Release, Repo } from './state.js'

const RELEASES = '/api/v1/repos/:owner/:repo/releases'

/** Whether the caller may see this row as a release. */
const visible = (caller: Caller, release: Release): boolean =>
  !release.isTag && (!release.isDraft || canWrite(caller))

/**
 * createTag of services/release: for a release that is not a draft, creates the missing git tag
 * from the target; resolves false after answering when the target does not resolve.
 */
const ensureGitTag = (
  ctx: GiteaContext,
  repo: Repo,
  release: Release,
  message: string,
): string | undefined => {
  if (release.isDraft) return ''
  const existing = repo.tags.get(release.tagName)
  if (existing !== undefined) return existing.commitSha
  const target = release.target === '' ? repo.defaultBranch : release.target
  const sha = ctx.state.resolveCommit(repo, target)
  if (sha === undefined) return undefined
  ctx.state.pushTag(repo, release.tagName, sha, message)
  return sha
}

const list = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, {}, async (ex, caller, repo) => {
    const draft = ex.query.get('draft')
    const pre = ex.query.get('pre-release')
    const releases = repo.releases
      .filter((r) => visible(caller, r))
      .filter((r) => draft === null || String(r.isDraft) === draft)
      .filter((r) => pre === null || String(r.isPrerelease) === pre)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
    const page = paginate(ex, ctx.config, releases)
    await ex.json(
      200,
      page.items.map((r) => releaseEntity(ctx, repo, r)),
      page.headers,
    )
  })

const byTag = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, {}, async (ex, caller, repo) => {
    const release = ctx.state.releaseByTag(repo, ex.params.tag ?? '')
    if (release === undefined || !visible(caller, release)) return notFound(ex)
    await ex.json(200, releaseEntity(ctx, repo, release))
  })

const latest = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, {}, async (ex, _caller, repo) => {
    const release = repo.releases
      .filter((r) => !r.isTag && !r.isDraft && !r.isPrerelease)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)[0]
    if (release === undefined) return notFound(ex)
    await ex.json(200, releaseEntity(ctx, repo, release))
  })

const byId = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, {}, async (ex, caller, repo) => {
    const id = idParam(ex, 'id')
    const release = id === undefined ? undefined : ctx.state.releaseById(repo, id)
    if (release === undefined || !visible(caller, release)) return notFound(ex)
    await ex.json(200, releaseEntity(ctx, repo, release))
  })

const create = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, { write: true }, async (ex, caller, repo) => {
    const body = await readJsonObject(ex)
    if (body === undefined) return
    const tagName = await stringField(ex, body, 'tag_name')
    const target = await stringField(ex, body, 'target_commitish')
    const title = await stringField(ex, body, 'name')
    const note = await stringField(ex, body, 'body')
    const tagMessage = await stringField(ex, body, 'tag_message')
    const draft = await booleanField(ex, body, 'draft')
    const prerelease = await booleanField(ex, body, 'prerelease')
    if (
      tagName === undefined ||
      target === undefined ||
      title === undefined ||
      note === undefined ||
      tagMessage === undefined ||
      draft === 'bad' ||
      prerelease === 'bad'
    ) {
      return
    }
    if (tagName === '') return validationError(ex, 'TagName', 'Required')
    if (ctx.config.flavour === 'forgejo' && title === '') {
      return apiError(ex, 422, 'title is empty')
    }
    const publisher = caller.token?.login ?? ''
    const existing = ctx.state.releaseByTag(repo, tagName)
    if (existing !== undefined && !existing.isTag) {
      return apiError(
        ex,
        409,
        ctx.config.flavour === 'forgejo' ? 'Release has no Tag' : 'Release is has no Tag',
      )
    }
    if (existing !== undefined) {
      // The tag's own row becomes the release (UpdateRelease).
      existing.title = title
      existing.note = note
      existing.isDraft = draft ?? false
      existing.isPrerelease = prerelease ?? false
      existing.isTag = false
      existing.publisher = publisher
      existing.target = target
      existing.createdAt = ctx.state.now()
      const sha = ensureGitTag(ctx, repo, existing, '')
      if (sha === undefined) return apiError(ex, 500, '')
      if (sha !== '') existing.sha1 = sha
      ctx.state.journal.push({
        kind: 'create-release',
        releaseId: existing.id,
        draft: existing.isDraft,
      })
      return ex.json(201, releaseEntity(ctx, repo, existing))
    }
    const release: Release = ctx.state.insertRelease(repo, {
      tagName,
      target: target === '' ? repo.defaultBranch : target,
      title,
      note,
      isDraft: draft ?? false,
      isPrerelease: prerelease ?? false,
      isTag: false,
      sha1: '',
      publisher,
    })
    // Gitea 1.24+ reads tag_message for the tag it creates; Forgejo passes "".
    const sha = ensureGitTag(ctx, repo, release, ctx.config.flavour === 'gitea' ? tagMessage : '')
    if (sha === undefined) {
      repo.releases.splice(repo.releases.indexOf(release), 1)
      return notFoundTarget(ex, release.target)
    }
    release.sha1 = sha
    ctx.state.journal.push({
      kind: 'create-release',
      releaseId: release.id,
      draft: release.isDraft,
    })
    await ex.json(201, releaseEntity(ctx, repo, release))
  })

const notFoundTarget = (ex: Exchange, target: string): Promise<void> =>
  apiError(
    ex,
    404,
    `target "${target}" not found: object does not exist [id: ${target}, rel_path: ]`,
  )

const edit = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, { write: true }, async (ex, _caller, repo) => {
    const id = idParam(ex, 'id')
    const release = id === undefined ? undefined : ctx.state.releaseById(repo, id)
    if (release === undefined || release.isTag) return notFound(ex)
    const body = await readJsonObject(ex)
    if (body === undefined) return
    const tagName = await stringField(ex, body, 'tag_name')
    const target = await stringField(ex, body, 'target_commitish')
    const title = await stringField(ex, body, 'name')
    const note = await stringField(ex, body, 'body')
    const draft = await booleanField(ex, body, 'draft')
    const prerelease = await booleanField(ex, body, 'prerelease')
    if (
      tagName === undefined ||
      target === undefined ||
      title === undefined ||
      note === undefined ||
      draft === 'bad' ||
      prerelease === 'bad'
    ) {
      return
    }
    const wasDraft = release.isDraft
    const next = {
      tagName: tagName === '' ? release.tagName : tagName,
      target: target === '' ? release.target : target,
      isDraft: draft ?? release.isDraft,
    }
    if (!next.isDraft && !repo.tags.has(next.tagName)) {
      const sha = ctx.state.resolveCommit(
        repo,
        next.target === '' ? repo.defaultBranch : next.target,
      )
      // createTag::GetCommit fails inside UpdateRelease, which the handler answers as a 500.
      if (sha === undefined) return apiError(ex, 500, '')
    }
    release.tagName = next.tagName
    release.target = next.target
    if (title !== '') release.title = title
    if (note !== '') release.note = note
    release.isDraft = next.isDraft
    if (prerelease !== undefined) release.isPrerelease = prerelease
    const sha = ensureGitTag(ctx, repo, release, '')
    if (sha !== undefined && sha !== '') release.sha1 = sha
    if (wasDraft && !release.isDraft) {
      ctx.state.journal.push({ kind: 'publish', releaseId: release.id })
    }
    await ex.json(200, releaseEntity(ctx, repo, release))
  })

const removeRelease = async (
  ctx: GiteaContext,
  ex: Exchange,
  release: Release | undefined,
): Promise<void> => {
  if (release === undefined || release.isTag) return notFound(ex)
  release.isTag = true
  for (const attachment of [...release.attachments]) {
    ctx.state.removeAttachment(release, attachment)
    await ctx.blobs.remove(attachment.blob)
  }
  await ex.empty(204)
}

const deleteById = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, { write: true }, async (ex, _caller, repo) => {
    const id = idParam(ex, 'id')
    await removeRelease(ctx, ex, id === undefined ? undefined : ctx.state.releaseById(repo, id))
  })

const deleteByTag = (ctx: GiteaContext): Handler =>
  repoRoute(ctx, { write: true }, async (ex, _caller, repo) => {
    await removeRelease(ctx, ex, ctx.state.releaseByTag(repo, ex.params.tag ?? ''))
  })

export const registerReleaseRoutes = (router: Router<Handler>, ctx: GiteaContext): void => {
  router
    .get(RELEASES, list(ctx))
    .post(RELEASES, create(ctx))
    .get(`${RELEASES}/latest`, latest(ctx))
    .get(`${RELEASES}/tags/:tag`, byTag(ctx))
    .delete(`${RELEASES}/tags/:tag`, deleteByTag(ctx))
    .get(`${RELEASES}/:id`, byId(ctx))
    .add('PATCH', `${RELEASES}/:id`, edit(ctx))
    .delete(`${RELEASES}/:id`, deleteById(ctx))
}
