/**
 * The fake forges the benchmark runs against, behind one small interface: how to start one
 * (discard storage), the environment that makes forge-release publish a tag to it, what the
 * raw-transfer baseline sends, and every request the fake saw.
 *
 * GitLab's scenario helper is part of the test support core and imported directly. Gongfeng's
 * and GitHub's are loaded at run time when their files exist, so the bench keeps working (and
 * says so) while those personalities are missing or unfinished.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import type { LoggedRequest } from '../../__tests__/support/fake-forge/request-log.js'
import { startGiteaScenario } from '../../__tests__/support/gitea-scenario.js'
import { JOB_TOKEN, PROJECT, startGitLabScenario } from '../../__tests__/support/gitlab-scenario.js'
import { GONGFENG_MAX_ATTACHMENT_BYTES } from '../../src/forges/gongfeng/gongfeng-rules.js'
import { GIB } from './assets.js'

export type ForgeName = 'gitlab' | 'gongfeng' | 'github' | 'gitea'
export type Env = Record<string, string | undefined>

/** One file upload of the raw baseline (see raw-upload.mjs). */
export interface RawUpload {
  readonly method: string
  readonly url: string
  readonly headers: Record<string, string>
  readonly path: string
  readonly size: number
  readonly multipart?: {
    readonly boundary: string
    readonly field: string
    readonly filename: string
    readonly contentType: string
  }
}

export interface BenchForge {
  readonly name: ForgeName
  /** Largest single file this forge takes (Gongfeng: 200 MB), for scenario 1. */
  readonly largestFile: number
  readonly largestFileNote?: string
  /** Every request of every server of this fake, in arrival order per server. */
  requests(): LoggedRequest[]
  clearRequests(): void
  /** Makes `tag` exist, as on a tag pipeline. */
  addTag(tag: string): void
  /** Environment for dist/index.js publishing `tag` with `assets` (a glob) from `workspace`. */
  engineEnv(tag: string, workspace: string, assets: string): Env
  /** Name of the file a request uploads, or undefined when it is no file upload. */
  uploadedName(request: LoggedRequest): string | undefined
  /** Prepares what the raw client needs (a release to attach to: not timed) and its uploads. */
  rawUploads(
    tag: string,
    files: readonly { path: string; name: string; size: number }[],
  ): Promise<RawUpload[]>
  /** Errors the fake's handlers threw (answered 500); must stay empty. */
  errors(): Error[]
  /** Writes the fake refused for a rate limit (the GitHub fake's secondary limit). */
  refusedWrites?(): number
  close(): Promise<void>
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** `linkBytesPerSecond`: the fake reads bodies no faster, as over a link of that capacity. */
export async function startGitLab(linkBytesPerSecond?: number): Promise<BenchForge> {
  const scenario = await startGitLabScenario({
    storage: 'discard-large',
    ...(linkBytesPerSecond === undefined ? {} : { linkBytesPerSecond }),
  })
  const { gitlab } = scenario
  const project = gitlab.project(PROJECT)
  const projectId = String(project.id)
  const genericPrefix = `/api/v4/projects/${projectId}/packages/generic/`
  return {
    name: 'gitlab',
    largestFile: GIB,
    requests: () => gitlab.requests.all(),
    clearRequests: () => gitlab.requests.clear(),
    addTag: (tag) => {
      gitlab.state.addTag(PROJECT, { name: tag, ref: 'main' })
    },
    engineEnv: (tag, workspace, assets) =>
      scenario.jobEnv({
        CI_COMMIT_TAG: tag,
        CI_PROJECT_DIR: workspace,
        CI_PROJECT_PATH: PROJECT,
        INPUT_ASSETS: assets,
      }),
    uploadedName: (request) => {
      const at = request.path.indexOf(genericPrefix)
      if (request.method !== 'PUT' || at !== 0) return undefined
      const rest = request.path.slice(genericPrefix.length).split('?')[0] ?? ''
      return decodeURIComponent(rest.split('/').pop() ?? '')
    },
    rawUploads: (tag, files) =>
      Promise.resolve(
        files.map((file) => ({
          method: 'PUT',
          url: `${gitlab.apiUrl}/projects/${projectId}/packages/generic/raw-transfer/${encodeURIComponent(tag)}/${encodeURIComponent(file.name)}`,
          headers: { 'job-token': JOB_TOKEN, 'content-type': 'application/octet-stream' },
          path: file.path,
          size: file.size,
        })),
      ),
    errors: () => gitlab.errors,
    close: () => scenario.close(),
  }
}

/** What the bench needs of a server of the fake (structural, so helpers may evolve). */
interface ServerLike {
  readonly requests: { all(): LoggedRequest[]; clear(): void }
  readonly errors: Error[]
}

interface GongfengScenarioLike {
  readonly gongfeng: ServerLike & { readonly apiUrl: string }
  readonly masterSha: string
  env(extra?: Env): Env
  close(): Promise<void>
}

interface GitHubScenarioLike {
  readonly github: {
    readonly apiUrl: string
    readonly api: ServerLike
    readonly uploads: ServerLike
    readonly downloads: ServerLike
    readonly secondaryRefusals: number
  }
  readonly mainSha: string
  env(extra?: Env): Env
  close(): Promise<void>
}

/** Loads a scenario helper by path at run time; undefined (with the reason) when it is missing. */
async function loadHelper<T>(
  file: string,
  exportName: string,
): Promise<
  | { start: (options: { storage: 'discard-large'; readonly rateLimit?: number }) => Promise<T> }
  | { missing: string }
> {
  const full = path.join(root, file)
  if (!existsSync(full)) return { missing: `${file} does not exist yet` }
  try {
    const module = (await import(pathToFileURL(full).href)) as Record<string, unknown>
    const start = module[exportName]
    if (typeof start !== 'function') return { missing: `${file} has no ${exportName}()` }
    return {
      start: start as (options: {
        storage: 'discard-large'
        readonly rateLimit?: number
      }) => Promise<T>,
    }
  } catch (error) {
    return { missing: `${file} failed to load: ${(error as Error).message}` }
  }
}

const GONGFENG_TOKEN_HEADER = 'private-token'

export async function startGongfeng(): Promise<BenchForge | { missing: string }> {
  const helper = await loadHelper<GongfengScenarioLike>(
    '__tests__/support/gongfeng-scenario.ts',
    'startGongfengScenario',
  )
  if ('missing' in helper) return helper
  const scenario = await helper.start({ storage: 'discard-large' })
  const { gongfeng } = scenario
  const base = scenario.env()
  const token = base.INPUT_TOKEN ?? ''
  const project = base.INPUT_PROJECT ?? ''
  const attachments = /\/api\/v3\/projects\/[^/]+\/releases\/[^/]+\/attachments(\?|$)/
  return {
    name: 'gongfeng',
    // The client refuses more than 200 MB (src/assets/asset-size.ts), the fake 200 MiB.
    largestFile: GONGFENG_MAX_ATTACHMENT_BYTES,
    largestFileNote: `Gongfeng takes at most 200 MB per attachment: scenario 1 uses one file of ${GONGFENG_MAX_ATTACHMENT_BYTES} bytes instead of 1 GiB`,
    requests: () => gongfeng.requests.all(),
    clearRequests: () => gongfeng.requests.clear(),
    addTag: () => undefined,
    engineEnv: (tag, _workspace, assets) =>
      scenario.env({
        INPUT_TAG_NAME: tag,
        INPUT_REF: scenario.masterSha,
        INPUT_ASSETS: assets,
      }),
    // Multipart bodies carry the name inside; the size tells asset files from derived ones.
    uploadedName: (request) =>
      request.method === 'POST' && attachments.test(request.path) ? '' : undefined,
    rawUploads: async (tag, files) => {
      const id = encodeURIComponent(project)
      const response = await fetch(`${gongfeng.apiUrl}/projects/${id}/releases`, {
        method: 'POST',
        headers: {
          [GONGFENG_TOKEN_HEADER]: token,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ tag, start_point: scenario.masterSha, type: 'release' }),
      })
      if (!response.ok) throw new Error(`Gongfeng release create: ${response.status}`)
      const url = `${gongfeng.apiUrl}/projects/${id}/releases/${encodeURIComponent(tag)}/attachments`
      return files.map((file) =>
        multipartUpload(url, { [GONGFENG_TOKEN_HEADER]: token }, file, 'file'),
      )
    },
    errors: () => gongfeng.errors,
    close: () => scenario.close(),
  }
}

export async function startGitHub(
  options: { readonly secondaryLimit?: readonly { limit: number; windowMs: number }[] } = {},
): Promise<BenchForge | { missing: string }> {
  const helper = await loadHelper<GitHubScenarioLike>(
    '__tests__/support/github-scenario.ts',
    'startGitHubScenario',
  )
  if ('missing' in helper) return helper
  // The primary limit (5000 requests an hour by default) would stop the bench, which sends
  // some 15 000, for an hour: it measures transfers, and 6s the secondary limit.
  const scenario = await helper.start({
    storage: 'discard-large',
    rateLimit: 1_000_000,
    ...options,
  })
  const { github } = scenario
  const base = scenario.env()
  const token = base.INPUT_TOKEN ?? ''
  const repository = base.INPUT_PROJECT ?? ''
  const servers = [github.api, github.uploads, github.downloads]
  const uploadPath = /\/releases\/\d+\/assets\?(?:.*&)?name=([^&]+)/
  return {
    name: 'github',
    refusedWrites: () => github.secondaryRefusals,
    largestFile: GIB,
    requests: () => servers.flatMap((server) => server.requests.all()),
    clearRequests: () => servers.forEach((server) => server.requests.clear()),
    addTag: () => undefined,
    engineEnv: (tag, _workspace, assets) =>
      scenario.env({
        INPUT_TAG_NAME: tag,
        INPUT_ASSETS: assets,
        // The fake enforces no secondary limit unless asked (scenario 6s): pacing to GitHub's
        // 80 writes a minute would measure the limit, not the transfer.
        ...(options.secondaryLimit === undefined ? { INPUT_MAX_WRITES_PER_MINUTE: '100000' } : {}),
      }),
    uploadedName: (request) => {
      if (request.method !== 'POST') return undefined
      const match = uploadPath.exec(request.path)
      return match === null ? undefined : decodeURIComponent(match[1] ?? '')
    },
    rawUploads: async (tag, files) => {
      const response = await fetch(`${github.apiUrl}/repos/${repository}/releases`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'user-agent': 'raw-transfer',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ tag_name: tag, target_commitish: scenario.mainSha, draft: true }),
      })
      if (!response.ok) throw new Error(`GitHub release create: ${response.status}`)
      const release = (await response.json()) as { upload_url: string }
      const uploadUrl = release.upload_url.replace(/\{.*\}$/, '')
      return files.map((file) => ({
        method: 'POST',
        url: `${uploadUrl}?name=${encodeURIComponent(file.name)}`,
        headers: {
          authorization: `Bearer ${token}`,
          'user-agent': 'raw-transfer',
          'content-type': 'application/octet-stream',
        },
        path: file.path,
        size: file.size,
      }))
    },
    errors: () => servers.flatMap((server) => server.errors),
    close: () => scenario.close(),
  }
}

/** Forgejo/Gitea: attachments are multipart POSTs to a release that exists (field `attachment`). */
export async function startGitea(): Promise<BenchForge> {
  const scenario = await startGiteaScenario({ storage: 'discard-large' })
  const { gitea } = scenario
  const base = scenario.env()
  const token = base.INPUT_TOKEN ?? ''
  const repository = base.INPUT_PROJECT ?? ''
  const uploadPath = /\/releases\/\d+\/assets\?(?:.*&)?name=([^&]+)/
  const auth = { authorization: `token ${token}` }
  return {
    name: 'gitea',
    largestFile: GIB,
    requests: () => gitea.requests.all(),
    clearRequests: () => gitea.requests.clear(),
    addTag: () => undefined,
    engineEnv: (tag, _workspace, assets) =>
      scenario.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: assets }),
    uploadedName: (request) => {
      if (request.method !== 'POST') return undefined
      const match = uploadPath.exec(request.path)
      return match === null ? undefined : decodeURIComponent(match[1] ?? '')
    },
    rawUploads: async (tag, files) => {
      const response = await fetch(`${gitea.apiUrl}/repos/${repository}/releases`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ tag_name: tag, target_commitish: scenario.mainSha }),
      })
      if (!response.ok) throw new Error(`Gitea release create: ${response.status}`)
      const release = (await response.json()) as { id: number }
      const assets = `${gitea.apiUrl}/repos/${repository}/releases/${release.id}/assets`
      return files.map((file) =>
        multipartUpload(
          `${assets}?name=${encodeURIComponent(file.name)}`,
          auth,
          file,
          'attachment',
        ),
      )
    },
    errors: () => gitea.errors,
    close: () => scenario.close(),
  }
}

/** A raw-transfer upload of one file as a multipart form field (Gongfeng, Forgejo/Gitea). */
function multipartUpload(
  url: string,
  headers: Record<string, string>,
  file: { readonly path: string; readonly name: string; readonly size: number },
  field: string,
): RawUpload {
  return {
    method: 'POST',
    url,
    headers,
    path: file.path,
    size: file.size,
    multipart: {
      boundary: `raw-transfer-${Math.random().toString(16).slice(2)}`,
      field,
      filename: file.name,
      contentType: 'application/octet-stream',
    },
  }
}
