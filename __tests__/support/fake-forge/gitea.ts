/**
 * The Forgejo/Gitea REST v1 personality of the fake forge: a stateful model of releases,
 * release attachments and tags (routers/api/v1/repo/release*.go, tag.go of go-gitea/gitea and
 * forgejo/forgejo), the attachment settings, and the web paths files are downloaded from. API
 * under `/api/v1`, web pages at the root (ROOT_URL = the server's origin).
 *
 * `config.flavour: 'forgejo'` switches to Forgejo's differences (a release needs a name; no
 * `tag_message` on release create; its own error texts). Errors are Gitea's JSON
 * `{"message", "url"}` (404: plus `errors`); lists answer `X-Total-Count` and `Link`.
 *
 * @example
 *   const gitea = await startFakeGitea({
 *     repos: [{ fullName: 'octo/app' }],
 *     tokens: { 'gta_dev': { permission: 'write' } },
 *   })
 *   await fetch(`${gitea.apiUrl}/repos/octo/app/releases`, {
 *     method: 'POST',
 *     headers: { authorization: 'token gta_dev', 'content-type': 'application/json' },
 *     body: JSON.stringify({ tag_name: 'v1.0.0', draft: true }),
 *   })
 *   gitea.state.releasesOf('octo/app') // the stored releases
 *   await gitea.close()
 */
import { STATUS_CODES } from 'node:http'

import type { GiteaConfig, GiteaContext } from './gitea/context.js'
import { registerAttachmentRoutes } from './gitea/attachments-routes.js'
import { registerReleaseRoutes } from './gitea/releases-routes.js'
import { registerRepositoryRoutes } from './gitea/repository-routes.js'
import { apiError, notFound } from './gitea/respond.js'
import { GiteaState, type Repo, type RepoSeed, type TokenSeed } from './gitea/state.js'
import { registerWebRoutes } from './gitea/web-routes.js'
import { Router } from './router.js'
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
  type Handler,
  type Personality,
} from './server.js'

export interface FakeGiteaOptions extends FakeServerOptions, Partial<GiteaConfig> {
  /** Clock for created_at; default `Date.now`. */
  readonly now?: () => number
  readonly repos?: readonly RepoSeed[]
  /** Token → who it is; see `GiteaState.addToken`. */
  readonly tokens?: Readonly<Record<string, TokenSeed>>
}

export interface FakeGitea extends FakeServer {
  /** `url + '/api/v1'`. */
  readonly apiUrl: string
  /** ROOT_URL without its trailing slash: web pages and attachment downloads. */
  readonly webUrl: string
  readonly state: GiteaState
  /** Instance settings; mutate to change them between requests. */
  readonly config: GiteaConfig
  repo(fullName: string): Repo
}

/** The front proxy's pages for gateway errors (Codeberg and most installs sit behind one). */
const PROXY_PAGES: Readonly<Record<number, string>> = {
  429: '429 Too Many Requests',
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
}

export const startFakeGitea = async (options: FakeGiteaOptions = {}): Promise<FakeGitea> => {
  const flavour = options.flavour ?? 'gitea'
  const config: GiteaConfig = {
    flavour,
    version: options.version ?? (flavour === 'forgejo' ? '11.0.1+gitea-1.22.0' : '1.24.2'),
    attachmentsEnabled: options.attachmentsEnabled ?? true,
    generalAttachments: options.generalAttachments ?? {
      allowedTypes:
        '.avif,.cpuprofile,.csv,.dmp,.docx,.fodg,.fodp,.fods,.fodt,.gif,.gz,.jpeg,.jpg,.json,.jsonc,.log,.md,.mov,.mp4,.odf,.odg,.odp,.ods,.odt,.patch,.pdf,.png,.pptx,.svg,.tgz,.txt,.webm,.webp,.xls,.xlsx,.zip',
      maxSizeMb: 2048,
      maxFiles: 5,
    },
    releaseAllowedTypes: options.releaseAllowedTypes ?? '',
    maxReleaseAttachmentBytes: options.maxReleaseAttachmentBytes,
    defaultPagingNum: options.defaultPagingNum ?? 30,
    maxResponseItems: options.maxResponseItems ?? 50,
  }
  let state: GiteaState | undefined

  const server = await startFakeServer((ctx): Personality => {
    state = new GiteaState(options.now ?? Date.now)
    const context: GiteaContext = { state, blobs: ctx.blobs, config, origin: ctx.origin }
    const router = new Router<Handler>()
    registerRepositoryRoutes(router, context)
    registerReleaseRoutes(router, context)
    registerAttachmentRoutes(router, context)
    registerWebRoutes(router, context)
    return {
      router,
      notFound: (ex) =>
        ex.pathname.startsWith('/api/')
          ? notFound(ex)
          : ex.send(404, { 'content-type': 'text/html; charset=utf-8' }, 'Not Found'),
      internalError: (ex) => apiError(ex, 500, ''),
      faultResponse: (kind) => {
        const page = PROXY_PAGES[kind.status]
        if (page !== undefined) {
          return {
            status: kind.status,
            headers: { 'content-type': 'text/html' },
            body: `<html>\r\n<head><title>${page}</title></head>\r\n<body>\r\n<center><h1>${page}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
          }
        }
        return {
          status: kind.status,
          headers: { 'content-type': 'application/json;charset=utf-8' },
          body: JSON.stringify({
            message: kind.status >= 500 ? '' : (STATUS_CODES[kind.status] ?? 'Error'),
            url: '/api/swagger',
          }),
        }
      },
    }
  }, options)

  if (state === undefined) throw new Error('Gitea personality was not created')
  const seeded: GiteaState = state
  for (const seed of options.repos ?? []) seeded.addRepo(seed)
  for (const [token, seed] of Object.entries(options.tokens ?? {})) seeded.addToken(token, seed)

  return {
    ...server,
    apiUrl: `${server.url}/api/v1`,
    webUrl: server.url,
    state: seeded,
    config,
    repo: (fullName) => {
      const repo = seeded.repo(fullName)
      if (repo === undefined) throw new Error(`no repository ${fullName}`)
      return repo
    },
  }
}
