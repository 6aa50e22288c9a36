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
import { GongfengForge } from '../../../src/forges/gongfeng/gongfeng-forge.js'
import { createTransport } from '../../../src/http/transport.js'
import type { Transport } from '../../../src/http/types.js'
import type { Logger } from '../../../src/log.js'
import { engineFor, type EngineHarness } from '../../support/engine-harness.js'
import { startFakeGongfeng, type FakeGongfeng } from '../../support/fake-forge/index.js'

const TOKEN = 'gfpat-adapter-test-token'
const PROJECT = 'tencent/code'
const API_PROJECT = '/api/v3/projects/tencent%2Fcode'

let gf: FakeGongfeng
let http: Transport
let forge: GongfengForge
let engine: EngineHarness
let dir: string
let warnings: string[]
let sleeps: number[]
/** Runs once, at the adapter's first pause (the test's way to act "meanwhile"). */
let duringSleep: (() => Promise<void>) | undefined

const log: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (message) => warnings.push(message),
  group: (_title, work) => work(),
}

async function setup(options: Parameters<typeof startFakeGongfeng>[0] = {}): Promise<void> {
  gf = await startFakeGongfeng({
    projects: [{ id: 85436, path_with_namespace: PROJECT }],
    tokens: { [TOKEN]: { access: 'master' } },
    ...options,
  })
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms)
    const action = duringSleep
    duringSleep = undefined
    await action?.()
  }
  http = createTransport({
    credentials: { headers: { 'PRIVATE-TOKEN': TOKEN }, origins: [gf.url] },
    retries: 2,
    timeoutMs: 10_000,
    userAgent: 'forge-release-test',
    sleep,
    random: () => 0,
  })
  forge = new GongfengForge({ apiUrl: gf.apiUrl, project: PROJECT }, http, log)
  engine = engineFor(forge, { log, sleep })
}

beforeEach(async () => {
  warnings = []
  sleeps = []
  duringSleep = undefined
  dir = await mkdtemp(path.join(os.tmpdir(), 'gongfeng-forge-'))
})
afterEach(async () => {
  expect(gf.errors).toEqual([])
  await http.close()
  await gf.close()
  await rm(dir, { recursive: true, force: true })
})

const fields = (extra: Partial<ReleaseFields> = {}): ReleaseFields => ({
  tagName: 'v1.0.0',
  name: 'v1.0.0',
  ref: 'master',
  ...extra,
})

/** The digest starts unknown, as for a file with no namesake: the upload itself hashes it. */
async function localFile(
  name: string,
  content: string,
): Promise<UploadFile & { readonly sha256: string }> {
  const file = path.join(dir, name.replace(/[^\w.-]/g, '_'))
  await writeFile(file, content)
  const size = Buffer.byteLength(content)
  return {
    name,
    path: file,
    size,
    sha256: createHash('sha256').update(content).digest('hex'),
    contentType: 'application/octet-stream',
    digest: new FileDigest(file, size),
  }
}

/** Stores an attachment the way another job would, straight through the API. */
async function uploadAsAnotherJob(tag: string, name: string, content: string): Promise<void> {
  const form = new FormData()
  form.append('file', new Blob([content]), name)
  const res = await fetch(`${gf.apiUrl}/projects/tencent%2Fcode/releases/${tag}/attachments`, {
    method: 'POST',
    headers: { 'PRIVATE-TOKEN': TOKEN },
    body: form,
  })
  expect(res.status).toBe(201)
}

const writes = (): string[] =>
  gf.requests.writeRequests().map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)

async function createdRelease(tag = 'v1.0.0'): Promise<RemoteRelease> {
  gf.state.addRelease(PROJECT, { tag })
  const release = await forge.findRelease(tag)
  if (release === undefined) throw new Error('release not found')
  return release
}

describe('reading releases and tags', () => {
  beforeEach(() => setup())

  it('maps the release of the seed shape: title, description, labels, commit, id and page', async () => {
    gf.state.addRelease(PROJECT, {
      tag: 'v1.0.0',
      title: 'App 1',
      description: 'Notes',
      labels: ['a', 'b'],
    })
    await forge.connect()
    const release = await forge.findRelease('v1.0.0')
    expect(release).toEqual({
      tagName: 'v1.0.0',
      name: 'App 1',
      description: 'Notes',
      commitSha: gf.project(PROJECT).branches.get('master'),
      webUrl: `${gf.url}/${PROJECT}/releases/v1.0.0`,
      draft: false,
      id: String(gf.state.release(PROJECT, 'v1.0.0')?.id),
      labels: ['a', 'b'],
    })
  })

  it('tells a missing release (undefined) from a missing project (input project), both answered 404', async () => {
    expect(await forge.findRelease('v9')).toBeUndefined()
    const other = new GongfengForge({ apiUrl: gf.apiUrl, project: 'tencent/none' }, http, log)
    const error = await other.findRelease('v9').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReleaseError)
    expect(error).toMatchObject({ code: 'NOT_FOUND', input: 'project' })
  })

  it('treats a plain tag answered by GET /releases/:tag (type none) as no release, and knows the tag', async () => {
    const tag = gf.state.addTag(PROJECT, { name: 'v0.9' })
    expect(await forge.findRelease('v0.9')).toBeUndefined()
    gf.requests.clear()
    expect(await forge.findTag('v0.9')).toEqual({ state: 'exists', commitSha: tag.commitSha })
    expect(gf.requests.all()).toEqual([])
  })

  it('reads a tag through the Tags API: missing on 404, its commit otherwise', async () => {
    expect(await forge.findTag('v9')).toEqual({ state: 'missing' })
    const tag = gf.state.addTag(PROJECT, { name: 'v2' })
    expect(await forge.findTag('v2')).toEqual({ state: 'exists', commitSha: tag.commitSha })
  })

  it('reports a refused token as an input error naming the token', async () => {
    const stranger = createTransport({
      credentials: { headers: { 'PRIVATE-TOKEN': 'wrong' }, origins: [gf.url] },
      retries: 0,
      timeoutMs: 5000,
      userAgent: 't',
    })
    const other = new GongfengForge({ apiUrl: gf.apiUrl, project: PROJECT }, stranger, log)
    await expect(other.connect()).rejects.toMatchObject({ code: 'AUTH', input: 'token' })
    await stranger.close()
  })

  it('lists attachments with name and size but no sha256, and none for a release shown with null', async () => {
    gf.config.emptyAttachments = 'null'
    const release = await createdRelease()
    expect(await forge.listAssets(release, 'v1.0.0')).toEqual([])
    await uploadAsAnotherJob('v1.0.0', 'a.txt', 'abc')
    const assets = await forge.listAssets(release, 'v1.0.0')
    expect(assets).toEqual([
      {
        name: 'a.txt',
        url: `${gf.apiUrl}/projects/tencent%2Fcode/releases/v1.0.0/attachments/a.txt`,
        directAssetUrl: `${gf.apiUrl}/projects/tencent%2Fcode/releases/v1.0.0/attachments/a.txt`,
        size: 3,
        stored: true,
      },
    ])
  })
})

describe('creating and updating releases', () => {
  beforeEach(() => setup())

  it('creates with a form body of the documented fields: tag, start_point, tag_message, description, labels, type', async () => {
    const result = await engine.create(
      fields({ name: 'App', description: 'Notes', tagMessage: 'Annotated', labels: ['x', 'y'] }),
    )
    expect(result.created).toBe(true)
    // No title is sent (the page documents none; the fake refuses it): the release shows its tag.
    expect(result.release).toMatchObject({
      name: 'v1.0.0',
      description: 'Notes',
      labels: ['x', 'y'],
    })
    const post = gf.requests.filter({ method: 'POST' })[0]
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(gf.project(PROJECT).tags.get('v1.0.0')?.message).toBe('Annotated')
    expect(gf.state.release(PROJECT, 'v1.0.0')?.labels).toEqual(['x', 'y'])
    expect(gf.auth).toEqual({ header: gf.requests.length, query: 0 })
  })

  it('names the tag itself as start_point when no ref is given, so an existing tag is released', async () => {
    gf.state.addTag(PROJECT, { name: 'v1.0.0' })
    const result = await engine.create(fields({ ref: undefined }))
    expect(result.created).toBe(true)
    expect(gf.state.release(PROJECT, 'v1.0.0')?.type).toBe('release')
  })

  it('adopts the release another job created first, with created false and no second POST', async () => {
    gf.state.addRelease(PROJECT, { tag: 'v1.0.0', title: 'Theirs' })
    const result = await engine.create(fields())
    expect(result).toMatchObject({ created: false, release: { tagName: 'v1.0.0' } })
    // Adopted, then brought in line with this run's fields.
    expect(writes()).toEqual([`POST ${API_PROJECT}/releases`, `PUT ${API_PROJECT}/releases/v1.0.0`])
  })

  it('reads instead of re-sending when the create landed but its answer was lost', async () => {
    gf.faults.add({ method: 'POST', path: /\/releases$/, kind: { reset: 'after-apply' } })
    const result = await engine.create(fields())
    expect(result.created).toBe(true)
    expect(result.release.tagName).toBe('v1.0.0')
    expect(writes()).toEqual([`POST ${API_PROJECT}/releases`])
  })

  it('sends the create again once a read shows the lost request did not land', async () => {
    gf.faults.add({ method: 'POST', path: /\/releases$/, kind: { status: 502 } })
    const result = await engine.create(fields())
    expect(result.created).toBe(true)
    expect(writes()).toEqual([`POST ${API_PROJECT}/releases`, `POST ${API_PROJECT}/releases`])
    expect(gf.project(PROJECT).releases.size).toBe(1)
  })

  it('promotes a plain tag with PUT type=release when the server refuses to create over it', async () => {
    gf.config.createOnBaseline = 'conflict'
    gf.state.addTag(PROJECT, { name: 'v1.0.0' })
    const result = await engine.create(fields({ description: 'Now a release' }))
    expect(result.created).toBe(true)
    expect(gf.state.release(PROJECT, 'v1.0.0')?.description).toBe('Now a release')
    expect(writes()).toEqual([`POST ${API_PROJECT}/releases`, `PUT ${API_PROJECT}/releases/v1.0.0`])
  })

  it('names ref when the tag is missing and there is nothing to create it from', async () => {
    await expect(engine.create(fields({ ref: undefined }))).rejects.toMatchObject({
      code: 'TAG_MISSING',
      input: 'ref',
    })
    await expect(engine.create(fields({ ref: 'nosuchbranch' }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      input: 'ref',
    })
  })

  it('names labels when the server refuses them', async () => {
    const labels = Array.from({ length: 11 }, (_, i) => `l${i}`)
    await expect(engine.create(fields({ labels }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      input: 'labels',
    })
  })

  it('updates description and labels with PUT by tag, and sends no title', async () => {
    const release = await createdRelease()
    const updated = await forge.updateRelease(
      release,
      fields({ name: 'New', description: 'd', labels: ['z'] }),
    )
    expect(updated).toMatchObject({ name: 'v1.0.0', description: 'd', labels: ['z'] })
    expect(writes()).toEqual([`PUT ${API_PROJECT}/releases/v1.0.0`])
  })
})

describe('attachments', () => {
  beforeEach(() => setup())

  it('uploads as multipart field file and uses the name Gongfeng returns', async () => {
    const release = await createdRelease()
    const file = await localFile('app (x64).zip', 'zip!')
    const asset = await engine.upload(release, file, undefined, () => undefined)
    expect(asset).toMatchObject({ name: 'appx64.zip', size: 4, sha256: file.sha256, stored: true })
    expect(asset.url).toBe(
      `${gf.apiUrl}/projects/tencent%2Fcode/releases/v1.0.0/attachments/appx64.zip`,
    )
    const post = gf.requests.filter({ method: 'POST' })[0]
    expect(post?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(post?.headers['content-length']).toBe(String(post?.bodyBytes))
  })

  it('keeps a Chinese file name intact through the multipart upload and the download URL', async () => {
    const release = await createdRelease()
    const asset = await engine.upload(
      release,
      await localFile('工蜂-发布.txt', '你好'),
      undefined,
      () => undefined,
    )
    expect(asset.name).toBe('工蜂-发布.txt')
    const chunks: Buffer[] = []
    for await (const chunk of (await engine.open(asset)) as AsyncIterable<Buffer>)
      chunks.push(chunk)
    expect(Buffer.concat(chunks).toString()).toBe('你好')
  })

  it('deletes the old attachment before uploading its replacement, since Gongfeng will not overwrite', async () => {
    const release = await createdRelease()
    await uploadAsAnotherJob('v1.0.0', 'a.txt', 'old')
    const [old] = await forge.listAssets(release, 'v1.0.0')
    await engine.upload(release, await localFile('a.txt', 'new!'), old, () => undefined)
    expect(writes().slice(1)).toEqual([
      `DELETE ${API_PROJECT}/releases/v1.0.0/attachments/a.txt`,
      `POST ${API_PROJECT}/releases/v1.0.0/attachments`,
    ])
    expect(gf.state.release(PROJECT, 'v1.0.0')?.attachments.map((a) => a.size)).toEqual([4])
  })

  it('finds an upload that landed unanswered instead of storing it twice', async () => {
    const release = await createdRelease()
    gf.faults.add({ method: 'POST', path: /\/attachments$/, kind: { reset: 'after-apply' } })
    const file = await localFile('a.txt', 'content')
    const asset = await engine.upload(release, file, undefined, () => undefined)
    expect(asset).toMatchObject({ name: 'a.txt', sha256: file.sha256 })
    expect(gf.requests.count({ method: 'POST' })).toBe(1)
    expect(gf.state.release(PROJECT, 'v1.0.0')?.attachments).toHaveLength(1)
  })

  it('uploads again when a read shows that an upload broken mid-body did not land', async () => {
    const release = await createdRelease()
    gf.faults.add({ method: 'POST', kind: { reset: 'mid-body', afterBytes: 10 } })
    const asset = await engine.upload(
      release,
      await localFile('a.txt', 'x'.repeat(5000)),
      undefined,
      () => undefined,
    )
    expect(asset.size).toBe(5000)
    expect(gf.requests.count({ method: 'POST' })).toBe(2)
  })

  it('takes a conflicting file with the same content as its own upload', async () => {
    const release = await createdRelease()
    await uploadAsAnotherJob('v1.0.0', 'a.txt', 'same')
    const file = await localFile('a.txt', 'same')
    const asset = await engine.upload(release, file, undefined, () => undefined)
    expect(asset.sha256).toBe(file.sha256)
    expect(warnings).toEqual([])
  })

  it('keeps a different file another job stored at the same moment, deleting nothing', async () => {
    const release = await createdRelease()
    await uploadAsAnotherJob('v1.0.0', 'a.txt', 'theirs')
    const result = await engine.store(release, await localFile('a.txt', 'ours!!'))
    expect(result.how).toBe('other')
    expect(result.value.sha256).toBeUndefined()
    expect(gf.requests.count({ method: 'DELETE' })).toBe(0)
  })

  it('reports an attachment over the server limit as too large, naming assets', async () => {
    gf.config.maxAttachmentBytes = 100
    const release = await createdRelease()
    const error = await engine
      .upload(release, await localFile('big.bin', 'x'.repeat(200)), undefined, () => undefined)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ASSET_TOO_LARGE', input: 'assets' })
  })

  // The seed documents only GET for downloads ("文件流"): HEAD is never sent, whatever the
  // server would answer to it.
  it.each(['serve', 'not-found', 'method-not-allowed'] as const)(
    'measures the size with a one-byte ranged GET and no HEAD (server HEAD: %s)',
    async (head) => {
      gf.config.head = head
      const release = await createdRelease()
      await uploadAsAnotherJob('v1.0.0', 'a.txt', '1234567')
      const [asset] = await forge.listAssets(release, 'v1.0.0')
      gf.requests.clear()
      expect(await forge.fetchAssetSize(release, asset!)).toBe(7)
      expect(gf.requests.all().map((r) => r.method)).toEqual(['GET'])
      const get = gf.requests.filter({ method: 'GET' })[0]
      expect(get?.headers.range).toBe('bytes=0-0')
      expect(get?.status).toBe(206)
    },
  )

  it('measures an empty file from the 416 its one-byte range gets (Content-Range: bytes */0)', async () => {
    const release = await createdRelease()
    await uploadAsAnotherJob('v1.0.0', 'empty.txt', '')
    const [asset] = await forge.listAssets(release, 'v1.0.0')
    gf.requests.clear()
    expect(await forge.fetchAssetSize(release, asset!)).toBe(0)
    expect(gf.requests.all().map((r) => `${r.method} ${r.status ?? ''}`)).toEqual(['GET 416'])
  })

  it('waits for an attachment another job is replacing instead of failing the download', async () => {
    const release = await createdRelease()
    await uploadAsAnotherJob('v1.0.0', 'SHA256SUMS', 'old sums')
    const [asset] = await forge.listAssets(release, 'v1.0.0')
    const record = gf.state.release(PROJECT, 'v1.0.0')
    if (record === undefined) throw new Error('no release')
    record.attachments = []
    duringSleep = () => uploadAsAnotherJob('v1.0.0', 'SHA256SUMS', 'new sums')
    const chunks: Buffer[] = []
    for await (const chunk of (await engine.open(asset!)) as AsyncIterable<Buffer>)
      chunks.push(chunk)
    expect(Buffer.concat(chunks).toString()).toBe('new sums')
    expect(sleeps).toHaveLength(1)
  })

  it('gives up on an attachment that stays missing, with a NOT_FOUND error', async () => {
    const release = await createdRelease()
    await uploadAsAnotherJob('v1.0.0', 'gone.txt', 'x')
    const [asset] = await forge.listAssets(release, 'v1.0.0')
    await forge.deleteAsset(release, asset!)
    await expect(engine.open(asset!)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(sleeps).toHaveLength(5)
  })
})

describe('what the adapter says and never sends', () => {
  beforeEach(() => setup())

  it('describes dry-run requests as METHOD URL lines', async () => {
    await forge.findRelease('v1.0.0')
    const file = await localFile('a.zip', 'x')
    expect(
      forge.describe({
        kind: 'create-release',
        tagName: 'v1.0.0',
        fields: fields({ labels: ['a'] }),
        draft: false,
        withLinks: false,
        recovery: 'adopt',
      }),
    ).toEqual([
      `POST ${gf.apiUrl}/projects/tencent%2Fcode/releases (tag v1.0.0, start_point master, labels a)`,
    ])
    expect(
      forge.describe({
        kind: 'upload',
        file: { ...file, linkType: 'other' },
        replacing: { name: 'a.zip', url: 'u', stored: true },
        recovery: 'give-way',
      }),
    ).toEqual([
      `DELETE ${gf.apiUrl}/projects/tencent%2Fcode/releases/v1.0.0/attachments/a.zip`,
      `POST ${gf.apiUrl}/projects/tencent%2Fcode/releases/v1.0.0/attachments (a.zip, 1 byte)`,
    ])
    expect(forge.describe({ kind: 'publish', tagName: 'v1.0.0', recovery: 'repeat' })).toEqual([])
  })

  it('has no links, drafts or server evidence: the adapter leaves those interfaces out', () => {
    expect(hasLinks(forge)).toBe(false)
    expect(hasDrafts(forge)).toBe(false)
    expect(hasServerEvidence(forge)).toBe(false)
  })

  it('sends the token only as the PRIVATE-TOKEN header, never in a URL', async () => {
    const release = (await engine.create(fields())).release
    await engine.upload(release, await localFile('a.txt', 'x'), undefined, () => undefined)
    await forge.findTag('v1.0.0')
    expect(gf.auth.query).toBe(0)
    for (const request of gf.requests.all()) {
      expect(request.path).not.toContain('private_token')
      expect(request.path).not.toContain(TOKEN)
      expect(request.headers['private-token']).toBe(TOKEN)
    }
  })
})
