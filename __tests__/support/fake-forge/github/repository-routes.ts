/**
 * The repository and its git references, as far as releasing needs them:
 * `GET /repos/{owner}/{repo}` (with the caller's `permissions`), `GET …/git/ref/{ref}` (an exact
 * ref such as `tags/v1.0.0`; 404 when missing) and `GET …/git/tags/{tag_sha}` (an annotated
 * tag object, which points at the commit).
 */
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { canPush } from './access.js'
import type { GitHubContext } from './context.js'
import { simpleUser } from './entities.js'
import { repoRoute } from './repo-route.js'
import { notFound } from './respond.js'

const getRepo = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    const api = `${ctx.origins.api()}/repos/${repo.fullName}`
    const push = canPush(caller)
    await ex.json(200, {
      id: repo.id,
      node_id: repo.nodeId,
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      owner: simpleUser(ctx, repo.owner),
      html_url: `${ctx.origins.web()}/${repo.fullName}`,
      url: api,
      releases_url: `${api}/releases{/id}`,
      default_branch: repo.defaultBranch,
      visibility: repo.private ? 'private' : 'public',
      ...(caller.token === undefined
        ? {}
        : {
            permissions: { admin: false, maintain: false, push, triage: push, pull: true },
          }),
    })
  })

const getRef = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, _caller, repo) => {
    const ref = ex.params.ref ?? ''
    if (ctx.config.encodedRefSlash === 'not-found' && /%2f/i.test(ex.pathname)) return notFound(ex)
    const api = `${ctx.origins.api()}/repos/${repo.fullName}/git`
    if (ref.startsWith('tags/')) {
      const tag = repo.tags.get(ref.slice('tags/'.length))
      if (tag === undefined) return notFound(ex)
      const sha = tag.objectSha ?? tag.commitSha
      const type = tag.objectSha === undefined ? 'commit' : 'tag'
      return ex.json(200, {
        ref: `refs/${ref}`,
        node_id: `REF_${Buffer.from(ref).toString('base64url')}`,
        url: `${api}/refs/${ref}`,
        object: { sha, type, url: `${api}/${type === 'tag' ? 'tags' : 'commits'}/${sha}` },
      })
    }
    if (ref.startsWith('heads/')) {
      const sha = repo.branches.get(ref.slice('heads/'.length))
      if (sha === undefined) return notFound(ex)
      return ex.json(200, {
        ref: `refs/${ref}`,
        node_id: `REF_${Buffer.from(ref).toString('base64url')}`,
        url: `${api}/refs/${ref}`,
        object: { sha, type: 'commit', url: `${api}/commits/${sha}` },
      })
    }
    return notFound(ex)
  })

const getTagObject = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, _caller, repo) => {
    const tag = [...repo.tags.values()].find((t) => t.objectSha === ex.params.sha)
    if (tag?.objectSha === undefined) return notFound(ex)
    const api = `${ctx.origins.api()}/repos/${repo.fullName}/git`
    await ex.json(200, {
      sha: tag.objectSha,
      node_id: `TAG_${tag.objectSha.slice(0, 12)}`,
      url: `${api}/tags/${tag.objectSha}`,
      tag: tag.name,
      message: tag.message ?? '',
      object: { sha: tag.commitSha, type: 'commit', url: `${api}/commits/${tag.commitSha}` },
    })
  })

export const registerRepositoryRoutes = (
  router: Router<Handler>,
  ctx: GitHubContext,
  prefix = '',
): void => {
  const base = `${prefix}/repos/:owner/:repo`
  router
    .get(base, getRepo(ctx))
    .get(`${base}/git/ref/*ref`, getRef(ctx))
    .get(`${base}/git/tags/:sha`, getTagObject(ctx))
}
