import { startFakeGitea, type FakeGitea } from './gitea.js'
import { call, type CallOptions } from './http-test-client.js'

const REPO = '/repos/forge/app'
const WRITER = 'fj_writer'
const READER = 'fj_reader'
const READ_SCOPE = 'fj_read_scope'

let gitea: FakeGitea
const api = (method: string, path: string, options: CallOptions = {}): ReturnType<typeof call> =>
  call(`${gitea.apiUrl}${path}`, method, { token: WRITER, auth: 'bearer', ...options })

const form = (name: string, content: string | Buffer): FormData => {
  const data = new FormData()
  data.append('attachment', new Blob([content]), name)
  return data
}

const createRelease = async (value: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const res = await api('POST', `${REPO}/releases`, { json: value })
  expect(res.status).toBe(201)
  return res.json
}

beforeEach(async () => {
  gitea = await startFakeGitea({
    repos: [{ fullName: 'forge/app' }],
    tokens: {
      [WRITER]: { permission: 'write', login: 'dev' },
      [READER]: { permission: 'read', login: 'reader', scopes: ['read:repository'] },
      [READ_SCOPE]: { permission: 'write', login: 'scoped', scopes: ['read:repository'] },
    },
  })
})

afterEach(async () => {
  expect(gitea.errors).toEqual([])
  await gitea.close()
})

describe('auth', () => {
  it('takes the token as `token <t>` and as `Bearer <t>`, and 401s a token nobody has', async () => {
    const asToken = await call(`${gitea.apiUrl}${REPO}`, 'GET', {
      headers: { authorization: `token ${WRITER}` },
    })
    expect(asToken.status).toBe(200)
    expect((asToken.json.permissions as Record<string, boolean>).push).toBe(true)
    expect((await api('GET', REPO)).status).toBe(200)
    const wrong = await api('GET', REPO, { token: 'nobody' })
    expect(wrong.status).toBe(401)
    expect(wrong.json).toEqual({
      message: 'user does not exist [uid: 0, name: ]',
      url: `${gitea.url}/api/swagger`,
    })
  })

  it('hides a private repository (404) from anonymous callers and answers Gitea’s not-found body', async () => {
    const res = await call(`${gitea.apiUrl}${REPO}`, 'GET')
    expect(res.status).toBe(404)
    expect(res.json).toEqual({
      errors: [],
      message: "The target couldn't be found.",
      url: `${gitea.url}/api/swagger`,
    })
  })

  it('refuses writes to readers (403) and to tokens without write:repository (403)', async () => {
    const reader = await api('POST', `${REPO}/releases`, {
      token: READER,
      json: { tag_name: 'v1', name: 'v1' },
    })
    expect(reader.status).toBe(403)
    const scoped = await api('POST', `${REPO}/releases`, {
      token: READ_SCOPE,
      json: { tag_name: 'v1', name: 'v1' },
    })
    expect(scoped.status).toBe(403)
    expect(scoped.json.message).toMatch(/required=\[write:repository\]/)
  })
})

describe('releases', () => {
  it('creates a draft without a tag, and publishing creates the tag from target_commitish', async () => {
    const main = gitea.repo('forge/app').branches.get('main')
    const draft = await createRelease({ tag_name: 'v1.0.0', name: 'One', draft: true })
    expect(draft).toMatchObject({ tag_name: 'v1.0.0', draft: true, target_commitish: 'main' })
    expect(gitea.repo('forge/app').tags.has('v1.0.0')).toBe(false)
    const published = await api('PATCH', `${REPO}/releases/${String(draft.id)}`, {
      json: { draft: false },
    })
    expect(published.status).toBe(200)
    expect(published.json.draft).toBe(false)
    expect(gitea.repo('forge/app').tags.get('v1.0.0')?.commitSha).toBe(main)
  })

  it('holds one release per tag: a second create is 409, drafts included', async () => {
    await createRelease({ tag_name: 'v1', name: 'v1', draft: true })
    const again = await api('POST', `${REPO}/releases`, { json: { tag_name: 'v1', name: 'v1' } })
    expect(again.status).toBe(409)
    expect(again.json.message).toBe('Release is has no Tag')
  })

  it('turns a plain tag into its release', async () => {
    const tag = await api('POST', `${REPO}/tags`, {
      json: { tag_name: 'v2', target: 'main', message: 'Version 2' },
    })
    expect(tag.status).toBe(201)
    expect(tag.json.message).toBe('Version 2')
    expect((await api('GET', `${REPO}/releases/tags/v2`)).status).toBe(404)
    const release = await createRelease({ tag_name: 'v2', name: 'Two' })
    expect(release.name).toBe('Two')
    expect(gitea.state.releasesOf('forge/app')).toHaveLength(1)
  })

  it('finds drafts by tag for writers only, without regard to case', async () => {
    await createRelease({ tag_name: 'V3', name: 'three', draft: true })
    expect((await api('GET', `${REPO}/releases/tags/v3`)).json.tag_name).toBe('V3')
    expect((await api('GET', `${REPO}/releases/tags/V3`, { token: READER })).status).toBe(404)
  })

  it('answers 404 naming the target when a release’s tag cannot be made from it', async () => {
    const res = await api('POST', `${REPO}/releases`, {
      json: { tag_name: 'v4', name: 'v4', target_commitish: 'no-such-branch' },
    })
    expect(res.status).toBe(404)
    expect(res.json.message).toMatch(/^target "no-such-branch" not found/)
  })

  it('pages the list with limit and page, X-Total-Count and Link', async () => {
    for (let i = 0; i < 3; i++) await createRelease({ tag_name: `v0.${i}`, name: `v0.${i}` })
    const first = await api('GET', `${REPO}/releases?limit=2`)
    expect(first.body).toHaveLength(2)
    expect(first.headers.get('x-total-count')).toBe('3')
    expect(first.headers.get('link')).toMatch(/page=2>; rel="next"/)
    const second = await api('GET', `${REPO}/releases?limit=2&page=2`)
    expect(second.body).toHaveLength(1)
    expect(second.headers.get('link')).toMatch(/rel="prev"/)
  })

  it('in the Forgejo flavour, refuses a release without a name (422 "title is empty")', async () => {
    gitea.config.flavour = 'forgejo'
    const res = await api('POST', `${REPO}/releases`, { json: { tag_name: 'v5' } })
    expect(res.status).toBe(422)
    expect(res.json.message).toBe('title is empty')
  })
})

describe('tags', () => {
  it('409s a tag that exists, 404s a target that does not, and 422s a missing name', async () => {
    expect((await api('POST', `${REPO}/tags`, { json: { tag_name: 't1' } })).status).toBe(201)
    expect((await api('POST', `${REPO}/tags`, { json: { tag_name: 't1' } })).status).toBe(409)
    const target = await api('POST', `${REPO}/tags`, { json: { tag_name: 't2', target: 'x' } })
    expect(target.status).toBe(404)
    const unnamed = await api('POST', `${REPO}/tags`, { json: { target: 'main' } })
    expect(unnamed.status).toBe(422)
    const got = await api('GET', `${REPO}/tags/t1`)
    expect(got.json.commit).toMatchObject({ sha: gitea.repo('forge/app').branches.get('main') })
  })
})

describe('attachments', () => {
  it('stores the multipart field `attachment` under the `name` query, and keeps a second of the same name', async () => {
    const release = await createRelease({ tag_name: 'v1', name: 'v1', draft: true })
    const assets = `${REPO}/releases/${String(release.id)}/assets`
    const first = await api('POST', `${assets}?name=app.tar.gz`, { body: form('x.bin', 'one') })
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({ name: 'app.tar.gz', size: 3 })
    expect(first.json.browser_download_url).toBe(
      `${gitea.url}/forge/app/releases/download/v1/app.tar.gz`,
    )
    const second = await api('POST', `${assets}?name=app.tar.gz`, { body: form('x', 'two!') })
    expect(second.status).toBe(201)
    const list = await api('GET', assets)
    expect(list.body).toHaveLength(2)
    // Two of one name: the page links them by uuid.
    expect((list.body as { browser_download_url: string }[])[0]?.browser_download_url).toMatch(
      /\/attachments\/[0-9a-f-]{36}$/,
    )
  })

  it('serves the bytes by uuid (token on GET only) and by tag and name (token on HEAD too), with byte ranges', async () => {
    const release = await createRelease({ tag_name: 'v1', name: 'v1' })
    const content = '0123456789'.repeat(10)
    const stored = await api('POST', `${REPO}/releases/${String(release.id)}/assets?name=d.bin`, {
      body: form('d.bin', content),
    })
    const auth = { authorization: `token ${WRITER}` }
    const uuidUrl = `${gitea.url}/attachments/${String(stored.json.uuid)}`
    expect(await (await fetch(uuidUrl, { headers: auth })).text()).toBe(content)
    // A HEAD there is anonymous: the private repository's file is not found.
    expect((await fetch(uuidUrl, { method: 'HEAD', headers: auth })).status).toBe(404)
    const byName = `${gitea.url}/forge/app/releases/download/v1/d.bin`
    const head = await fetch(byName, { method: 'HEAD', headers: auth })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('100')
    const ranged = await fetch(byName, { headers: { ...auth, range: 'bytes=0-0' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe('bytes 0-0/100')
    await ranged.body?.cancel()
  })

  it('404s uploads while attachments are off, 400s a type the release settings forbid, 413s an oversize file', async () => {
    const release = await createRelease({ tag_name: 'v1', name: 'v1' })
    const assets = `${REPO}/releases/${String(release.id)}/assets?name=a.exe`
    gitea.config.attachmentsEnabled = false
    const off = await api('POST', assets, { body: form('a.exe', 'x') })
    expect(off.status).toBe(404)
    expect(off.json.errors).toEqual(['Attachment is not enabled'])
    gitea.config.attachmentsEnabled = true
    gitea.config.releaseAllowedTypes = '.zip,.tar.gz'
    const type = await api('POST', assets, { body: form('a.exe', 'x') })
    expect(type.status).toBe(400)
    expect(type.json.message).toMatch(/not allowed to be uploaded/)
    gitea.config.releaseAllowedTypes = ''
    gitea.config.maxReleaseAttachmentBytes = 4
    const large = await api('POST', assets, { body: form('a.exe', 'too large') })
    expect(large.status).toBe(413)
    expect(gitea.state.releasesOf('forge/app')[0]?.attachments).toEqual([])
  })

  it('reports the [attachment] settings, which are not the release limits', async () => {
    const res = await api('GET', '/settings/attachment')
    expect(res.json).toMatchObject({ enabled: true, max_size: 2048, max_files: 5 })
  })

  it('deletes an attachment (204) and answers 404 for it afterwards', async () => {
    const release = await createRelease({ tag_name: 'v1', name: 'v1' })
    const assets = `${REPO}/releases/${String(release.id)}/assets`
    const stored = await api('POST', `${assets}?name=x.txt`, { body: form('x.txt', 'x') })
    const one = `${assets}/${String(stored.json.id)}`
    expect((await api('DELETE', one)).status).toBe(204)
    expect((await api('DELETE', one)).status).toBe(404)
  })
})
