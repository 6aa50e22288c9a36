/**
 * The fake GitHub holds every request to GitHub's OpenAPI description (@octokit/openapi), and
 * models the servers' differences the tool must cope with: no `digest` on older servers, storage
 * that refuses HEAD on a URL signed for GET, and older GitHub Enterprise Server that routes
 * `git/ref/tags%2Fv1` nowhere.
 */
import { CONTRACT_MARKER } from './contract-violation.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './github.js'
import { call, type CallOptions, type CallResult } from './http-test-client.js'

const WRITER = 'ghp_writer_token_1234'
const UA = { 'user-agent': 'fake-github-test' }

let gh: FakeGitHub

const start = async (options: FakeGitHubOptions = {}): Promise<void> => {
  gh = await startFakeGitHub({
    repos: [{ fullName: 'octo/app', tags: { 'v0.9.0': 'a'.repeat(40) } }],
    tokens: { [WRITER]: { permission: 'write', login: 'writer' } },
    ...options,
  })
}

const api = (method: string, path: string, options: CallOptions = {}): Promise<CallResult> =>
  call(`${gh.apiUrl}${path}`, method, {
    token: WRITER,
    auth: 'bearer',
    ...options,
    headers: { ...UA, ...options.headers },
  })

const draftWithAsset = async (): Promise<{ releaseId: number; assetId: number }> => {
  const release = await api('POST', '/repos/octo/app/releases', {
    json: { tag_name: 'v1.0.0', draft: true },
  })
  const releaseId = release.json.id as number
  const asset = await call(
    `${gh.uploadsUrl}/repos/octo/app/releases/${releaseId}/assets?name=a.txt&label=a%20file.txt`,
    'POST',
    {
      token: WRITER,
      auth: 'bearer',
      body: 'ten bytes!',
      headers: { ...UA, 'content-type': 'text/plain' },
    },
  )
  expect(asset.status).toBe(201)
  return { releaseId, assetId: asset.json.id as number }
}

/** The contract violations recorded so far; clears them (they are the point of these tests). */
const takeViolations = (): string[] => {
  const messages = gh.errors.map((e) => e.message)
  for (const server of [gh.api, gh.uploads, gh.downloads]) server.errors.length = 0
  return messages
}

afterEach(async () => {
  const errors = gh.errors
  await gh.close()
  expect(errors).toEqual([])
})

describe('fake GitHub: every request is held to the OpenAPI description', () => {
  beforeEach(() => start())

  it.each([
    ['HEAD', '/repos/octo/app/releases/assets/1', /no HEAD operation for this path/],
    ['GET', '/repos/octo/app/releases/1/files', /no operation of the api host has this path/],
    [
      'GET',
      '/repos/octo/app/releases?per_page=10&sort=asc',
      /query parameter 'sort' is not defined/,
    ],
    ['GET', '/repos/octo/app/releases?per_page=ten', /per_page="ten" does not fit its schema/],
    ['GET', '/repos/octo/app/releases/assets/latest', /asset_id="latest" does not fit/],
  ])('refuses %s %s with a marked 400 and records it', async (method, path, problem) => {
    const res = await api(method, path)
    expect(res.status).toBe(400)
    if (method !== 'HEAD') expect(String(res.json.message)).toContain(CONTRACT_MARKER)
    const violations = takeViolations()
    expect(violations).toHaveLength(1)
    expect(violations[0]).toMatch(problem)
  })

  it('refuses a JSON body with a property the operation does not define', async () => {
    const res = await api('POST', '/repos/octo/app/releases', {
      json: { tag_name: 'v1.0.0', title: 'App' },
    })
    expect(res.status).toBe(400)
    expect(takeViolations()[0]).toMatch(/body property 'title' is not defined/)
  })

  it('refuses an upload without the required name, and one on the API host', async () => {
    const { releaseId } = await draftWithAsset()
    const noName = await call(
      `${gh.uploadsUrl}/repos/octo/app/releases/${releaseId}/assets`,
      'POST',
      {
        token: WRITER,
        auth: 'bearer',
        body: 'x',
        headers: { ...UA, 'content-type': 'text/plain' },
      },
    )
    expect(noName.status).toBe(400)
    const onApi = await api('POST', `/repos/octo/app/releases/${releaseId}/assets?name=b.txt`, {
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    })
    expect(onApi.status).toBe(400)
    expect(takeViolations()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/required query parameter 'name' is missing/),
        expect.stringMatching(/no POST operation for this path/),
      ]),
    )
  })

  it('takes what the description has: upload name and label, ranged octet-stream downloads', async () => {
    const { assetId } = await draftWithAsset()
    const asset = await api('GET', `/repos/octo/app/releases/assets/${assetId}`)
    expect(asset.json).toMatchObject({ name: 'a.txt', label: 'a file.txt' })
    expect(asset.json.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    const redirect = await api('GET', `/repos/octo/app/releases/assets/${assetId}`, {
      headers: { accept: 'application/octet-stream', range: 'bytes=0-0' },
    })
    const ranged = await call(redirect.headers.get('location') ?? '', 'GET', {
      headers: { ...UA, range: 'bytes=0-0' },
    })
    expect([ranged.status, ranged.text, ranged.headers.get('content-range')]).toEqual([
      206,
      't',
      'bytes 0-0/10',
    ])
  })
})

describe('fake GitHub: servers that differ', () => {
  it('leaves digest out of assets on a server from before digests', async () => {
    await start({ digests: false })
    const { assetId } = await draftWithAsset()
    const asset = await api('GET', `/repos/octo/app/releases/assets/${assetId}`)
    expect(asset.json).not.toHaveProperty('digest')
  })

  it('refuses HEAD on a storage URL signed for GET only', async () => {
    await start({ storageAnswersHead: false })
    const { assetId } = await draftWithAsset()
    const redirect = await api('GET', `/repos/octo/app/releases/assets/${assetId}`, {
      headers: { accept: 'application/octet-stream' },
    })
    const location = redirect.headers.get('location') ?? ''
    expect((await call(location, 'HEAD', { headers: UA })).status).toBe(403)
    expect((await call(location, 'GET', { headers: UA })).text).toBe('ten bytes!')
  })

  it('routes git/ref/tags%2Fv1 nowhere on GitHub Enterprise Server, git/ref/tags/v1 everywhere', async () => {
    await start({ layout: 'enterprise' })
    expect((await api('GET', '/repos/octo/app/git/ref/tags%2Fv0.9.0')).status).toBe(404)
    const ref = await api('GET', '/repos/octo/app/git/ref/tags/v0.9.0')
    expect([ref.status, ref.json.ref]).toEqual([200, 'refs/tags/v0.9.0'])
  })
})
