import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { FileDigest } from '../../../src/assets/file-digest.js'
import { ReleaseError } from '../../../src/errors.js'
import type { RemoteRelease, UploadFile } from '../../../src/forges/forge.js'
import { GitHubForge } from '../../../src/forges/github/github-forge.js'
import { createTransport } from '../../../src/http/transport.js'
import type { Transport } from '../../../src/http/types.js'
import type { Logger } from '../../../src/log.js'
import { registerSecret } from '../../../src/secrets.js'
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-forge/github.js'
import { engineFor, type EngineHarness } from '../../support/engine-harness.js'
import { makeWorkspace } from '../../support/run-tool.js'

const TOKEN = 'ghs_AdapterTestToken_0123456789'
const noSleep = (): Promise<void> => Promise.resolve()
const REPO = 'octo/app'

let gh: FakeGitHub
let transport: Transport
let forge: GitHubForge
let engine: EngineHarness
let logs: string[]
let sleeps: number[]
let dir: string

const logger: Logger = {
  info: (m) => logs.push(`info ${m}`),
  warn: (m) => logs.push(`warn ${m}`),
  debug: (m) => logs.push(`debug ${m}`),
  group: (_t, work) => work(),
}

const makeForge = (token = TOKEN): GitHubForge => {
  transport = createTransport({
    credentials: {
      headers: { Authorization: `Bearer ${token}` },
      origins: [new URL(gh.apiUrl).origin],
    },
    retries: 3,
    timeoutMs: 10_000,
    userAgent: 'forge-release/test',
    env: {},
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
  })
  return new GitHubForge(
    {
      apiUrl: gh.apiUrl,
      repository: REPO,
      token,
    },
    transport,
    logger,
  )
}

/** The digest starts unknown, as for a file with no namesake: the upload itself hashes it. */
const fileOf = async (
  name: string,
  content: string,
): Promise<UploadFile & { readonly sha256: string }> => {
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

/** A release made directly in the fake, as another job or an earlier run would have. */
const seedRelease = (tagName: string, draft: boolean) => {
  const repo = gh.repo(REPO)
  const release = gh.state.createRelease(
    repo,
    { tagName, targetCommitish: 'main', name: tagName, body: null, draft: true, prerelease: false },
    'someone',
  )
  if (!draft) {
    gh.state.createTag(repo, tagName, repo.branches.get('main') ?? '')
    release.draft = false
    release.publishedAt = Date.now()
  }
  return release
}

const fields = (tagName = 'v1.0.0') => ({ tagName, name: tagName, draft: true, ref: 'main' })

beforeAll(() => registerSecret(TOKEN))

beforeEach(async () => {
  logs = []
  sleeps = []
  dir = await makeWorkspace()
  gh = await startFakeGitHub({
    repos: [{ fullName: REPO }],
    tokens: { [TOKEN]: { permission: 'write' } },
  })
  forge = makeForge()
  engine = engineFor(forge, {
    log: logger,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
  })
})

afterEach(async () => {
  await transport.close()
  const errors = gh.errors
  await gh.close()
  expect(errors).toEqual([])
})

describe('GitHubForge: finding releases and tags', () => {
  it('finds a published release by tag, with the commit of its tag', async () => {
    seedRelease('v1.0.0', false)
    const release = await forge.findRelease('v1.0.0')
    expect(release).toMatchObject({
      tagName: 'v1.0.0',
      draft: false,
      commitSha: gh.repo(REPO).branches.get('main'),
      webUrl: `${gh.webUrl}/${REPO}/releases/tag/v1.0.0`,
    })
  })

  it('finds a draft by listing, since get-by-tag only knows published releases', async () => {
    const draft = seedRelease('v1.0.0', true)
    const release = await forge.findRelease('v1.0.0')
    expect(release?.id).toBe(String(draft.id))
    expect(release?.draft).toBe(true)
    // The page the release will have once published, not the draft's untagged-… one.
    expect(release?.webUrl).toBe(`${gh.webUrl}/${REPO}/releases/tag/v1.0.0`)
  })

  it('finds the canonical draft among many releases, reading the list page by page', async () => {
    const first = seedRelease('v1.0.0', true)
    for (let i = 0; i < 70; i++) seedRelease(`v0.${i}.0`, i % 2 === 0)
    seedRelease('v1.0.0', true)
    const release = await forge.findRelease('v1.0.0')
    // The lowest id of the tag's drafts, wherever in the list it is.
    expect(release?.id).toBe(String(first.id))
    const lists = gh.api.requests
      .filter({ method: 'GET' })
      .filter((r) => /\/releases\?/.test(r.path))
    // Small pages: every listed release carries all its assets.
    expect(lists.length).toBe(8)
    expect(lists.every((r) => r.path.includes('per_page=10'))).toBe(true)
  })

  it('finds a release published moments ago even while get-by-tag still 404s (replication lag)', async () => {
    gh.config.tagLookupLag = { reads: 10 }
    const created = (await (
      await fetch(`${gh.apiUrl}/repos/${REPO}/releases`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'user-agent': 'test',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ tag_name: 'v1.0.0' }),
      })
    ).json()) as { id: number }
    expect((await forge.findRelease('v1.0.0'))?.id).toBe(String(created.id))
  })

  it('answers undefined when no release has the tag', async () => {
    seedRelease('v0.9.0', false)
    expect(await forge.findRelease('v1.0.0')).toBeUndefined()
  })

  it('reads lightweight and annotated tags, and reports missing ones', async () => {
    await gh.close()
    gh = await startFakeGitHub({
      repos: [
        {
          fullName: REPO,
          branches: { main: 'a'.repeat(40) },
          tags: { light: 'b'.repeat(40), annotated: { sha: 'c'.repeat(40), message: 'Release' } },
        },
      ],
      tokens: { [TOKEN]: { permission: 'write' } },
    })
    await transport.close()
    forge = makeForge()
    expect(await forge.findTag('light')).toEqual({ state: 'exists', commitSha: 'b'.repeat(40) })
    expect(await forge.findTag('annotated')).toEqual({ state: 'exists', commitSha: 'c'.repeat(40) })
    expect(await forge.findTag('v9')).toEqual({ state: 'missing' })
  })

  it('names the project when the repository is not visible', async () => {
    await transport.close()
    forge = new GitHubForge(
      { apiUrl: gh.apiUrl, repository: 'octo/nope', token: TOKEN },
      (transport = createTransport({
        credentials: { headers: { Authorization: `Bearer ${TOKEN}` }, origins: [gh.webUrl] },
        retries: 0,
        timeoutMs: 5000,
        userAgent: 'forge-release/test',
        env: {},
      })),
      logger,
    )
    await expect(forge.connect()).rejects.toMatchObject({ code: 'NOT_FOUND', input: 'project' })
  })

  it('never puts the token in an error, even for a refused token', async () => {
    const wrong = 'ghp_WrongTokenButSecret_987654'
    registerSecret(wrong)
    await transport.close()
    forge = makeForge(wrong)
    const error = await forge.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReleaseError)
    expect((error as ReleaseError).code).toBe('AUTH')
    const seen = JSON.stringify(error, Object.getOwnPropertyNames(error))
    expect(seen).not.toContain(wrong)
    expect(String((error as Error).stack)).not.toContain(wrong)
  })
})

describe('GitHubForge: creating releases in a build matrix', () => {
  it('creates a draft and keeps it when it is the only one', async () => {
    const result = await engine.create(fields())
    expect(result.created).toBe(true)
    expect(result.release.draft).toBe(true)
    expect(gh.state.releasesOf(REPO)).toHaveLength(1)
  })

  it('deletes its own draft and joins the earlier one when another job created a draft first', async () => {
    const earlier = seedRelease('v1.0.0', true)
    const result = await engine.create(fields())
    expect(result).toMatchObject({ created: false, release: { id: String(earlier.id) } })
    expect(gh.state.releasesOf(REPO).map((r) => r.id)).toEqual([earlier.id])
    expect(gh.state.journal.filter((e) => e.kind === 'delete-release')).toHaveLength(1)
  })

  it('joins the published release when another job published first (422 already_exists), despite lag', async () => {
    gh.config.tagLookupLag = { reads: 3 }
    const published = seedRelease('v1.0.0', false)
    published.hiddenReads = 3
    const result = await engine.create(fields())
    expect(result).toMatchObject({
      created: false,
      release: { id: String(published.id), draft: false },
    })
    expect(gh.state.releasesOf(REPO)).toHaveLength(1)
  })

  it('explains an unknown ref', async () => {
    await expect(
      engine.create({ ...fields(), draft: false, ref: 'no-such-branch' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', input: 'ref' })
  })

  it('sends make_latest as a string when publishing, and none for a prerelease', async () => {
    const { release } = await engine.create(fields())
    const published = await forge.publishRelease(release, { ...fields(), makeLatest: 'legacy' })
    expect(published).toMatchObject({ draft: false, commitSha: gh.repo(REPO).branches.get('main') })
    expect(gh.repo(REPO).latestReleaseId).toBe(Number(release.id))

    const pre = await engine.create({ ...fields('v2.0.0-rc.1'), prerelease: true })
    await forge.publishRelease(pre.release, {
      ...fields('v2.0.0-rc.1'),
      prerelease: true,
      makeLatest: 'true',
    })
    expect(gh.repo(REPO).latestReleaseId).toBe(Number(release.id))
  })

  it('publishing twice (every job of a matrix does) leaves one published release', async () => {
    const { release } = await engine.create(fields())
    await forge.publishRelease(release, fields())
    await forge.publishRelease(release, fields())
    expect(gh.state.journal.filter((e) => e.kind === 'publish')).toHaveLength(1)
  })

  it('finds the tag’s empty duplicate drafts: not one that holds a file, nor another tag’s', async () => {
    const { release } = await engine.create(fields())
    const empty = seedRelease('v1.0.0', true)
    const holding = seedRelease('v1.0.0', true)
    const asset = gh.state.addAsset(
      holding,
      { name: 'a.bin', label: null, contentType: 'application/octet-stream' },
      'someone',
    )
    asset.state = 'uploaded'
    seedRelease('v2.0.0', true)
    const found = await forge.findEmptyDuplicates(release)
    expect(found.map((r) => r.id)).toEqual([String(empty.id)])
  })

  it('refuses to publish a duplicate draft once another release owns the tag', async () => {
    const { release } = await engine.create(fields())
    seedRelease('v1.0.0', false)
    await expect(forge.publishRelease(release, fields())).rejects.toMatchObject({
      code: 'RELEASE_EXISTS',
    })
  })
})

describe('GitHubForge: assets', () => {
  let release: RemoteRelease

  beforeEach(async () => {
    release = (await engine.create(fields())).release
  })

  it('uploads to the upload_url with Content-Length and Content-Type, and reads the digest back', async () => {
    const file = await fileOf('app.tar.gz', 'tarball bytes')
    const asset = await engine.upload(release, file, undefined, () => undefined)
    expect(asset).toMatchObject({
      name: 'app.tar.gz',
      size: file.size,
      sha256: file.sha256,
      stored: true,
    })
    expect(asset.url).toBe(`${gh.webUrl}/${REPO}/releases/download/v1.0.0/app.tar.gz`)
    const [upload] = gh.uploads.requests.filter({ method: 'POST' })
    expect(upload?.headers['content-length']).toBe(String(file.size))
    expect(upload?.headers['content-type']).toBe('application/octet-stream')
    expect(upload?.path).toBe(`/repos/${REPO}/releases/${release.id}/assets?name=app.tar.gz`)
  })

  it('lists uploaded assets with their sha256 and leaves starter ones out', async () => {
    await engine.upload(release, await fileOf('a.txt', 'a'), undefined, () => undefined)
    gh.state.addAsset(
      gh.state.releasesOf(REPO)[0] ?? seedRelease('x', true),
      { name: 'b.txt', label: null, contentType: 'text/plain' },
      'someone',
    )
    const assets = await forge.listAssets(release, 'v1.0.0')
    expect(assets.map((a) => a.name)).toEqual(['a.txt'])
    expect(assets[0]?.sha256).toBe(createHash('sha256').update('a').digest('hex'))
  })

  it('replaces an asset by deleting the old one first: GitHub cannot overwrite', async () => {
    const old = await engine.upload(
      release,
      await fileOf('a.txt', 'old'),
      undefined,
      () => undefined,
    )
    const fresh = await engine.upload(release, await fileOf('a.txt', 'new'), old, () => undefined)
    expect(fresh.sha256).toBe(createHash('sha256').update('new').digest('hex'))
    const names = gh.state.releasesOf(REPO)[0]?.assets.map((a) => a.name)
    expect(names).toEqual(['a.txt'])
  })

  it('returns the asset another job stored with the same bytes (422 already_exists)', async () => {
    const file = await fileOf('same.txt', 'same')
    const theirs = await engineFor(makeForge(), { log: logger, sleep: noSleep }).upload(
      release,
      file,
      undefined,
      () => undefined,
    )
    const ours = await engine.upload(release, file, undefined, () => undefined)
    expect(ours.handle).toEqual(theirs.handle)
  })

  it('gives way to different bytes another job stored under the name, deleting nothing', async () => {
    const theirs = await engineFor(makeForge(), { log: logger, sleep: noSleep }).upload(
      release,
      await fileOf('x.txt', 'theirs'),
    )
    const result = await engine.store(release, await fileOf('x.txt', 'ours'))
    expect(result).toMatchObject({ how: 'other', value: { handle: theirs.handle } })
    expect(gh.state.journal.filter((e) => e.kind === 'delete-asset')).toEqual([])
  })

  it('waits while another job uploads the same name, then keeps that upload when it has the same bytes', async () => {
    const file = await fileOf('SHA256SUMS', 'sums\n')
    await forge.listAssets(release, 'v1.0.0')
    // Another job's upload of the name is under way (state starter) when ours arrives.
    const target = gh.state.releasesOf(REPO)[0]
    const theirs = gh.state.addAsset(
      target ?? seedRelease('x', true),
      { name: 'SHA256SUMS', label: null, contentType: 'text/plain' },
      'other-job',
    )
    const waits: number[] = []
    const patient = engineFor(forge, {
      log: logger,
      sleep: (ms) => {
        waits.push(ms)
        // …and it completes while we wait.
        theirs.state = 'uploaded'
        theirs.size = file.size
        theirs.digest = `sha256:${file.sha256}`
        return Promise.resolve()
      },
    })
    const asset = await patient.upload(release, file)
    expect(asset.handle).toMatchObject({ assetId: theirs.id })
    expect(waits).toHaveLength(1)
    expect(gh.state.journal.filter((e) => e.kind === 'delete-asset')).toEqual([])
  })

  it('deletes a starter that stays unfinished through every retry, then uploads', async () => {
    const file = await fileOf('stuck.bin', 'bytes')
    await forge.listAssets(release, 'v1.0.0')
    gh.state.addAsset(
      gh.state.releasesOf(REPO)[0] ?? seedRelease('x', true),
      { name: 'stuck.bin', label: null, contentType: 'application/octet-stream' },
      'crashed-job',
    )
    const asset = await engine.upload(release, file, undefined, () => undefined)
    expect(asset.sha256).toBe(file.sha256)
    expect(gh.state.journal.filter((e) => e.kind === 'delete-asset')).toHaveLength(1)
    expect(gh.state.releasesOf(REPO)[0]?.assets.map((a) => a.state)).toEqual(['uploaded'])
  })

  it('downloads through the API redirect without sending the token to the storage host', async () => {
    const asset = await engine.upload(
      release,
      await fileOf('d.txt', 'download me'),
      undefined,
      () => undefined,
    )
    const stream = await engine.open(asset)
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).toString()).toBe('download me')
    expect(await forge.fetchAssetSize(release, asset)).toBe('download me'.length)
    expect(gh.downloads.requests.length).toBe(2)
    expect(gh.downloads.requests.withHeader('authorization')).toEqual([])
  })

  it('reports a published immutable release as the reason an asset cannot change', async () => {
    gh.config.immutableReleases = true
    const asset = await engine.upload(
      release,
      await fileOf('i.txt', 'one'),
      undefined,
      () => undefined,
    )
    await forge.publishRelease(release, fields())
    const published = { ...release, draft: false }
    await expect(
      engine.upload(published, await fileOf('i.txt', 'two'), asset, () => undefined),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', input: 'assets' })
  })

  it('streams the file from disk rather than reading it whole', async () => {
    const big = path.join(dir, 'big.bin')
    await writeFile(big, Buffer.alloc(3 * 1024 * 1024, 7))
    const sha256 = createHash('sha256')
      .update(await readFile(big))
      .digest('hex')
    const sent: number[] = []
    await engine.upload(
      release,
      {
        name: 'big.bin',
        path: big,
        size: 3 * 1024 * 1024,
        contentType: 'application/octet-stream',
        digest: new FileDigest(big, 3 * 1024 * 1024, sha256),
      },
      undefined,
      (bytes) => sent.push(bytes),
    )
    // Progress arrives chunk by chunk (1 MiB reads) as the transport takes the file.
    expect(sent.length).toBeGreaterThanOrEqual(3)
    expect(sent.at(-1)).toBe(3 * 1024 * 1024)
  })
})

describe('GitHubForge: dry-run descriptions', () => {
  it('describes the create, upload and publish requests', async () => {
    const file = await fileOf('my app.zip', 'z')
    expect(
      forge.describe({
        kind: 'create-release',
        tagName: 'v1.0.0',
        fields: fields(),
        draft: true,
        withLinks: false,
        recovery: 'adopt',
      }),
    ).toEqual([`POST ${gh.apiUrl}/repos/${REPO}/releases (draft, tag v1.0.0)`])
    expect(
      forge.describe({
        kind: 'upload',
        file: { ...file, linkType: 'other' },
        recovery: 'give-way',
      }),
    ).toEqual([
      `POST ${gh.apiUrl}/repos/${REPO}/releases/<new draft>/assets?name=my.app.zip (1 byte)`,
    ])
    expect(forge.describe({ kind: 'publish', tagName: 'v1.0.0', recovery: 'repeat' })).toEqual([
      `PATCH ${gh.apiUrl}/repos/${REPO}/releases/<new draft> (draft: false)`,
    ])
    expect(forge.describe({ kind: 'verify', recovery: 'repeat' })).toEqual([])
  })
})
