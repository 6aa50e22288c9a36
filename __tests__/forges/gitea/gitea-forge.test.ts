import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { FileDigest } from '../../../src/assets/file-digest.js'
import { ReleaseError } from '../../../src/errors.js'
import {
  hasDrafts,
  hasLinks,
  hasServerEvidence,
  type ReleaseFields,
  type RemoteRelease,
  type UploadFile,
} from '../../../src/forges/forge.js'
import { GiteaForge } from '../../../src/forges/gitea/gitea-forge.js'
import { createTransport } from '../../../src/http/transport.js'
import type { Transport } from '../../../src/http/types.js'
import type { Logger } from '../../../src/log.js'
import { engineFor, type EngineHarness } from '../../support/engine-harness.js'
import { startFakeGitea, type FakeGitea } from '../../support/fake-forge/index.js'

const TOKEN = 'fj-adapter-test-token'
const REPOSITORY = 'forge/app'

let gitea: FakeGitea
let http: Transport
let forge: GiteaForge
let engine: EngineHarness
let dir: string
let warnings: string[]
let sleeps: number[]

const log: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (message) => warnings.push(message),
  group: (_title, work) => work(),
}

async function setup(options: Parameters<typeof startFakeGitea>[0] = {}): Promise<void> {
  gitea = await startFakeGitea({
    repos: [{ fullName: REPOSITORY }],
    tokens: { [TOKEN]: { permission: 'write', login: 'dev' } },
    ...options,
  })
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms)
    return Promise.resolve()
  }
  http = createTransport({
    credentials: { headers: { Authorization: `Bearer ${TOKEN}` }, origins: [gitea.url] },
    retries: 2,
    timeoutMs: 10_000,
    userAgent: 'forge-release-test',
    sleep,
    random: () => 0,
  })
  forge = new GiteaForge({ apiUrl: gitea.apiUrl, repository: REPOSITORY }, http, log)
  engine = engineFor(forge, { log, sleep })
}

beforeEach(async () => {
  warnings = []
  sleeps = []
  dir = await mkdtemp(path.join(os.tmpdir(), 'gitea-forge-'))
  await setup()
})
afterEach(async () => {
  expect(gitea.errors).toEqual([])
  await http.close()
  await gitea.close()
  await rm(dir, { recursive: true, force: true })
})

const mainSha = (): string => gitea.repo(REPOSITORY).branches.get('main') ?? ''

const fields = (extra: Partial<ReleaseFields> = {}): ReleaseFields => ({
  tagName: 'v1.0.0',
  name: 'v1.0.0',
  ref: 'main',
  draft: true,
  ...extra,
})

/** The digest starts unknown, as for a file with no namesake: the upload itself hashes it. */
async function localFile(name: string, content: string): Promise<UploadFile> {
  const file = path.join(dir, name.replace(/[^\w.-]/g, '_'))
  await writeFile(file, content)
  const size = Buffer.byteLength(content)
  return {
    name,
    path: file,
    size,
    contentType: 'application/octet-stream',
    digest: new FileDigest(file, size),
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Stores an attachment the way another job would, straight through the API. */
async function uploadAsAnotherJob(release: RemoteRelease, name: string, content: string) {
  const form = new FormData()
  form.append('attachment', new Blob([content]), name)
  const res = await fetch(
    `${gitea.apiUrl}/repos/${REPOSITORY}/releases/${release.id ?? ''}/assets?name=${encodeURIComponent(name)}`,
    { method: 'POST', headers: { authorization: `token ${TOKEN}` }, body: form },
  )
  expect(res.status).toBe(201)
}

const writes = (): string[] =>
  gitea.requests.writeRequests().map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)

async function created(extra: Partial<ReleaseFields> = {}): Promise<RemoteRelease> {
  const result = await forge.createRelease(fields(extra), [])
  if (result.kind !== 'created') throw new Error(`create answered ${result.kind}`)
  return result.value
}

describe('what the adapter is', () => {
  it('keeps drafts and stores names as given; no links, no server evidence', () => {
    expect(hasDrafts(forge)).toBe(true)
    expect(hasLinks(forge)).toBe(false)
    expect(hasServerEvidence(forge)).toBe(false)
    expect(forge.storedName('app (v1)+linux#2.tar.gz')).toBe('app (v1)+linux#2.tar.gz')
    expect(forge.rules.checkSize('big.iso', 10 * 1024 ** 3)).toBeUndefined()
  })
})

describe('connecting', () => {
  it('names project for a repository the token cannot see', async () => {
    const other = new GiteaForge({ apiUrl: gitea.apiUrl, repository: 'forge/none' }, http, log)
    await expect(other.connect()).rejects.toMatchObject({ code: 'NOT_FOUND', input: 'project' })
  })

  it('names token for a token the server does not know (401)', async () => {
    const stranger = createTransport({
      credentials: { headers: { Authorization: 'Bearer wrong' }, origins: [gitea.url] },
      retries: 0,
      timeoutMs: 5000,
      userAgent: 't',
    })
    const other = new GiteaForge({ apiUrl: gitea.apiUrl, repository: REPOSITORY }, stranger, log)
    await expect(other.connect()).rejects.toMatchObject({ code: 'AUTH', input: 'token' })
    await stranger.close()
  })

  it('names token and the write:repository scope when the token may only read (403)', async () => {
    gitea.state.addToken('read-only', { permission: 'write', scopes: ['read:repository'] })
    const reader = createTransport({
      credentials: { headers: { Authorization: 'Bearer read-only' }, origins: [gitea.url] },
      retries: 0,
      timeoutMs: 5000,
      userAgent: 't',
    })
    const other = new GiteaForge({ apiUrl: gitea.apiUrl, repository: REPOSITORY }, reader, log)
    await other.connect()
    const error = await other.createRelease(fields(), []).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'FORBIDDEN', input: 'token' })
    expect((error as ReleaseError).message).toMatch(/required=\[write:repository\]/)
    expect((error as ReleaseError).hint).toMatch(/write:repository/)
    await reader.close()
  })

  it('learns from the settings that attachments are off, and refuses to upload before sending', async () => {
    gitea.config.attachmentsEnabled = false
    await forge.connect()
    expect(warnings).toEqual(['This Forgejo/Gitea instance has attachments turned off'])
    const release = await created()
    const error = await forge
      .uploadAsset(release, await localFile('a.txt', 'a'), undefined, () => undefined)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'UNSUPPORTED', input: 'assets' })
    expect(writes().filter((w) => w.includes('/assets'))).toEqual([])
  })
})

describe('releases and tags', () => {
  it('creates a missing tag from ref first, then the draft release: the tag never waits for publishing', async () => {
    expect(await forge.findTag('v1.0.0')).toEqual({ state: 'missing' })
    const release = await created({ tagMessage: 'Release 1.0.0', description: 'Notes' })
    expect(writes()).toEqual([
      'POST /api/v1/repos/forge/app/tags',
      'POST /api/v1/repos/forge/app/releases',
    ])
    expect(gitea.repo(REPOSITORY).tags.get('v1.0.0')).toMatchObject({
      commitSha: mainSha(),
      message: 'Release 1.0.0',
    })
    expect(release).toEqual({
      tagName: 'v1.0.0',
      name: 'v1.0.0',
      description: 'Notes',
      webUrl: `${gitea.url}/${REPOSITORY}/releases/tag/v1.0.0`,
      draft: true,
      prerelease: false,
      id: release.id,
      commitSha: mainSha(),
    })
  })

  it('names ref when the tag cannot be made from it, before any release exists', async () => {
    const error = await forge
      .createRelease(fields({ ref: 'no-such-branch' }), [])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReleaseError)
    expect(error).toMatchObject({ code: 'INVALID_INPUT', input: 'ref' })
    expect(gitea.state.releasesOf(REPOSITORY)).toEqual([])
  })

  it('finds a draft by its tag, and answers exists when the tag already has a release', async () => {
    const release = await created()
    expect(await forge.findRelease('v1.0.0')).toMatchObject({ id: release.id, draft: true })
    const again = await forge.createRelease(fields(), [])
    expect(again.kind).toBe('exists')
  })

  it('refuses a tag another spelling of which holds a release (tags match without case)', async () => {
    await created({ tagName: 'V1.0.0', name: 'V1.0.0' })
    const error = await forge.findRelease('v1.0.0').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'RELEASE_EXISTS', input: 'tag_name' })
  })

  it('converges with another job that created the release meanwhile: the engine adopts it', async () => {
    gitea.state.createTag(gitea.repo(REPOSITORY), 'v1.0.0', mainSha(), '', 'seed')
    const theirs = await created()
    const { created: ours, release } = await engine.create(fields())
    expect(ours).toBe(false)
    expect(release.id).toBe(theirs.id)
  })

  it('reads back a create whose answer was lost, and keeps the draft it finds', async () => {
    gitea.faults.add({ method: 'POST', path: /\/releases$/, kind: { reset: 'after-apply' } })
    const { created: ours, release } = await engine.create(fields())
    expect(ours).toBe(true)
    expect(release.draft).toBe(true)
    expect(gitea.state.releasesOf(REPOSITORY)).toHaveLength(1)
  })

  it('repeats a tag create whose answer was lost only after reading that the tag is there', async () => {
    gitea.faults.add({ method: 'POST', path: /\/tags$/, kind: { reset: 'after-apply' } })
    const { created: ours } = await engine.create(fields())
    expect(ours).toBe(true)
    expect(writes().filter((w) => w.endsWith('/tags'))).toHaveLength(1)
    expect(gitea.state.releasesOf(REPOSITORY)).toHaveLength(1)
  })

  it('publishes a draft (the tag is there already) and updates name, notes and pre-release', async () => {
    const release = await created()
    const updated = await forge.updateRelease(
      release,
      fields({ name: 'One', description: 'New notes', prerelease: true }),
    )
    expect(updated).toMatchObject({ name: 'One', description: 'New notes', prerelease: true })
    const published = await forge.publishRelease(updated, fields({ prerelease: true }))
    expect(published).toMatchObject({ draft: false, commitSha: mainSha() })
    expect(gitea.state.journal.filter((e) => e.kind === 'publish')).toHaveLength(1)
    expect(await forge.findEmptyDuplicates(published)).toEqual([])
  })

  it('knows the commit of a draft whose tag does not exist yet from its target branch', async () => {
    const repo = gitea.repo(REPOSITORY)
    const draft = gitea.state.insertRelease(repo, {
      tagName: 'v2',
      target: 'main',
      title: 'v2',
      note: '',
      isDraft: true,
      isPrerelease: false,
      isTag: false,
      sha1: '',
      publisher: 'dev',
    })
    expect(await forge.findRelease('v2')).toMatchObject({
      id: String(draft.id),
      commitSha: mainSha(),
    })
  })
})

describe('attachments', () => {
  it('uploads the multipart field `attachment` by name, and lists it with size and no sha256', async () => {
    const release = await created()
    const file = await localFile('app (v1).tar.gz', 'linux build\n'.repeat(100))
    const stored = await engine.upload(release, file)
    expect(stored).toMatchObject({
      name: 'app (v1).tar.gz',
      size: file.size,
      sha256: sha256('linux build\n'.repeat(100)),
    })
    const uploads = gitea.requests.filter({ method: 'POST', path: /\/assets\?/ })
    expect(uploads.map((r) => r.path)).toEqual([
      `/api/v1/repos/forge/app/releases/${release.id ?? ''}/assets?name=app%20(v1).tar.gz`,
    ])
    const [listed] = await forge.listAssets(release)
    expect(listed).toMatchObject({
      name: 'app (v1).tar.gz',
      size: file.size,
      url: `${gitea.url}/${REPOSITORY}/releases/download/v1.0.0/app%20(v1).tar.gz`,
      directAssetUrl: `${gitea.url}/${REPOSITORY}/releases/download/v1.0.0/app%20(v1).tar.gz`,
    })
    expect(listed?.sha256).toBeUndefined()
  })

  it('replaces a file by deleting the old attachment first (Gitea would keep both)', async () => {
    const release = await created()
    const old = await engine.upload(release, await localFile('a.txt', 'old'))
    await engine.upload(release, await localFile('a.txt', 'new!'), old)
    const assets = await forge.listAssets(release)
    expect(assets.map((a) => [a.name, a.size])).toEqual([['a.txt', 4]])
    expect(gitea.state.releasesOf(REPOSITORY)[0]?.attachments).toHaveLength(1)
  })

  it('gives way when another job stored the same name at the same moment: the lowest id stays', async () => {
    const release = await created()
    await uploadAsAnotherJob(release, 'SHA256SUMS', 'theirs\n')
    const result = await engine.store(release, await localFile('SHA256SUMS', 'ours!!\n'))
    expect(result.how).toBe('other')
    const left = gitea.state.releasesOf(REPOSITORY)[0]?.attachments ?? []
    expect(left.map((a) => a.size)).toEqual([7])
  })

  it('keeps its own upload when another job’s copy of the name came later, removing that one', async () => {
    const release = await created()
    const file = await localFile('SHA256SUMS', 'ours\n')
    expect((await forge.uploadAsset(release, file, undefined, () => undefined)).kind).toBe(
      'created',
    )
    await uploadAsAnotherJob(release, 'SHA256SUMS', 'later\n')
    const found = await forge.readBackAsset(release, file, {
      outcome: 'unknown',
      lastAttempt: false,
    })
    expect(found.kind).toBe('landed')
    expect(gitea.state.releasesOf(REPOSITORY)[0]?.attachments.map((a) => a.size)).toEqual([5])
  })

  it('reads back an upload whose answer was lost as landed, without sending it again', async () => {
    const release = await created()
    gitea.faults.add({ method: 'POST', path: /\/assets\?/, kind: { reset: 'after-apply' } })
    const result = await engine.store(release, await localFile('b.bin', 'bytes'.repeat(50)))
    expect(result.how).toBe('landed')
    expect(gitea.requests.filter({ method: 'POST', path: /\/assets\?/ })).toHaveLength(1)
  })

  it('reports a 413 as a file too large, and a forbidden type naming the release setting', async () => {
    const release = await created()
    gitea.config.maxReleaseAttachmentBytes = 3
    await expect(engine.upload(release, await localFile('big.bin', 'four'))).rejects.toMatchObject({
      code: 'ASSET_TOO_LARGE',
      input: 'assets',
    })
    gitea.config.maxReleaseAttachmentBytes = undefined
    gitea.config.releaseAllowedTypes = '.zip'
    const error = await engine
      .upload(release, await localFile('app.exe', 'x'))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ASSET_INVALID', input: 'assets' })
    expect((error as ReleaseError).hint).toMatch(/ALLOWED_TYPES/)
  })

  it('downloads and measures through the release’s download path, with a one-byte ranged GET', async () => {
    const release = await created()
    const content = 'payload\n'.repeat(40)
    const stored = await engine.upload(release, await localFile('p.txt', content))
    const body = await engine.open(stored)
    const chunks: Buffer[] = []
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk)
    expect(Buffer.concat(chunks).toString()).toBe(content)
    gitea.requests.clear()
    expect(await forge.fetchAssetSize(release, stored)).toBe(content.length)
    expect(
      gitea.requests.all().map((r) => `${r.method} ${r.path} ${r.headers.range ?? ''}`),
    ).toEqual([`GET /${REPOSITORY}/releases/download/v1.0.0/p.txt bytes=0-0`])
  })

  it('never sends HEAD (a refusing server changes nothing), and names a vanished file', async () => {
    const release = await created()
    const stored = await engine.upload(release, await localFile('q.txt', 'q'.repeat(99)))
    gitea.faults.add({ method: 'HEAD', kind: { status: 405 } })
    expect(await forge.fetchAssetSize(release, stored)).toBe(99)
    const ranged = gitea.requests.filter({ method: 'GET', path: /\/releases\/download\// })
    expect(ranged.map((r) => r.headers.range)).toEqual(['bytes=0-0'])
    const held = gitea.state.releasesOf(REPOSITORY)[0]
    const attachment = held?.attachments[0]
    if (held === undefined || attachment === undefined) throw new Error('nothing stored')
    gitea.state.removeAttachment(held, attachment)
    await expect(forge.fetchAssetSize(release, stored)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('describing a dry run', () => {
  it('lists the tag create only when the tag is missing, then the draft create', async () => {
    await forge.findTag('v1.0.0')
    const step = {
      kind: 'create-release',
      tagName: 'v1.0.0',
      fields: fields(),
      draft: true,
      withLinks: false,
      recovery: 'adopt',
    } as const
    expect(forge.describe(step)).toEqual([
      `POST ${gitea.apiUrl}/repos/forge/app/tags (tag v1.0.0 from main)`,
      `POST ${gitea.apiUrl}/repos/forge/app/releases (draft, tag v1.0.0)`,
    ])
    gitea.state.createTag(gitea.repo(REPOSITORY), 'v1.0.0', mainSha(), '', 'seed')
    await forge.findTag('v1.0.0')
    expect(forge.describe(step)).toHaveLength(1)
    expect(writes()).toEqual([])
  })
})
