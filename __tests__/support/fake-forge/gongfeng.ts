/**
 * The Tencent Gongfeng (工蜂) REST v3 personality of the fake forge: a stateful model of the
 * releases and attachments endpoints of seeds/gongfeng-releases-api.zh.txt, plus the project and
 * its tags (API-NOTES §2), with Gongfeng's auth (PRIVATE-TOKEN header or private_token query),
 * `{"message": …}` errors, X-* pagination headers (no Link) and `+0000` dates. API under
 * `/api/v3`.
 *
 * @example
 *   const gongfeng = await startFakeGongfeng({
 *     projects: [{ id: 85436, path_with_namespace: 'tencent/code' }],
 *     tokens: { 'gf-dev': { access: 'developer' } },
 *   })
 *   await fetch(`${gongfeng.apiUrl}/projects/tencent%2Fcode/releases`, {
 *     method: 'POST',
 *     headers: { 'PRIVATE-TOKEN': 'gf-dev', 'content-type': 'application/json' },
 *     body: JSON.stringify({ tag: 'v1.0.0', start_point: 'master' }),
 *   })
 *   gongfeng.state.release('tencent/code', 'v1.0.0') // the stored release
 *   await gongfeng.close()
 */
import { randomBytes } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import { registerAttachmentRoutes } from './gongfeng/attachments-routes.js'
import { checkDocumentedParams } from './gongfeng/documented-params.js'
import type { AuthUsage, GongfengConfig, GongfengContext } from './gongfeng/context.js'
import { registerReleaseRoutes } from './gongfeng/releases-routes.js'
import { registerRepositoryRoutes } from './gongfeng/repository-routes.js'
import { apiError, notFound } from './gongfeng/respond.js'
import { GongfengState, type Project, type ProjectSeed, type TokenSeed } from './gongfeng/state.js'
import { Router } from './router.js'
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
  type Handler,
  type Personality,
} from './server.js'

/** 200 MiB: the seed's "200M", read generously (see GongfengConfig.maxAttachmentBytes). */
export const GONGFENG_MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024

export interface FakeGongfengOptions extends FakeServerOptions, Partial<GongfengConfig> {
  /** Clock for created_at / updated_at; default `Date.now`. */
  readonly now?: () => number
  readonly projects?: readonly ProjectSeed[]
  /** Token → who it is; see `GongfengState.addToken`. */
  readonly tokens?: Readonly<Record<string, TokenSeed>>
}

export interface FakeGongfeng extends FakeServer {
  /** `url + '/api/v3'`. */
  readonly apiUrl: string
  readonly state: GongfengState
  /** Instance behaviour; mutate to change it between requests. */
  readonly config: GongfengConfig
  /** Requests that carried the token in the header, and in the `private_token` query. */
  readonly auth: Readonly<AuthUsage>
  /** Shorthand for `state.project(ref)`. */
  project(ref: number | string): Project
}

const NGINX_ERROR: Readonly<Record<number, string>> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
}

export const startFakeGongfeng = async (
  options: FakeGongfengOptions = {},
): Promise<FakeGongfeng> => {
  const now = options.now ?? Date.now
  const config: GongfengConfig = {
    checkRequests: true,
    maxAttachmentBytes: options.maxAttachmentBytes ?? GONGFENG_MAX_ATTACHMENT_BYTES,
    createOnBaseline: options.createOnBaseline ?? 'upgrade',
    duplicateAttachment: options.duplicateAttachment ?? 'reject',
    head: options.head ?? 'serve',
    emptyAttachments: options.emptyAttachments ?? 'array',
  }
  const auth: AuthUsage = { header: 0, query: 0 }
  let state: GongfengState | undefined

  const server = await startFakeServer((ctx): Personality => {
    state = new GongfengState(now, ctx.origin)
    const context: GongfengContext = { state, blobs: ctx.blobs, config, auth }
    const router = new Router<Handler>()
    registerRepositoryRoutes(router, context)
    registerReleaseRoutes(router, context)
    registerAttachmentRoutes(router, context)
    return {
      router,
      notFound: (ex) => notFound(ex),
      internalError: (ex) => apiError(ex, 500, '500 Internal Server Error'),
      faultResponse: (kind) => {
        // Gongfeng sits behind nginx: gateway errors come as its HTML pages, the rest as JSON.
        const html = NGINX_ERROR[kind.status]
        if (html !== undefined) {
          return {
            status: kind.status,
            headers: { 'content-type': 'text/html' },
            body: `<html>\r\n<head><title>${html}</title></head>\r\n<body>\r\n<center><h1>${html}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
          }
        }
        return {
          status: kind.status,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            message: `${kind.status} ${STATUS_CODES[kind.status] ?? 'Error'}`,
          }),
        }
      },
      // Every request to a documented endpoint is held to the seed page's parameter list.
      intercept: (ex) =>
        config.checkRequests ? checkDocumentedParams(ex) : Promise.resolve(false),
      defaultHeaders: () => ({ 'x-request-id': randomBytes(16).toString('hex') }),
    }
  }, options)

  if (state === undefined) throw new Error('Gongfeng personality was not created')
  const seeded: GongfengState = state
  for (const seed of options.projects ?? []) seeded.addProject(seed)
  for (const [token, seed] of Object.entries(options.tokens ?? {})) seeded.addToken(token, seed)

  return {
    ...server,
    apiUrl: `${server.url}/api/v3`,
    state: seeded,
    config,
    auth,
    project: (ref) => seeded.project(ref),
  }
}
