import { createHash } from 'node:crypto'
import { request as httpRequest } from 'node:http'

import { startFakeGitHub, type FakeGitHub } from './github.js'
import { renameAsset } from './github/asset-names.js'
import { CONTRACT_MARKER } from './contract-violation.js'
import { call, type CallOptions, type CallResult } from './http-test-client.js'
import { schemaErrors } from './json-schema-subset.js'

const WRITER = 'ghp_writer_token_1234'
const READER = 'ghp_reader_token_5678'
const UA = { 'user-agent': 'fake-github-test' }

let gh: FakeGitHub

const api = (method: string, path: string, options: CallOptions = {}): Promise<CallResult> =>
  call(`${gh.apiUrl}${path}`, method, {
    token: WRITER,
    auth: 'bearer',
    ...options,
    headers: { ...UA, ...options.headers },
  })

const upload = (
  releaseId: number,
  name: string,
  body: Buffer | string,
  options: CallOptions = {},
): Promise<CallResult> =>
  call(
    `${gh.uploadsUrl}/repos/octo/app/releases/${releaseId}/assets?name=${encodeURIComponent(name)}`,
    'POST',
    {
      token: WRITER,
      auth: 'bearer',
      body,
      ...options,
      headers: { ...UA, 'content-type': 'application/octet-stream', ...options.headers },
    },
  )

const createDraft = async (
  tag = 'v1.0.0',
  extra: Record<string, unknown> = {},
): Promise<number> => {
  const res = await api('POST', '/repos/octo/app/releases', {
    json: { tag_name: tag, draft: true, ...extra },
  })
  expect(res.status).toBe(201)
  return res.json.id as number
}

beforeEach(async () => {
  gh = await startFakeGitHub({
    repos: [{ fullName: 'octo/app' }, { fullName: 'octo/open', private: false }],
    tokens: {
      [WRITER]: { permission: 'write', login: 'writer' },
      [READER]: { permission: 'read', login: 'reader' },
    },
  })
})

afterEach(async () => {
  const errors = gh.errors
  await gh.close()
  expect(errors).toEqual([])
})

describe('fake GitHub: requests GitHub refuses before any endpoint', () => {
  it('answers 403 in plain text to a request without User-Agent', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${gh.apiUrl}/repos/octo/app`, { method: 'GET' }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.removeHeader('user-agent')
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })

  it('answers 401 Bad credentials to an unknown token, even for a public repository', async () => {
    const res = await api('GET', '/repos/octo/open', { token: 'nope-nope' })
    expect(res.status).toBe(401)
    expect(res.json.message).toBe('Bad credentials')
  })

  it('answers 404 to an anonymous request for a private repository', async () => {
    const res = await call(`${gh.apiUrl}/repos/octo/app/releases`, 'GET', { headers: UA })
    expect(res.status).toBe(404)
    expect(res.json.message).toBe('Not Found')
  })

  it('refuses an unknown X-GitHub-Api-Version with 400', async () => {
    const res = await api('GET', '/repos/octo/app', {
      headers: { 'x-github-api-version': '2019-01-01' },
    })
    expect(res.status).toBe(400)
    const ok = await api('GET', '/repos/octo/app', {
      headers: { 'x-github-api-version': '2022-11-28' },
    })
    expect(ok.status).toBe(200)
  })

  it('accepts both `Bearer` and `token` authorization schemes', async () => {
    const res = await call(`${gh.apiUrl}/repos/octo/app`, 'GET', {
      headers: { ...UA, authorization: `token ${WRITER}` },
    })
    expect(res.status).toBe(200)
    expect(res.json.permissions).toMatchObject({ push: true })
  })

  it('sends the x-ratelimit headers on every response', async () => {
    const first = await api('GET', '/repos/octo/app')
    const second = await api('GET', '/repos/octo/missing')
    for (const res of [first, second]) {
      expect(res.headers.get('x-ratelimit-limit')).toBe('5000')
      expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{10}$/)
      expect(res.headers.get('x-ratelimit-resource')).toBe('core')
    }
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(
      Number(first.headers.get('x-ratelimit-remaining')) - 1,
    )
  })
})

describe('fake GitHub: releases', () => {
  it('creates a draft in the shape of the Release schema, with an RFC 6570 upload_url on the uploads origin', async () => {
    const res = await api('POST', '/repos/octo/app/releases', {
      json: { tag_name: 'v1.0.0', name: 'One', body: 'Notes', draft: true },
    })
    expect(res.status).toBe(201)
    expect(schemaErrors('../github/schemas/release.json', res.body)).toEqual([])
    expect(res.json.upload_url).toBe(
      `${gh.uploadsUrl}/repos/octo/app/releases/${String(res.json.id)}/assets{?name,label}`,
    )
    expect(res.json.html_url).toMatch(/\/octo\/app\/releases\/tag\/untagged-[0-9a-f]+$/)
    expect(res.json.draft).toBe(true)
    expect(res.json.immutable).toBe(false)
  })

  it('lets several drafts share one tag, which is what a racing build matrix leaves behind', async () => {
    const a = await createDraft()
    const b = await createDraft()
    expect(b).toBeGreaterThan(a)
    const list = await api('GET', '/repos/octo/app/releases')
    expect((list.body as { id: number }[]).map((r) => r.id)).toEqual([b, a])
  })

  it('refuses a second release for a published tag with 422 Release.tag_name already_exists', async () => {
    const first = await api('POST', '/repos/octo/app/releases', { json: { tag_name: 'v1.0.0' } })
    expect(first.status).toBe(201)
    for (const draft of [true, false]) {
      const again = await api('POST', '/repos/octo/app/releases', {
        json: { tag_name: 'v1.0.0', draft },
      })
      expect(again.status).toBe(422)
      expect(again.body).toEqual({
        message: 'Validation Failed',
        errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
        documentation_url: expect.any(String),
      })
    }
  })

  it('hides drafts from get-by-tag and from users without push access', async () => {
    const id = await createDraft()
    expect((await api('GET', '/repos/octo/app/releases/tags/v1.0.0')).status).toBe(404)
    expect((await api('GET', `/repos/octo/app/releases/${id}`)).status).toBe(200)
    const asReader = await api('GET', '/repos/octo/app/releases', { token: READER })
    expect(asReader.body).toEqual([])
    expect((await api('GET', `/repos/octo/app/releases/${id}`, { token: READER })).status).toBe(404)
  })

  it('publishes a draft on PATCH draft=false, creating the tag from target_commitish', async () => {
    const main = gh.repo('octo/app').branches.get('main')
    const id = await createDraft('v2.0.0', { target_commitish: 'main' })
    expect(gh.repo('octo/app').tags.has('v2.0.0')).toBe(false)
    const res = await api('PATCH', `/repos/octo/app/releases/${id}`, {
      json: { draft: false, make_latest: 'true' },
    })
    expect(res.status).toBe(200)
    expect(res.json.draft).toBe(false)
    expect(res.json.html_url).toBe(`${gh.webUrl}/octo/app/releases/tag/v2.0.0`)
    expect(gh.repo('octo/app').tags.get('v2.0.0')?.commitSha).toBe(main)
    expect((await api('GET', '/repos/octo/app/releases/latest')).json.id).toBe(id)
    const ref = await api('GET', '/repos/octo/app/git/ref/tags%2Fv2.0.0')
    expect(ref.json.object).toMatchObject({ sha: main, type: 'commit' })
  })

  it('refuses make_latest as a boolean: it is a string enum', async () => {
    const res = await api('POST', '/repos/octo/app/releases', {
      json: { tag_name: 'v1.0.0', make_latest: true },
    })
    // The OpenAPI description refuses it before the endpoint would (GitHub: 422 Invalid request).
    expect(res.status).toBe(400)
    expect(String(res.json.message)).toContain(CONTRACT_MARKER)
    expect(String(res.json.message)).toContain('body/make_latest must be string')
    expect(gh.errors).toHaveLength(1)
    gh.api.errors.length = 0
  })

  it('refuses an unknown target_commitish for a tag that does not exist', async () => {
    const res = await api('POST', '/repos/octo/app/releases', {
      json: { tag_name: 'v1.0.0', target_commitish: 'no-such-branch' },
    })
    expect(res.status).toBe(422)
    expect(res.json.errors).toEqual([
      { resource: 'Release', code: 'invalid', field: 'target_commitish' },
    ])
  })

  it('keeps get-by-tag answering 404 for a configured number of reads after publishing (replication lag)', async () => {
    gh.config.tagLookupLag = { reads: 2 }
    await api('POST', '/repos/octo/app/releases', { json: { tag_name: 'v1.0.0' } })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      statuses.push((await api('GET', '/repos/octo/app/releases/tags/v1.0.0')).status)
    }
    expect(statuses).toEqual([404, 404, 200])
  })

  it('pages with a link header only when there is more than one page', async () => {
    for (let i = 0; i < 3; i++) await createDraft(`v1.0.${i}`)
    const single = await api('GET', '/repos/octo/app/releases')
    expect(single.headers.get('link')).toBeNull()
    const first = await api('GET', '/repos/octo/app/releases?per_page=2')
    expect(first.headers.get('link')).toMatch(/page=2>; rel="next", <[^>]*page=2>; rel="last"$/)
    expect(first.headers.get('link')).not.toMatch(/rel="prev"|rel="first"/)
    const last = await api('GET', '/repos/octo/app/releases?per_page=2&page=2')
    expect(last.headers.get('link')).toMatch(/rel="prev".*rel="first"/)
    expect(last.body).toHaveLength(1)
  })

  it('generates notes after a given body when generate_release_notes is set', async () => {
    const res = await api('POST', '/repos/octo/app/releases', {
      json: { tag_name: 'v1.0.0', body: 'Intro', generate_release_notes: true, draft: true },
    })
    expect(res.json.body).toMatch(/^Intro\n\n## What's Changed/)
    expect(res.json.name).toBe('v1.0.0')
  })
})

describe('fake GitHub: assets', () => {
  it('uploads raw bytes on the uploads origin and answers an asset in the schema shape with its digest', async () => {
    const id = await createDraft()
    const bytes = Buffer.from('hello asset\n')
    const res = await upload(id, 'app.tar.gz', bytes)
    expect(res.status).toBe(201)
    expect(schemaErrors('../github/schemas/release-asset.json', res.body)).toEqual([])
    expect(res.json).toMatchObject({
      name: 'app.tar.gz',
      state: 'uploaded',
      size: bytes.length,
      content_type: 'application/octet-stream',
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    })
    expect(gh.api.requests.count({ method: 'POST' })).toBe(1)
    expect(gh.uploads.requests.count({ method: 'POST' })).toBe(1)
  })

  it('refuses an upload without Content-Type or without name', async () => {
    const id = await createDraft()
    const noType = await call(
      `${gh.uploadsUrl}/repos/octo/app/releases/${id}/assets?name=a.txt`,
      'POST',
      { token: WRITER, auth: 'bearer', body: Buffer.from('x'), headers: UA },
    )
    expect(noType.status).toBe(422)
    const noName = await upload(id, '', 'x')
    expect(noName.status).toBe(422)
    expect(noName.json.errors).toEqual([
      { resource: 'ReleaseAsset', code: 'missing_field', field: 'name' },
    ])
  })

  it('answers 422 ReleaseAsset.name already_exists for a taken name', async () => {
    const id = await createDraft()
    expect((await upload(id, 'a.txt', 'one')).status).toBe(201)
    const again = await upload(id, 'a.txt', 'two')
    expect(again.status).toBe(422)
    expect(again.json.errors).toEqual([
      { resource: 'ReleaseAsset', code: 'already_exists', field: 'name' },
    ])
  })

  it('renames special characters the way GitHub does (travis-ci/dpl#821, softprops/action-gh-release#741)', async () => {
    expect(renameAsset("a5_ !#$%&'()+,-.0123456789;=@ABCZ[]^_`abcz{}~.txt")).toBe(
      'a5_.-.0123456789.ABCZ._.abcz.txt',
    )
    expect(renameAsset('a5_ð_æ_©_ŋ.txt')).toBe('a5_d_ae_._ng.txt')
    expect(renameAsset('.config')).toBe('default.config')
    expect(renameAsset('pkg_1.0-1~jammy_amd64.deb')).toBe('pkg_1.0-1.jammy_amd64.deb')
    const id = await createDraft()
    const res = await upload(id, 'my app (x64).zip', 'z')
    expect(res.json.name).toBe('my.app.x64.zip')
  })

  it('leaves a starter asset that blocks the name after a 502 during upload', async () => {
    const id = await createDraft()
    gh.config.uploadFaults.push({ kind: 'bad-gateway' })
    const failed = await upload(id, 'a.txt', 'content')
    expect(failed.status).toBe(502)
    const list = await api('GET', `/repos/octo/app/releases/${id}/assets`)
    expect(list.body).toEqual([
      expect.objectContaining({ name: 'a.txt', state: 'starter', size: 0 }),
    ])
    expect((await upload(id, 'a.txt', 'content')).status).toBe(422)
    const starterId = (list.body as { id: number }[])[0]?.id ?? 0
    expect((await api('DELETE', `/repos/octo/app/releases/assets/${starterId}`)).status).toBe(204)
    expect((await upload(id, 'a.txt', 'content')).status).toBe(201)
  })

  it('leaves a starter asset when the connection is cut mid-upload', async () => {
    const id = await createDraft()
    gh.config.uploadFaults.push({ kind: 'cut', afterBytes: 10 })
    await expect(upload(id, 'big.bin', Buffer.alloc(64 * 1024, 1))).rejects.toThrow()
    const list = await api('GET', `/repos/octo/app/releases/${id}/assets`)
    expect(list.body).toEqual([expect.objectContaining({ name: 'big.bin', state: 'starter' })])
  })

  it('refuses files at or above the size limit', async () => {
    gh.config.maxAssetBytes = 100
    const id = await createDraft()
    const res = await upload(id, 'big.bin', Buffer.alloc(100))
    expect(res.status).toBe(422)
    expect(res.json.errors).toEqual([expect.objectContaining({ code: 'custom', field: 'size' })])
  })

  it('redirects an octet-stream download to a signed URL on the download origin, which refuses an Authorization header', async () => {
    const id = await createDraft()
    const created = await upload(id, 'a.txt', 'bytes here')
    const assetUrl = `/repos/octo/app/releases/assets/${String(created.json.id)}`
    const json = await api('GET', assetUrl)
    expect(json.json.name).toBe('a.txt')
    const redirect = await api('GET', assetUrl, { headers: { accept: 'application/octet-stream' } })
    expect(redirect.status).toBe(302)
    const location = redirect.headers.get('location') ?? ''
    expect(location.startsWith(`${gh.downloadsUrl}/`)).toBe(true)
    const bytes = await call(location, 'GET', { headers: UA })
    expect(bytes.text).toBe('bytes here')
    const head = await call(location, 'HEAD', { headers: UA })
    expect(head.headers.get('content-length')).toBe('10')
    const leaked = await call(location, 'GET', { token: WRITER, auth: 'bearer', headers: UA })
    expect(leaked.status).toBe(400)
    expect(leaked.text).toMatch(/Only one auth mechanism allowed/)
  })

  it('refuses asset changes on a published release in immutable-releases mode', async () => {
    gh.config.immutableReleases = true
    const id = await createDraft()
    const asset = await upload(id, 'a.txt', 'a')
    await api('PATCH', `/repos/octo/app/releases/${id}`, { json: { draft: false } })
    expect((await upload(id, 'b.txt', 'b')).status).toBe(422)
    const del = await api('DELETE', `/repos/octo/app/releases/assets/${String(asset.json.id)}`)
    expect(del.status).toBe(422)
    expect((await api('GET', `/repos/octo/app/releases/${id}`)).json.immutable).toBe(true)
  })
})

describe('fake GitHub: rate limits and layout', () => {
  it('answers a primary rate limit with x-ratelimit-remaining 0 and a reset time', async () => {
    gh.rateLimit({ kind: 'primary', status: 403, resetInSeconds: 30 })
    const res = await api('GET', '/repos/octo/app')
    expect(res.status).toBe(403)
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000)
    expect((await api('GET', '/repos/octo/app')).status).toBe(200)
  })

  it('answers a secondary rate limit with retry-after and the documented message', async () => {
    gh.rateLimit({ kind: 'secondary', status: 429, retryAfter: 7 })
    const res = await api('GET', '/repos/octo/app')
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(res.json.message).toMatch(/secondary rate limit/)
  })

  it('serves the API under /api/v3 and uploads under /api/uploads of one origin in the enterprise layout', async () => {
    await gh.close()
    gh = await startFakeGitHub({
      layout: 'enterprise',
      repos: [{ fullName: 'octo/app' }],
      tokens: { [WRITER]: { permission: 'write' } },
    })
    expect(gh.apiUrl).toBe(`${gh.webUrl}/api/v3`)
    const id = await createDraft()
    const release = await api('GET', `/repos/octo/app/releases/${id}`)
    expect(release.json.upload_url).toBe(
      `${gh.webUrl}/api/uploads/repos/octo/app/releases/${id}/assets{?name,label}`,
    )
    expect((await upload(id, 'a.txt', 'a')).status).toBe(201)
    expect(gh.timeline.map((e) => e.server)).toEqual(['api', 'api', 'uploads'])
  })
})
