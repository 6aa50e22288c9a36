/**
 * The instance and repository endpoints a release needs: `GET /version`,
 * `GET /settings/attachment` (routers/api/v1/settings/settings.go), the repository, its tags
 * (routers/api/v1/repo/tag.go) and branches.
 *
 * - `GET /repos/{o}/{r}/tags/{tag}` takes the rest of the path as the tag (`/tags/*`), so tags
 *   with slashes need no escaping there; a missing tag is 404.
 * - `POST /repos/{o}/{r}/tags` `{tag_name, target, message}` (modules/structs/repo_tag.go
 *   CreateTagOption: `tag_name` `binding:"Required"`, 422 without it): `target` defaults to the
 *   default branch and must resolve (404 "target not found"), a tag (or release) of that name
 *   already there is 409 ("tag already exists"); a message makes an annotated tag. The tag gets
 *   its plain-tag row in the release table.
 */
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { authenticate, canWrite, repoRoute } from './access.js'
import { readJsonObject, stringField } from './body.js'
import type { GiteaContext } from './context.js'
import { branchEntity, repoEntity, tagEntity } from './entities.js'
import { paginate } from './pagination.js'
import { apiError, notFound, validationError } from './respond.js'

const REPO = '/api/v1/repos/:owner/:repo'

export const registerRepositoryRoutes = (router: Router<Handler>, ctx: GiteaContext): void => {
  router
    .get('/api/v1/version', async (ex) => {
      if ((await authenticate(ex, ctx)) === undefined) return
      await ex.json(200, { version: ctx.config.version })
    })
    .get('/api/v1/settings/attachment', async (ex) => {
      if ((await authenticate(ex, ctx)) === undefined) return
      const general = ctx.config.generalAttachments
      await ex.json(200, {
        enabled: ctx.config.attachmentsEnabled,
        allowed_types: general.allowedTypes,
        max_size: general.maxSizeMb,
        max_files: general.maxFiles,
      })
    })
    .get(
      REPO,
      repoRoute(ctx, {}, async (ex, caller, repo) => {
        const permission = canWrite(caller) ? 'write' : caller.token === undefined ? 'none' : 'read'
        await ex.json(200, repoEntity(ctx, repo, permission))
      }),
    )
    .get(
      `${REPO}/tags`,
      repoRoute(ctx, {}, async (ex, _caller, repo) => {
        const page = paginate(ex, ctx.config, [...repo.tags.values()].reverse())
        await ex.json(
          200,
          page.items.map((t) => tagEntity(ctx, repo, t)),
          page.headers,
        )
      }),
    )
    .get(
      `${REPO}/tags/*tag`,
      repoRoute(ctx, {}, async (ex, _caller, repo) => {
        const name = ex.params.tag ?? ''
        const tag = repo.tags.get(name)
        if (tag === undefined) return notFound(ex, [name])
        await ex.json(200, tagEntity(ctx, repo, tag))
      }),
    )
    .post(
      `${REPO}/tags`,
      repoRoute(ctx, { write: true }, async (ex, caller, repo) => {
        const body = await readJsonObject(ex)
        if (body === undefined) return
        const tagName = await stringField(ex, body, 'tag_name')
        const target = await stringField(ex, body, 'target')
        const message = await stringField(ex, body, 'message')
        if (tagName === undefined || target === undefined || message === undefined) return
        if (tagName === '') return validationError(ex, 'TagName', 'Required')
        const from = target === '' ? repo.defaultBranch : target
        const sha = ctx.state.resolveCommit(repo, from)
        if (sha === undefined) {
          return apiError(
            ex,
            404,
            `target not found: object does not exist [id: ${from}, rel_path: ]`,
          )
        }
        if (ctx.state.releaseByTag(repo, tagName) !== undefined || repo.tags.has(tagName)) {
          return apiError(ex, 409, `tag already exists [name: ${tagName}]`)
        }
        const tag = ctx.state.createTag(repo, tagName, sha, message, caller.token?.login ?? '')
        await ex.json(201, tagEntity(ctx, repo, tag))
      }),
    )
    .get(
      `${REPO}/branches/*branch`,
      repoRoute(ctx, {}, async (ex, _caller, repo) => {
        const name = ex.params.branch ?? ''
        const sha = repo.branches.get(name)
        if (sha === undefined) return notFound(ex, [`branch does not exist [name: ${name}]`])
        await ex.json(200, branchEntity(ctx, repo, name, sha))
      }),
    )
}
