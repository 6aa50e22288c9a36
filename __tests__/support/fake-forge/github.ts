/**
 * The GitHub REST personality of the fake forge: a stateful model of releases and release assets
 * (docs "REST API endpoints for releases" / "… release assets", API version 2022-11-28) on
 * THREE loopback servers, as github.com spreads them:
 *
 * - `api`: api.github.com — repositories, git refs, releases, assets; also the web URLs
 *   (html_url, browser_download_url), which github.com serves;
 * - `uploads`: uploads.github.com — where a release's `upload_url` points;
 * - `downloads`: objects.githubusercontent.com — pre-signed storage URLs asset downloads
 *   redirect to; it refuses requests that carry an Authorization header.
 *
 * With `layout: 'enterprise'` the API lives under `/api/v3` and uploads under `/api/uploads` of
 * one origin, as on GitHub Enterprise Server.
 *
 * Every API and uploads response carries the `x-ratelimit-*` headers. Faults: the core's per
 * server (`api.faults`, `uploads.faults`), `rateLimit()` for GitHub's primary and secondary
 * limits, and `config.uploadFaults` for upload failures that leave a `starter` asset.
 *
 * @example
 *   const gh = await startFakeGitHub({
 *     repos: [{ fullName: 'octo/app' }],
 *     tokens: { 'ghp_dev': { permission: 'write' } },
 *   })
 *   await fetch(`${gh.apiUrl}/repos/octo/app/releases`, {
 *     method: 'POST',
 *     headers: { authorization: 'Bearer ghp_dev', 'user-agent': 'test' },
 *     body: JSON.stringify({ tag_name: 'v1.0.0', draft: true }),
 *   })
 *   gh.state.releasesOf('octo/app') // the stored releases
 *   await gh.close()
 */
import { randomBytes } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { HeaderMap } from './exchange.js'
import type { FaultHandle } from './faults.js'
import type { LoggedRequest } from './request-log.js'
import { Router } from './router.js'
import {
  startFakeServer,
  type FakeServer,
  type FakeServerOptions,
  type Handler,
  type Personality,
  type PersonalityContext,
} from './server.js'
import { checkRequest } from './github/access.js'
import { checkAgainstOpenApi } from './github/openapi.js'
import { registerAssetRoutes, registerWebRoutes } from './github/assets-routes.js'
import { registerAttestationRoutes } from './github/attestations-routes.js'
import type { GitHubConfig, GitHubContext, TagLookupLag } from './github/context.js'
import { registerDownloadRoutes } from './github/downloads-routes.js'
import { registerReleaseRoutes } from './github/releases-routes.js'
import { registerRepositoryRoutes } from './github/repository-routes.js'
import { DOCS, notFound, SECONDARY_RATE_LIMIT, secondaryRateLimitDocs } from './github/respond.js'
import { GitHubState, type Repo, type RepoSeed, type TokenSeed } from './github/state.js'
import { registerUploadRoutes } from './github/uploads-routes.js'

export interface FakeGitHubOptions extends Omit<FakeServerOptions, 'port'> {
  readonly repos?: readonly RepoSeed[]
  /** Token → who it is (`write` may push: create releases, see drafts, upload). */
  readonly tokens?: Readonly<Record<string, TokenSeed>>
  readonly layout?: 'dotcom' | 'enterprise'
  readonly immutableReleases?: boolean
  readonly tagLookupLag?: TagLookupLag
  /** Default 2 GiB: larger and equal sizes are refused. */
  readonly maxAssetBytes?: number
  /** Default 5000. */
  readonly rateLimit?: number
  /** GitHub's secondary limit on content-creating requests; off by default. */
  readonly secondaryLimit?: GitHubConfig['secondaryLimit']
  /** Clock for timestamps and the lag; default `Date.now`. */
  readonly now?: () => Date | number
  /** Fixed ports on 127.0.0.1 (`npm run fake-forge`); default any free port for each server. */
  readonly ports?: { readonly api?: number; readonly uploads?: number; readonly downloads?: number }
  /** Default true; false models servers from before assets carried `digest`. */
  readonly digests?: boolean
  /** Default true; false models storage that signs download URLs for GET only (HEAD → 403). */
  readonly storageAnswersHead?: boolean
}

export type ServerName = 'api' | 'uploads' | 'downloads'

export interface TimelineEntry {
  readonly server: ServerName
  readonly method: string
  /** Raw path with query. */
  readonly path: string
}

export interface RateLimitFault {
  readonly on?: 'api' | 'uploads'
  /** `primary`: `x-ratelimit-remaining: 0` + `x-ratelimit-reset`; `secondary`: the abuse message. */
  readonly kind: 'primary' | 'secondary'
  /** Default 403 (GitHub answers "403 or 429"). */
  readonly status?: 403 | 429
  readonly retryAfter?: number
  /** Primary: seconds until `x-ratelimit-reset`; default 1. */
  readonly resetInSeconds?: number
  readonly method?: string
  readonly path?: string | RegExp
  readonly times?: number
}

export interface FakeGitHub {
  /** API root: the origin (dotcom) or `<origin>/api/v3` (enterprise). */
  readonly apiUrl: string
  /** Where upload_url points: the uploads origin, or `<origin>/api/uploads`. */
  readonly uploadsUrl: string
  readonly downloadsUrl: string
  /** Where html_url and browser_download_url point (the API's origin). */
  readonly webUrl: string
  readonly api: FakeServer
  /** The same server as `api` in the enterprise layout. */
  readonly uploads: FakeServer
  readonly downloads: FakeServer
  readonly state: GitHubState
  /** Mutate to change behaviour between requests. */
  readonly config: GitHubConfig
  /** Requests that reached the API, uploads and download handlers, in arrival order. */
  readonly timeline: TimelineEntry[]
  /** Handler bugs on any of the servers. */
  readonly errors: Error[]
  repo(fullName: string): Repo
  /** Non-GET/HEAD requests over every server, in arrival order per server. */
  writeRequests(): (LoggedRequest & { readonly server: ServerName })[]
  /** Every request over every server whose headers include `name`. */
  withHeader(name: string): (LoggedRequest & { readonly server: ServerName })[]
  /** Content-creating requests refused for the secondary limit (`secondaryLimit`). */
  readonly secondaryRefusals: number
  /** Makes matching requests hit one of GitHub's rate limits (a core fault with its body and headers). */
  rateLimit(fault: RateLimitFault): FaultHandle
  close(): Promise<void>
}

const API_VERSIONS = ['2022-11-28']
const CONTENT_WRITES: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

const serverErrorBody = JSON.stringify({ message: 'Server Error' })

export const startFakeGitHub = async (options: FakeGitHubOptions = {}): Promise<FakeGitHub> => {
  const clock = options.now
  const now = (): number => {
    if (clock === undefined) return Date.now()
    const value = clock()
    return typeof value === 'number' ? value : value.getTime()
  }
  const enterprise = options.layout === 'enterprise'
  const config: GitHubConfig = {
    immutableReleases: options.immutableReleases ?? false,
    tagLookupLag: options.tagLookupLag ?? {},
    maxAssetBytes: options.maxAssetBytes ?? 2 * 1024 ** 3,
    apiVersions: API_VERSIONS,
    rateLimit: options.rateLimit ?? 5000,
    uploadFaults: [],
    ...(options.secondaryLimit === undefined ? {} : { secondaryLimit: options.secondaryLimit }),
    digests: options.digests ?? true,
    storageAnswersHead: options.storageAnswersHead ?? true,
    // Older GitHub Enterprise Server routes `git/ref/tags%2Fv1` nowhere (404); github.com decodes it.
    encodedRefSlash: enterprise ? 'not-found' : 'accepted',
  }
  /** When each content-creating request arrived, over the API and uploads hosts together. */
  const contentWrites: number[] = []
  const secondary = { refused: 0 }
  /** Seconds until a write is allowed again, or undefined when this one is within the limit. */
  const overSecondaryLimit = (method: string): number | undefined => {
    if (config.secondaryLimit === undefined || !CONTENT_WRITES.has(method)) return undefined
    const at = now()
    for (const window of config.secondaryLimit) {
      const recent = contentWrites.filter((t) => t > at - window.windowMs)
      if (recent.length >= window.limit) {
        const oldest = recent[recent.length - window.limit] ?? at
        return Math.max(1, Math.ceil((oldest + window.windowMs - at) / 1000))
      }
    }
    contentWrites.push(at)
    return undefined
  }
  const state = new GitHubState(now)
  const timeline: TimelineEntry[] = []
  const usage = { used: 0, resetAt: Math.floor(now() / 1000) + 3600 }
  const origins = { api: '', uploads: '', downloads: '' }
  const apiPrefix = enterprise ? '/api/v3' : ''
  const uploadsPrefix = enterprise ? '/api/uploads' : ''
  const signingKey = randomBytes(16).toString('hex')

  const contextFor = (ctx: PersonalityContext): GitHubContext => ({
    state,
    blobs: ctx.blobs,
    config,
    signingKey,
    origins: {
      api: () => `${origins.api}${apiPrefix}`,
      web: () => origins.api,
      uploads: () => `${origins.uploads}${uploadsPrefix}`,
      downloads: () => origins.downloads,
    },
  })

  const rateLimitHeaders = (): HeaderMap => ({
    'x-ratelimit-limit': String(config.rateLimit),
    'x-ratelimit-remaining': String(Math.max(0, config.rateLimit - usage.used)),
    'x-ratelimit-used': String(usage.used),
    'x-ratelimit-reset': String(usage.resetAt),
    'x-ratelimit-resource': 'core',
  })

  const apiPersonality =
    (servers: readonly ServerName[]) =>
    (ctx: PersonalityContext): Personality => {
      const context = contextFor(ctx)
      const router = new Router<Handler>()
      if (servers.includes('api')) {
        registerRepositoryRoutes(router, context, apiPrefix)
        registerAssetRoutes(router, context, apiPrefix)
        registerReleaseRoutes(router, context, apiPrefix)
        registerAttestationRoutes(router, context, apiPrefix)
        registerWebRoutes(router, context)
      }
      if (servers.includes('uploads')) registerUploadRoutes(router, context, uploadsPrefix)
      const server = servers[0] ?? 'api'
      return {
        router,
        notFound: (ex) => notFound(ex),
        internalError: (ex) => ex.json(500, { message: 'Server Error' }),
        faultResponse: (kind) => {
          const headers: HeaderMap = { 'content-type': 'application/json; charset=utf-8' }
          if (kind.status === 429 || kind.status === 403) {
            return {
              status: kind.status,
              headers,
              body: JSON.stringify({
                message: SECONDARY_RATE_LIMIT,
                documentation_url: secondaryRateLimitDocs,
              }),
            }
          }
          if (kind.status >= 500) return { status: kind.status, headers, body: serverErrorBody }
          return {
            status: kind.status,
            headers,
            body: JSON.stringify({
              message: STATUS_CODES[kind.status] ?? 'Error',
              documentation_url: DOCS,
            }),
          }
        },
        intercept: async (ex) => {
          const onUploads = enterprise && ex.pathname.startsWith(`${uploadsPrefix}/`)
          const host = onUploads || server === 'uploads' ? 'uploads' : 'api'
          timeline.push({ server: host, method: ex.method, path: ex.rawPath })
          usage.used += 1
          const retryAfter = overSecondaryLimit(ex.method)
          if (retryAfter !== undefined) {
            secondary.refused += 1
            await ex.json(
              403,
              { message: SECONDARY_RATE_LIMIT, documentation_url: secondaryRateLimitDocs },
              { 'retry-after': String(retryAfter) },
            )
            return true
          }
          // Every request is held to GitHub's OpenAPI description first (see github/openapi.ts).
          await checkAgainstOpenApi(ex, {
            host,
            prefix: host === 'uploads' ? uploadsPrefix : apiPrefix,
          })
          return checkRequest(ex, state, config)
        },
        defaultHeaders: () => ({
          ...rateLimitHeaders(),
          'x-github-api-version-selected': API_VERSIONS[0] ?? '',
          'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
        }),
      }
    }

  const downloadsPersonality = (ctx: PersonalityContext): Personality => {
    const router = new Router<Handler>()
    registerDownloadRoutes(router, contextFor(ctx))
    return {
      router,
      notFound: (ex) => ex.text(404, 'Not Found'),
      internalError: (ex) => ex.text(500, 'Internal Error'),
      faultResponse: (kind) => ({
        status: kind.status,
        headers: { 'content-type': 'application/xml' },
        body: `<Error><Code>ServiceUnavailable</Code><Message>${STATUS_CODES[kind.status] ?? 'Error'}</Message></Error>`,
      }),
      intercept: (ex) => {
        timeline.push({ server: 'downloads', method: ex.method, path: ex.rawPath })
        return Promise.resolve(false)
      },
    }
  }

  const serverOptions: FakeServerOptions = {
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.storage === undefined ? {} : { storage: options.storage }),
  }
  const on = (port: number | undefined): FakeServerOptions =>
    port === undefined ? serverOptions : { ...serverOptions, port }
  const api = await startFakeServer(
    apiPersonality(enterprise ? ['api', 'uploads'] : ['api']),
    on(options.ports?.api),
  )
  const uploads = enterprise
    ? api
    : await startFakeServer(apiPersonality(['uploads']), on(options.ports?.uploads))
  const downloads = await startFakeServer(downloadsPersonality, on(options.ports?.downloads))
  origins.api = api.url
  origins.uploads = uploads.url
  origins.downloads = downloads.url

  for (const seed of options.repos ?? []) state.addRepo(seed)
  for (const [token, seed] of Object.entries(options.tokens ?? {})) state.addToken(token, seed)

  const servers: readonly { name: ServerName; server: FakeServer }[] = enterprise
    ? [
        { name: 'api', server: api },
        { name: 'downloads', server: downloads },
      ]
    : [
        { name: 'api', server: api },
        { name: 'uploads', server: uploads },
        { name: 'downloads', server: downloads },
      ]
  const tagged = (
    pick: (server: FakeServer) => LoggedRequest[],
  ): (LoggedRequest & { server: ServerName })[] =>
    servers.flatMap(({ name, server }) => pick(server).map((entry) => ({ ...entry, server: name })))

  return {
    apiUrl: `${api.url}${apiPrefix}`,
    uploadsUrl: `${uploads.url}${uploadsPrefix}`,
    downloadsUrl: downloads.url,
    webUrl: api.url,
    api,
    uploads,
    downloads,
    state,
    config,
    timeline,
    get errors() {
      return servers.flatMap(({ server }) => server.errors)
    },
    repo: (fullName) => {
      const repo = state.repo(fullName)
      if (repo === undefined) throw new Error(`no repository ${fullName}`)
      return repo
    },
    get secondaryRefusals() {
      return secondary.refused
    },
    writeRequests: () => tagged((server) => server.writeRequests()),
    withHeader: (name) => tagged((server) => server.requests.withHeader(name)),
    rateLimit: (fault) => {
      const server = fault.on === 'uploads' ? uploads : api
      const status = fault.status ?? 403
      const primary = fault.kind === 'primary'
      const headers: Record<string, string> = primary
        ? {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': String(config.rateLimit),
            'x-ratelimit-reset': String(Math.floor(now() / 1000) + (fault.resetInSeconds ?? 1)),
          }
        : {}
      return server.faults.add({
        ...(fault.method === undefined ? {} : { method: fault.method }),
        ...(fault.path === undefined ? {} : { path: fault.path }),
        times: fault.times ?? 1,
        kind: {
          status,
          headers,
          ...(fault.retryAfter === undefined ? {} : { retryAfter: fault.retryAfter }),
          body: primary
            ? {
                message: 'API rate limit exceeded for user ID 1.',
                documentation_url:
                  'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits',
              }
            : { message: SECONDARY_RATE_LIMIT, documentation_url: secondaryRateLimitDocs },
        },
      })
    },
    close: async () => {
      await Promise.all(servers.map(({ server }) => server.close()))
    },
  }
}
