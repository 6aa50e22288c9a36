/**
 * Every forge's end-to-end scenario behind one interface, so hardening tests (faults, kills,
 * build matrices, security, networks) are written once and run against each forge: start a
 * fake, get the environment of a run, inject faults, and read the end state a user would see.
 */
import { createHash } from 'node:crypto'

import { Agent, fetch } from 'undici'

import { parseSha256Sums } from '../../src/assets/sha256sums.js'
import { CHECKSUMS_NAME, DERIVED_NAMES, EVIDENCE_NAME } from '../../src/plan/derived-names.js'
import type {
  FakeGitea,
  FakeGitHub,
  FakeGitLab,
  FakeGongfeng,
  FakeServer,
  FakeServerOptions,
  FaultHandle,
  FaultRule,
  LoggedRequest,
} from './fake-forge/index.js'
import {
  GITHUB_TOKEN,
  REPOSITORY,
  startGitHubScenario,
  type GitHubScenario,
} from './github-scenario.js'
import {
  PRIVATE_TOKEN,
  PROJECT as GITLAB_PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from './gitlab-scenario.js'
import {
  GONGFENG_TOKEN,
  PROJECT as GONGFENG_PROJECT,
  PROJECT_ID as GONGFENG_PROJECT_ID,
  startGongfengScenario,
  type GongfengScenario,
} from './gongfeng-scenario.js'
import {
  GITEA_TOKEN,
  REPOSITORY as GITEA_REPOSITORY,
  startGiteaScenario,
  type GiteaScenario,
} from './gitea-scenario.js'
import type { Env } from './run-tool.js'

export type ForgeName = 'gitlab' | 'gongfeng' | 'github' | 'gitea'

/** Forges whose adapter, fake and scenario helper exist (all four at the time of writing). */
export const FORGES: readonly ForgeName[] = ['gitlab', 'gongfeng', 'github', 'gitea']

export const SUMS_NAME = CHECKSUMS_NAME
export { EVIDENCE_NAME }

/** A file as the release serves it, downloaded through its public URL. */
export interface ServedFile {
  readonly name: string
  readonly size: number
  readonly sha256: string
}

export interface EndState {
  /** Every release of the project: `tag`, or `tag (draft)`, sorted. */
  readonly releases: readonly string[]
  /** The release's files as served, sorted by name. */
  readonly files: readonly ServedFile[]
  /** The release's SHA256SUMS, parsed (name → sha256), when it has one. */
  readonly sums: ReadonlyMap<string, string> | undefined
  /**
   * What a user would have to notice or clean up by hand: dangling or duplicate links, orphan
   * stored files, leftover drafts, unfinished (`starter`) uploads, a SHA256SUMS that misses a
   * file or lists a wrong sha.
   */
  readonly problems: readonly string[]
}

/** The kinds of server a fake runs: the API, and GitHub's upload and download hosts. */
export type ServerRole = 'api' | 'uploads' | 'downloads'

/** Requests each forge's run makes, for fault rules that target one kind of request. */
export interface ForgeRoutes {
  /** The request that stores a file (body = the file). */
  readonly upload: { readonly method: string; readonly path: RegExp; readonly on: ServerRole }
  /** The request that creates the release. */
  readonly createRelease: { readonly method: string; readonly path: RegExp }
  /**
   * The request that reads an asset through its download path: what verify sends for each
   * asset where the server reports no sha256 (a one-byte ranged GET), and for every asset with
   * `verify: full`. Where the server reports a sha256, verify sends none.
   */
  readonly verify: { readonly method: string; readonly path: RegExp; readonly on: ServerRole }
}

export interface ForgeScenario {
  readonly forge: ForgeName
  /** The fake itself, for forge-specific knobs (one of them is set, per `forge`). */
  readonly gitlab?: FakeGitLab
  readonly gongfeng?: FakeGongfeng
  readonly github?: FakeGitHub
  readonly gitea?: FakeGitea
  /** The token the runs use. */
  readonly token: string
  /** The API root the tool is given. */
  readonly apiUrl: string
  readonly routes: ForgeRoutes
  /** Every loopback server of the fake (GitHub has three). */
  servers(): readonly FakeServer[]
  server(role: ServerRole): FakeServer
  /** Inputs of a run by hand (CLI): platform, api_url, project, token and ref; add tag and assets. */
  env(extra?: Env): Env
  /** Every request over every server of the fake. */
  requests(): LoggedRequest[]
  addFault(rule: FaultRule, on?: ServerRole): FaultHandle
  /**
   * Cuts the next `times` uploads to `pathname` (default: all) after `afterBytes` body bytes, the
   * way the forge leaves an interrupted upload (GitHub keeps a `starter` asset; the others keep
   * nothing).
   */
  cutUploads(pathname: string, afterBytes: number, times?: number): void
  /** Removes every injected fault. */
  clearFaults(): void
  /** Handler exceptions of the fake (its own bugs): must stay empty. */
  errors(): Error[]
  /**
   * Corrupts a stored file of the release the way a server would then serve it: `truncate`
   * stores it one byte shorter, `alter` stores other bytes of the same size, `delete` removes it.
   * The server's own sha256 (where it reports one) is of the bytes it now holds.
   */
  tamper(tag: string, name: string, how: Tampering): Promise<void>
  endState(tag: string): Promise<EndState>
  close(): Promise<void>
}

export type Tampering = 'truncate' | 'alter' | 'delete'

/** The bytes a tampering leaves: one byte fewer, or the first byte changed. */
export function tampered(bytes: Buffer, how: Exclude<Tampering, 'delete'>): Buffer {
  if (how === 'truncate') return bytes.subarray(0, Math.max(0, bytes.length - 1))
  const copy = Buffer.from(bytes)
  if (copy.length > 0) copy[0] = (copy[0] ?? 0) ^ 0xff
  return copy
}

/**
 * How the fake's server differs from a current one, where real servers do:
 * - `headRefused`: HEAD on a download is refused — Gongfeng answers 404 (it documents GET only),
 *   GitHub's storage answers 403 (signed for GET only), GitLab's object storage other than AWS
 *   refuses HEAD on the redirect target (signed for GET only);
 * - `noDigests`: the server reports no sha256 of stored files (GitHub assets without `digest`,
 *   GitLab package files without `file_sha256`); Gongfeng never reports one.
 */
export interface ServerVariant {
  readonly headRefused?: boolean
  readonly noDigests?: boolean
}

export interface StartOptions {
  readonly variant?: ServerVariant
  /** Serve HTTPS with this key pair. */
  readonly tls?: FakeServerOptions['tls']
  /** PEM the end-state reader trusts for that (the CA that signed `tls.cert`); default the cert. */
  readonly ca?: string | Buffer
}

export async function startForgeScenario(
  forge: ForgeName,
  options: StartOptions = {},
): Promise<ForgeScenario> {
  const tls = options.tls === undefined ? {} : { tls: options.tls }
  const ca = options.ca ?? options.tls?.cert
  const reader: Reader = ca === undefined ? {} : { dispatcher: new Agent({ connect: { ca } }) }
  const variant = options.variant ?? {}
  switch (forge) {
    case 'gitlab':
      return gitLab(
        await startGitLabScenario({
          ...tls,
          ...(variant.headRefused === true ? { objectStorage: 'signed-for-get' } : {}),
          ...(variant.noDigests === true ? { packageFileSha256: false } : {}),
        }),
        reader,
      )
    case 'gongfeng':
      return gongfeng(
        await startGongfengScenario({
          ...tls,
          ...(variant.headRefused === true ? { head: 'not-found' } : {}),
        }),
        reader,
      )
    case 'github':
      return gitHub(
        await startGitHubScenario({
          ...tls,
          ...(variant.headRefused === true ? { storageAnswersHead: false } : {}),
          ...(variant.noDigests === true ? { digests: false } : {}),
        }),
        reader,
      )
    case 'gitea':
      return gitea(await startGiteaScenario(tls), reader)
  }
}

/** How the end-state reader reaches the fake (a dispatcher trusting its CA over HTTPS). */
interface Reader {
  readonly dispatcher?: Agent
}

/** Downloads `url` (following redirects) and measures it; undefined with the status when it fails. */
async function download(
  url: string,
  headers: Record<string, string>,
  reader: Reader,
): Promise<{ size: number; sha256: string; text: string } | { status: number }> {
  const response = await fetch(url, { headers, redirect: 'follow', ...reader })
  if (response.status !== 200) {
    await response.body?.cancel()
    return { status: response.status }
  }
  const bytes = Buffer.from(await response.arrayBuffer())
  return {
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    text: bytes.length < 1024 * 1024 ? bytes.toString('utf8') : '',
  }
}

/** Downloads every named URL and derives files, SHA256SUMS and the problems every forge shares. */
async function collect(
  releases: string[],
  entries: readonly { name: string; url: string }[],
  headers: Record<string, string>,
  problems: string[],
  reader: Reader,
): Promise<EndState> {
  const files: ServedFile[] = []
  let sumsText: string | undefined
  const seen = new Map<string, number>()
  for (const entry of entries) seen.set(entry.name, (seen.get(entry.name) ?? 0) + 1)
  for (const [name, count] of seen) if (count > 1) problems.push(`${name} is listed ${count} times`)
  for (const entry of entries) {
    const served = await download(entry.url, headers, reader)
    if ('status' in served) {
      problems.push(`${entry.name} does not resolve (${entry.url} answered ${served.status})`)
      continue
    }
    files.push({ name: entry.name, size: served.size, sha256: served.sha256 })
    if (entry.name === SUMS_NAME) sumsText = served.text
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const sums = sumsText === undefined ? undefined : parseSha256Sums(sumsText)
  if (sums !== undefined) {
    for (const file of files) {
      if (DERIVED_NAMES.includes(file.name)) continue
      const listed = sums.get(file.name)
      if (listed === undefined) problems.push(`${SUMS_NAME} does not list ${file.name}`)
      else if (listed !== file.sha256)
        problems.push(`${SUMS_NAME} has a wrong sha for ${file.name}`)
    }
    for (const name of sums.keys()) {
      if (!files.some((f) => f.name === name)) problems.push(`${SUMS_NAME} lists missing ${name}`)
    }
  }
  return { releases: releases.sort(), files, sums, problems }
}

function gitLab(scenario: GitLabScenario, reader: Reader): ForgeScenario {
  const { gitlab } = scenario
  // The reader is a member with a browser session (web pages take no API token) and the token
  // (the API takes no session here) for where the web page redirects.
  const headers = {
    'private-token': PRIVATE_TOKEN,
    cookie: `_gitlab_session=${gitlab.state.signIn(PRIVATE_TOKEN)}`,
  }
  return {
    forge: 'gitlab',
    gitlab,
    token: PRIVATE_TOKEN,
    apiUrl: gitlab.apiUrl,
    routes: {
      upload: { method: 'PUT', path: /\/packages\/generic\//, on: 'api' },
      createRelease: { method: 'POST', path: /\/releases$/ },
      verify: { method: 'GET', path: /\/releases\/[^/]+\/downloads\//, on: 'api' },
    },
    servers: () => [gitlab],
    server: () => gitlab,
    env: (extra = {}) => scenario.env({ INPUT_REF: 'main', ...extra }),
    requests: () => gitlab.requests.all(),
    addFault: (rule) => gitlab.faults.add(rule),
    cutUploads: (pathname, afterBytes, times = Infinity) => {
      gitlab.faults.add({
        method: 'PUT',
        path: pathname,
        times,
        kind: { reset: 'mid-body', afterBytes },
      })
    },
    clearFaults: () => gitlab.faults.clear(),
    errors: () => gitlab.errors,
    tamper: async (tag, name, how) => {
      const pkg = gitlab
        .project(GITLAB_PROJECT)
        .packages.find((p) => p.name === 'release-assets' && p.version === tag)
      if (pkg === undefined) throw new Error(`no package for ${tag}`)
      const at = pkg.files.findLastIndex((f) => f.fileName === name)
      const file = pkg.files[at]
      if (file === undefined) throw new Error(`no package file ${name}`)
      if (how === 'delete') {
        pkg.files.splice(at, 1)
        return
      }
      const bytes = tampered(await gitlab.blobs.bytes(file.blob), how)
      pkg.files[at] = { ...file, blob: await gitlab.blobs.replace(file.blob, bytes) }
    },
    endState: async (tag) => {
      const project = gitlab.project(GITLAB_PROJECT)
      const problems: string[] = []
      const release = project.releases.get(tag)
      const links = release?.links ?? []
      const pkg = project.packages.find((p) => p.name === 'release-assets' && p.version === tag)
      const stored = new Set<string>()
      for (const file of pkg?.files ?? []) {
        if (!links.some((l) => l.url.endsWith(`/${encodeURIComponent(file.fileName)}`))) {
          problems.push(`package file ${file.fileName} (id ${file.id}) is not linked`)
        }
        // Older versions of a replaced file stay in the package by design (the newest is
        // served). The same bytes of a build file stored twice can only come from a blind
        // repeat; SHA256SUMS and the evidence may legitimately be written by several jobs of a
        // build matrix at once.
        const key = `${file.fileName} ${file.blob.sha256}`
        const derived = DERIVED_NAMES.includes(file.fileName)
        if (stored.has(key) && !derived) {
          problems.push(`package file ${file.fileName} is stored twice`)
        }
        stored.add(key)
      }
      const entries = links.map((link) => ({
        name: link.name,
        // The way a user downloads it: the release's permanent direct asset URL.
        url:
          link.filepath === null
            ? link.url
            : `${gitlab.url}/${GITLAB_PROJECT}/-/releases/${encodeURIComponent(tag)}/downloads${link.filepath}`,
      }))
      return collect([...project.releases.keys()], entries, headers, problems, reader)
    },
    close: async () => {
      await scenario.close()
      await reader.dispatcher?.close()
    },
  }
}

function gongfeng(scenario: GongfengScenario, reader: Reader): ForgeScenario {
  const { gongfeng: server } = scenario
  const headers = { 'private-token': GONGFENG_TOKEN }
  return {
    forge: 'gongfeng',
    gongfeng: server,
    token: GONGFENG_TOKEN,
    apiUrl: server.apiUrl,
    routes: {
      upload: { method: 'POST', path: /\/attachments$/, on: 'api' },
      createRelease: { method: 'POST', path: /\/releases$/ },
      verify: { method: 'GET', path: /\/attachments\/[^/?]+$/, on: 'api' },
    },
    servers: () => [server],
    server: () => server,
    env: (extra = {}) => scenario.env({ INPUT_REF: 'master', ...extra }),
    requests: () => server.requests.all(),
    addFault: (rule) => server.faults.add(rule),
    cutUploads: (pathname, afterBytes, times = Infinity) => {
      server.faults.add({
        method: 'POST',
        path: pathname,
        times,
        kind: { reset: 'mid-body', afterBytes },
      })
    },
    clearFaults: () => server.faults.clear(),
    errors: () => server.errors,
    tamper: async (tag, name, how) => {
      const release = server.state.release(GONGFENG_PROJECT, tag)
      const at = release?.attachments.findIndex((a) => a.name === name) ?? -1
      const attachment = release?.attachments[at]
      if (release === undefined || attachment === undefined) throw new Error(`no ${name}`)
      if (how === 'delete') {
        release.attachments.splice(at, 1)
        return
      }
      const bytes = tampered(await server.blobs.bytes(attachment.blob), how)
      const blob = await server.blobs.replace(attachment.blob, bytes)
      release.attachments[at] = { ...attachment, size: blob.size, blob }
    },
    endState: async (tag) => {
      const project = server.project(GONGFENG_PROJECT)
      const releases = [...project.releases.values()]
        .filter((r) => r.type === 'release')
        .map((r) => r.tag)
      const attachments = server.state.release(GONGFENG_PROJECT, tag)?.attachments ?? []
      const entries = attachments.map((a) => ({
        name: a.name,
        url: `${server.apiUrl}/projects/${GONGFENG_PROJECT_ID}/releases/${encodeURIComponent(tag)}/attachments/${encodeURIComponent(a.name)}`,
      }))
      return collect(releases, entries, headers, [], reader)
    },
    close: async () => {
      await scenario.close()
      await reader.dispatcher?.close()
    },
  }
}

function gitHub(scenario: GitHubScenario, reader: Reader): ForgeScenario {
  const { github } = scenario
  const servers = { api: github.api, uploads: github.uploads, downloads: github.downloads }
  return {
    forge: 'github',
    github,
    token: GITHUB_TOKEN,
    apiUrl: github.apiUrl,
    routes: {
      upload: { method: 'POST', path: /\/releases\/\d+\/assets\?/, on: 'uploads' },
      createRelease: { method: 'POST', path: /\/releases$/ },
      verify: { method: 'GET', path: /\/releases\/assets\/\d+$/, on: 'api' },
    },
    servers: () => [...new Set(Object.values(servers))],
    server: (role) => servers[role],
    env: (extra = {}) => scenario.env(extra),
    requests: () => [
      ...github.api.requests.all(),
      ...(github.uploads === github.api ? [] : github.uploads.requests.all()),
      ...github.downloads.requests.all(),
    ],
    addFault: (rule, on = 'api') => servers[on].faults.add(rule),
    cutUploads: (_pathname, afterBytes, times = 1000) => {
      // GitHub's own failure mode: the asset stays behind in state `starter` (any upload).
      github.config.uploadFaults.push({ kind: 'cut', afterBytes, times })
    },
    clearFaults: () => {
      for (const server of new Set(Object.values(servers))) server.faults.clear()
      github.config.uploadFaults.length = 0
    },
    errors: () => github.errors,
    tamper: async (tag, name, how) => {
      const release = github.state.releasesOf(REPOSITORY).find((r) => r.tagName === tag)
      const asset = release?.assets.find((a) => a.name === name)
      if (release === undefined || asset === undefined) throw new Error(`no ${name}`)
      if (how === 'delete') {
        github.state.removeAsset(release, asset)
        return
      }
      if (asset.blob === undefined) throw new Error(`${name} holds no bytes`)
      const bytes = tampered(await github.uploads.blobs.bytes(asset.blob), how)
      asset.blob = await github.uploads.blobs.replace(asset.blob, bytes)
      asset.size = asset.blob.size
      asset.digest = `sha256:${asset.blob.sha256}`
    },
    endState: async (tag) => {
      const all = github.state.releasesOf(REPOSITORY)
      const problems: string[] = []
      for (const release of all) {
        if (release.draft)
          problems.push(`draft release ${release.id} of ${release.tagName} is left`)
        for (const asset of release.assets) {
          if (asset.state !== 'uploaded') {
            problems.push(`${asset.name} of release ${release.id} is left in state ${asset.state}`)
          }
        }
      }
      const published = all.find((r) => r.tagName === tag && !r.draft)
      const assets = (published?.assets ?? []).filter((a) => a.state === 'uploaded')
      const entries = assets.map((a) => ({
        name: a.name,
        url: `${github.webUrl}/${REPOSITORY}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(a.name)}`,
      }))
      const releases = all.map((r) => (r.draft ? `${r.tagName} (draft)` : r.tagName))
      return collect(
        releases,
        entries,
        { authorization: `Bearer ${GITHUB_TOKEN}` },
        problems,
        reader,
      )
    },
    close: async () => {
      await scenario.close()
      await reader.dispatcher?.close()
    },
  }
}

function gitea(scenario: GiteaScenario, reader: Reader): ForgeScenario {
  const { gitea: server } = scenario
  const releaseOf = (tag: string) =>
    server.state.releasesOf(GITEA_REPOSITORY).find((r) => r.tagName === tag)
  return {
    forge: 'gitea',
    gitea: server,
    token: GITEA_TOKEN,
    apiUrl: server.apiUrl,
    routes: {
      upload: { method: 'POST', path: /\/releases\/\d+\/assets\?/, on: 'api' },
      createRelease: { method: 'POST', path: /\/releases$/ },
      // The size check reads the download path by name; `verify: full` downloads by uuid.
      verify: {
        method: 'GET',
        path: /\/releases\/download\/[^/]+\/[^/?]+$|\/attachments\/[^/?]+$/,
        on: 'api',
      },
    },
    servers: () => [server],
    server: () => server,
    env: (extra = {}) => scenario.env(extra),
    requests: () => server.requests.all(),
    addFault: (rule) => server.faults.add(rule),
    cutUploads: (pathname, afterBytes, times = Infinity) => {
      server.faults.add({
        method: 'POST',
        path: pathname,
        times,
        kind: { reset: 'mid-body', afterBytes },
      })
    },
    clearFaults: () => server.faults.clear(),
    errors: () => server.errors,
    tamper: async (tag, name, how) => {
      const release = releaseOf(tag)
      const attachment = release?.attachments.find((a) => a.name === name)
      if (release === undefined || attachment === undefined) throw new Error(`no ${name}`)
      if (how === 'delete') {
        server.state.removeAttachment(release, attachment)
        return
      }
      const bytes = tampered(await server.blobs.bytes(attachment.blob), how)
      attachment.blob = await server.blobs.replace(attachment.blob, bytes)
      attachment.size = attachment.blob.size
    },
    endState: async (tag) => {
      const all = server.state.releasesOf(GITEA_REPOSITORY)
      const problems: string[] = []
      for (const release of all) {
        if (release.isDraft)
          problems.push(`draft release ${release.id} of ${release.tagName} is left`)
      }
      const release = releaseOf(tag)
      const repo = server.repo(GITEA_REPOSITORY)
      if (release !== undefined && !release.isDraft && !repo.tags.has(tag)) {
        problems.push(`release ${tag} is published without its tag`)
      }
      const names = new Map<string, number>()
      for (const a of release?.attachments ?? []) names.set(a.name, (names.get(a.name) ?? 0) + 1)
      const entries = (release?.attachments ?? []).map((a) => ({
        name: a.name,
        // What the release page links: by tag and name while names are unique, else by uuid.
        url:
          (names.get(a.name) ?? 0) > 1
            ? `${server.webUrl}/attachments/${a.uuid}`
            : `${server.webUrl}/${GITEA_REPOSITORY}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(a.name)}`,
      }))
      const releases = all.map((r) => (r.isDraft ? `${r.tagName} (draft)` : r.tagName))
      return collect(releases, entries, { authorization: `token ${GITEA_TOKEN}` }, problems, reader)
    },
    close: async () => {
      await scenario.close()
      await reader.dispatcher?.close()
    },
  }
}

/**
 * The end state without what legitimately differs between runs: the statements' times and
 * runs (collected_at, the provenance's run details) and the signatures over them.
 */
export function comparable(state: EndState): {
  releases: readonly string[]
  files: string[]
  problems: readonly string[]
} {
  return {
    releases: state.releases,
    files: state.files.map((f) =>
      f.name !== SUMS_NAME && DERIVED_NAMES.includes(f.name)
        ? f.name
        : `${f.name} ${f.size} ${f.sha256}`,
    ),
    problems: state.problems,
  }
}
