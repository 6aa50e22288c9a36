/**
 * The GitLab REST v4 personality of the fake forge: a stateful model of the endpoints
 * forge-release uses (releases, release links, evidence, generic packages, packages API,
 * markdown uploads, tags, milestones, version) with GitLab's status codes, error bodies,
 * pagination headers, auth rules and limits. API under `/api/v4`, web pages on the same origin.
 *
 * @example
 *   const gitlab = await startFakeGitLab({
 *     projects: [{ id: 7, path_with_namespace: 'group/app', visibility: 'private' }],
 *     tokens: { 'glpat-dev': { type: 'private', access: 'developer' } },
 *   })
 *   await fetch(`${gitlab.apiUrl}/projects/group%2Fapp/releases`, {
 *     method: 'POST',
 *     headers: { 'PRIVATE-TOKEN': 'glpat-dev', 'content-type': 'application/json' },
 *     body: JSON.stringify({ tag_name: 'v1.0.0', ref: 'main' }),
 *   })
 *   gitlab.state.release('group/app', 'v1.0.0') // the stored release
 *   await gitlab.close()
 */
import { randomBytes } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { HeaderMap } from './exchange.js'
import { Router } from './router.js'
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
  type Handler,
  type Personality,
} from './server.js'
import type {
  GitLabConfig,
  GitLabContext,
  GitLabFeatures,
  GitLabThrottle,
} from './gitlab/context.js'
import { checkGrapeParams } from './gitlab/grape-params.js'
import { registerLinkRoutes } from './gitlab/links-routes.js'
import { registerObjectStorageRoutes } from './gitlab/object-storage.js'
import { registerPackageRoutes } from './gitlab/packages-routes.js'
import { registerReleaseRoutes } from './gitlab/releases-routes.js'
import { registerRepositoryRoutes } from './gitlab/repository-routes.js'
import { apiError, routeNotFound } from './gitlab/respond.js'
import { GitLabState, type Project, type ProjectSeed, type TokenSeed } from './gitlab/state.js'
import { rateLimitHeaders, RETRY_LATER, Throttle } from './gitlab/throttle.js'
import { registerUploadRoutes } from './gitlab/uploads-routes.js'
import { GENERIC_PACKAGE_MAX_BYTES, MAX_ATTACHMENT_BYTES } from './gitlab/validation.js'
import { registerWebRoutes, webNotFound } from './gitlab/web-routes.js'

export interface FakeGitLabOptions extends FakeServerOptions {
  /** `GET /version`; default `17.5.0`. Below 17.1 uploads use the old URL form. */
  readonly version?: string
  readonly revision?: string
  readonly features?: Partial<GitLabFeatures>
  /** Default 5 GiB. */
  readonly genericPackageMaxBytes?: number
  /** Default 100 MB. */
  readonly maxAttachmentBytes?: number
  /** Default true. */
  readonly allowDuplicates?: boolean
  /** Default true: a created release gets an evidence right after the create response. */
  readonly autoEvidence?: boolean
  readonly throttle?: GitLabThrottle
  /** Default true; false models servers whose package files have no `file_sha256`. */
  readonly packageFileSha256?: boolean
  /** Default `local`; see GitLabConfig.objectStorage. */
  readonly objectStorage?: GitLabConfig['objectStorage']
  /** Clock for created_at / released_at / upcoming_release; default `Date.now`. */
  readonly now?: () => Date | number
  readonly projects?: readonly ProjectSeed[]
  /** Token → who it is; see `GitLabState.addToken`. */
  readonly tokens?: Readonly<Record<string, TokenSeed>>
}

export interface FakeGitLab extends FakeServer {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  /** `url + '/api/v4'`. */
  readonly apiUrl: string
  /** Where project web pages live (same origin as the API). */
  readonly webUrl: string
  readonly state: GitLabState
  /** Instance settings; mutate to change behaviour between requests. */
  readonly config: GitLabConfig
  /** Shorthand for `state.project(ref)`. */
  project(ref: number | string): Project
  /** Forgets the throttle's request count. */
  resetThrottle(): void
}

const HTML_ERROR: Readonly<Record<number, string>> = {
  502: '502 Bad Gateway',
  503: '503 Service Unavailable',
  504: '504 Gateway Time-out',
}

export const startFakeGitLab = async (options: FakeGitLabOptions = {}): Promise<FakeGitLab> => {
  const clock = options.now
  const now = (): number => {
    if (clock === undefined) return Date.now()
    const value = clock()
    return typeof value === 'number' ? value : value.getTime()
  }
  const config: GitLabConfig = {
    version: options.version ?? '17.5.0',
    revision: options.revision ?? '9a3c6ff8c7e',
    features: { evidence: true, genericPackages: true, ...options.features },
    genericPackageMaxBytes: options.genericPackageMaxBytes ?? GENERIC_PACKAGE_MAX_BYTES,
    maxAttachmentBytes: options.maxAttachmentBytes ?? MAX_ATTACHMENT_BYTES,
    allowDuplicates: options.allowDuplicates ?? true,
    autoEvidence: options.autoEvidence ?? true,
    throttle: options.throttle,
    checkRequests: true,
    packageFileSha256: options.packageFileSha256 ?? true,
    objectStorage: options.objectStorage ?? 'local',
  }
  const throttle = new Throttle()
  let state: GitLabState | undefined

  const server = await startFakeServer((ctx): Personality => {
    state = new GitLabState(now, ctx.origin)
    const context: GitLabContext = { state, blobs: ctx.blobs, config }
    const router = new Router<Handler>()
    registerRepositoryRoutes(router, context)
    registerReleaseRoutes(router, context)
    registerLinkRoutes(router, context)
    registerPackageRoutes(router, context)
    registerUploadRoutes(router, context)
    registerWebRoutes(router, context)
    registerObjectStorageRoutes(router, context)
    return {
      router,
      notFound: (ex) => (ex.pathname.startsWith('/api/') ? routeNotFound(ex) : webNotFound(ex)),
      internalError: (ex) => apiError(ex, 500, '500 Internal Server Error'),
      faultResponse: (kind) => {
        if (kind.status === 429) {
          // gitlab.com does not always send the RateLimit-* headers: only with an explicit retryAfter.
          const headers: HeaderMap =
            kind.retryAfter === undefined
              ? { 'content-type': 'text/plain' }
              : rateLimitHeaders('throttle_authenticated_api', 600, 60, 601, now(), kind.retryAfter)
          return { status: 429, headers, body: RETRY_LATER }
        }
        const html = HTML_ERROR[kind.status]
        if (html !== undefined) {
          return {
            status: kind.status,
            headers: { 'content-type': 'text/html' },
            body: `<html><head><title>${html}</title></head><body><h1>${html}</h1></body></html>`,
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
      intercept: async (ex) => {
        // Every request to a route of grape-params.ts is held to GitLab's own declarations.
        if (config.checkRequests) await checkGrapeParams(ex)
        if (config.throttle === undefined || !ex.pathname.startsWith('/api/')) return false
        const headers = throttle.hit(config.throttle, now())
        if (headers === undefined) return false
        await ex.send(429, headers, RETRY_LATER)
        return true
      },
      defaultHeaders: () => ({
        'x-request-id': randomBytes(13).toString('hex').toUpperCase(),
        'x-content-type-options': 'nosniff',
      }),
    }
  }, options)

  if (state === undefined) throw new Error('GitLab personality was not created')
  const seeded: GitLabState = state
  for (const seed of options.projects ?? []) seeded.addProject(seed)
  for (const [token, seed] of Object.entries(options.tokens ?? {})) seeded.addToken(token, seed)

  return {
    ...server,
    apiUrl: `${server.url}/api/v4`,
    webUrl: server.url,
    state: seeded,
    config,
    project: (ref) => seeded.project(ref),
    resetThrottle: () => throttle.reset(),
  }
}
