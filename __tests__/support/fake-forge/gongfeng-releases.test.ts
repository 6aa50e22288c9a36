import { startFakeGongfeng, type FakeGongfeng } from './gongfeng.js'
import { CONTRACT_MARKER } from './contract-violation.js'
import { call, type CallOptions } from './http-test-client.js'

const PROJECT = 'tencent%2Fcode'
const RELEASES = `/projects/${PROJECT}/releases`
const DEV = 'gf-developer'
const REPORTER = 'gf-reporter'
const MASTER = 'gf-master'
const OUTSIDER = 'gf-outsider'
const GONGFENG_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/

let gf: FakeGongfeng
const api = (method: string, path: string, options: CallOptions = {}): ReturnType<typeof call> =>
  call(`${gf.apiUrl}${path}`, method, { token: DEV, ...options })

beforeEach(async () => {
  gf = await startFakeGongfeng({
    projects: [
      { id: 85436, path_with_namespace: 'tencent/code' },
      { id: 85437, path_with_namespace: 'tencent/other' },
    ],
    tokens: {
      [DEV]: { access: 'developer' },
      [REPORTER]: { access: 'reporter' },
      [MASTER]: { access: 'master' },
      [OUTSIDER]: { access: 'developer', projects: [85437] },
    },
  })
})

afterEach(async () => {
  expect(gf.errors).toEqual([])
  await gf.close()
})

describe('requests held to the seed page', () => {
  it.each([
    ['POST', RELEASES, 'tag=v1&start_point=master&title=App', "'title' is not a parameter"],
    ['PUT', `${RELEASES}/v1`, 'description=x&title=App', "'title' is not a parameter"],
    ['PUT', `${RELEASES}/v1`, 'type=draft', 'type="draft" is not a documented value'],
    ['GET', `${RELEASES}?order=asc`, undefined, "'order' is not a parameter"],
  ])('refuses %s %s with %s, and records it', async (method, path, form, problem) => {
    gf.state.addRelease('tencent/code', { tag: 'v1' })
    const res = await api(method, path, form === undefined ? {} : { form })
    expect(res.status).toBe(400)
    expect(String(res.json.message)).toContain(CONTRACT_MARKER)
    expect(String(res.json.message)).toContain(problem)
    expect(gf.errors.map((e) => e.name)).toEqual(['ContractViolation'])
    // Recorded for the test to fail; cleared here, where it is the point of the test.
    gf.errors.length = 0
  })

  it('takes the documented parameters and the private_token query', async () => {
    const res = await api('POST', `${RELEASES}?private_token=${DEV}`, {
      token: undefined,
      form: 'tag=v1&start_point=master&tag_message=m&type=release&description=d&labels=a',
    })
    expect(res.status).toBe(201)
  })
})

describe('releases: create and read', () => {
  it('creates a release and its annotated tag from start_point, in the shape of the seed', async () => {
    const res = await api('POST', RELEASES, {
      form: 'tag=v1.0.0&start_point=master&tag_message=Version+1&description=Notes&labels=stable,linux&type=release',
    })
    expect(res.status).toBe(201)
    expect(Object.keys(res.json)).toEqual([
      'ref',
      'id',
      'project_id',
      'tag',
      'title',
      'type',
      'attachments',
      'description',
      'created_at',
      'updated_at',
      'author',
      'labels',
    ])
    const master = gf.project('tencent/code').branches.get('master')
    expect(res.json).toMatchObject({
      ref: {
        name: 'v1.0.0',
        message: 'Version 1',
        commit: { id: master, short_id: master?.slice(0, 8) },
      },
      project_id: 85436,
      tag: 'v1.0.0',
      // The page documents no title to set: a release's title is its tag.
      title: 'v1.0.0',
      type: 'release',
      attachments: [],
      description: 'Notes',
      updated_at: null,
      labels: ['stable', 'linux'],
    })
    expect(res.json.created_at).toMatch(GONGFENG_DATE)
    const commit = (res.json.ref as { commit: Record<string, unknown> }).commit
    expect(Object.keys(commit)).toEqual([
      'id',
      'message',
      'parent_ids',
      'authored_date',
      'author_name',
      'author_email',
      'committed_date',
      'committer_name',
      'committer_email',
      'title',
      'created_at',
      'short_id',
    ])
    expect(commit.committed_date).toMatch(GONGFENG_DATE)
    expect(gf.project('tencent/code').tags.get('v1.0.0')?.message).toBe('Version 1')

    const read = await api('GET', `${RELEASES}/v1.0.0`)
    expect(read.status).toBe(200)
    expect(read.json).toEqual(res.json)
  })

  it('accepts JSON bodies and parameters in the query string alike', async () => {
    const json = await api('POST', RELEASES, {
      json: { tag: 'v1', start_point: 'master', labels: 'a' },
    })
    expect(json.status).toBe(201)
    const query = await api('POST', `${RELEASES}?tag=v2&start_point=master`)
    expect(query.status).toBe(201)
    expect(gf.state.release('tencent/code', 'v2')?.title).toBe('v2')
  })

  it('addresses the project by numeric id or %2F-encoded path, and a raw slash matches no route', async () => {
    gf.state.addRelease('tencent/code', { tag: 'v1' })
    expect((await api('GET', '/projects/85436/releases/v1')).status).toBe(200)
    expect((await api('GET', `${RELEASES}/v1`)).status).toBe(200)
    const raw = await api('GET', '/projects/tencent/code/releases/v1')
    expect(raw.status).toBe(404)
    expect(raw.json).toEqual({ message: '404 Not Found' })
  })

  it('answers 404 {"message":"404 Not Found"} alike for a missing project, a hidden one and a missing release', async () => {
    for (const [path, token] of [
      ['/projects/nobody%2Fnothing/releases/v1', DEV],
      [`${RELEASES}/v1`, OUTSIDER],
      [`${RELEASES}/v9`, DEV],
    ] as const) {
      const res = await api('GET', path, { token })
      expect(res.status).toBe(404)
      expect(res.json).toEqual({ message: '404 Not Found' })
    }
  })

  it('answers 401 {"message":"401 Unauthorized"} without a valid token', async () => {
    const missing = await call(`${gf.apiUrl}${RELEASES}`, 'GET')
    expect(missing.status).toBe(401)
    expect(missing.json).toEqual({ message: '401 Unauthorized' })
    const wrong = await api('GET', RELEASES, { token: 'nope' })
    expect(wrong.status).toBe(401)
  })

  it('accepts the token as PRIVATE-TOKEN or private_token and counts which was used', async () => {
    await api('GET', RELEASES)
    const viaQuery = await call(`${gf.apiUrl}${RELEASES}?private_token=${DEV}`, 'GET')
    expect(viaQuery.status).toBe(200)
    expect(gf.auth).toEqual({ header: 1, query: 1 })
  })

  it('needs start_point to create a missing tag, and one that resolves', async () => {
    const missing = await api('POST', RELEASES, { form: 'tag=v1' })
    expect(missing.status).toBe(400)
    expect(missing.json).toEqual({
      message: '400 Bad request - start_point is required to create tag v1',
    })
    const bad = await api('POST', RELEASES, { form: 'tag=v1&start_point=nosuchbranch' })
    expect(bad.status).toBe(400)
    expect(bad.json.message).toMatch(/start_point nosuchbranch/)
    const noTag = await api('POST', RELEASES, { form: 'start_point=master' })
    expect(noTag.status).toBe(400)
    expect(noTag.json.message).toMatch(/tag is missing/)
    const invalid = await api('POST', RELEASES, { form: 'tag=v1..2&start_point=master' })
    expect(invalid.status).toBe(400)
    expect(gf.project('tencent/code').tags.size).toBe(0)
  })

  it('refuses a second release of the same tag with 409', async () => {
    expect((await api('POST', RELEASES, { form: 'tag=v1&start_point=master' })).status).toBe(201)
    const again = await api('POST', RELEASES, { form: 'tag=v1&start_point=master' })
    expect(again.status).toBe(409)
    expect(again.json).toEqual({ message: 'Release v1 already exists' })
  })

  it('refuses more than 10 labels', async () => {
    const labels = Array.from({ length: 11 }, (_, i) => `l${i}`).join(',')
    const res = await api('POST', RELEASES, { form: `tag=v1&start_point=master&labels=${labels}` })
    expect(res.status).toBe(400)
    expect(res.json.message).toMatch(/labels/)
    expect(gf.project('tencent/code').tags.size).toBe(0)
  })

  it('lets reporters read but not create', async () => {
    const res = await api('POST', RELEASES, { token: REPORTER, form: 'tag=v1&start_point=master' })
    expect(res.status).toBe(403)
    expect(res.json).toEqual({ message: '403 Forbidden' })
    expect((await api('GET', RELEASES, { token: REPORTER })).status).toBe(200)
  })
})

describe('releases and plain tags', () => {
  it('answers GET by tag for a plain tag, with type none', async () => {
    gf.state.addTag('tencent/code', { name: 'v0.9' })
    const res = await api('GET', `${RELEASES}/v0.9`)
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ tag: 'v0.9', type: 'none', attachments: [], labels: [] })
  })

  it('turns a plain tag into a release on create, keeping its commit', async () => {
    const tag = gf.state.addTag('tencent/code', { name: 'v0.9' })
    gf.state.addCommit('tencent/code')
    const res = await api('POST', RELEASES, { form: 'tag=v0.9&start_point=master&description=Now' })
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({ type: 'release', description: 'Now' })
    expect(gf.project('tencent/code').tags.get('v0.9')?.commitSha).toBe(tag.commitSha)
  })

  it('answers 409 on create over a plain tag when configured like a stricter server', async () => {
    gf.config.createOnBaseline = 'conflict'
    gf.state.addTag('tencent/code', { name: 'v0.9' })
    const res = await api('POST', RELEASES, { form: 'tag=v0.9&start_point=master' })
    expect(res.status).toBe(409)
    expect(gf.state.release('tencent/code', 'v0.9')).toBeUndefined()
  })

  it('lists releases only by default, plain tags with type=none, all with type=all', async () => {
    gf.state.addTag('tencent/code', { name: 'plain' })
    gf.state.addRelease('tencent/code', { tag: 'v1' })
    const tags = async (query: string): Promise<string[]> =>
      ((await api('GET', `${RELEASES}${query}`)).body as { tag: string }[]).map((r) => r.tag).sort()
    expect(await tags('')).toEqual(['v1'])
    expect(await tags('?type=none')).toEqual(['plain'])
    expect(await tags('?type=all')).toEqual(['plain', 'v1'])
  })
})

describe('releases: list, update, delete', () => {
  it('pages with X-* headers and no Link header', async () => {
    for (let i = 1; i <= 25; i++) gf.state.addRelease('tencent/code', { tag: `v${i}` })
    const first = await api('GET', RELEASES)
    expect((first.body as unknown[]).length).toBe(20)
    expect(first.headers.get('x-total')).toBe('25')
    expect(first.headers.get('x-total-pages')).toBe('2')
    expect(first.headers.get('x-per-page')).toBe('20')
    expect(first.headers.get('x-page')).toBe('1')
    expect(first.headers.get('x-next-page')).toBe('2')
    expect(first.headers.get('x-prev-page')).toBe('')
    expect(first.headers.get('link')).toBeNull()
    const last = await api('GET', `${RELEASES}?page=2&per_page=20`)
    expect((last.body as unknown[]).length).toBe(5)
    expect(last.headers.get('x-next-page')).toBe('')
    const capped = await api('GET', `${RELEASES}?per_page=500`)
    expect(capped.headers.get('x-per-page')).toBe('100')
  })

  it('updates description and labels by tag', async () => {
    gf.state.addRelease('tencent/code', { tag: 'v1', labels: ['old'] })
    const res = await api('PUT', `${RELEASES}/v1`, { form: 'description=New&labels=a,b' })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ description: 'New', title: 'v1', labels: ['a', 'b'] })
    expect(res.json.updated_at).toMatch(GONGFENG_DATE)
    expect((await api('PUT', `${RELEASES}/v9`, { form: 'description=x' })).status).toBe(404)
  })

  it('deletes a release with the master role only, leaving the plain tag', async () => {
    gf.state.addRelease('tencent/code', { tag: 'v1', description: 'x', labels: ['a'] })
    expect((await api('DELETE', `${RELEASES}/v1`)).status).toBe(403)
    const res = await api('DELETE', `${RELEASES}/v1`, { token: MASTER })
    expect(res.status).toBe(200)
    expect(gf.state.release('tencent/code', 'v1')).toBeUndefined()
    expect(gf.state.record('tencent/code', 'v1')).toMatchObject({
      type: 'none',
      labels: [],
      description: null,
    })
    const gone = await api('DELETE', `${RELEASES}/v1?delete_tag=true`, { token: MASTER })
    expect(gone.status).toBe(200)
    expect(gf.project('tencent/code').tags.has('v1')).toBe(false)
  })
})

describe('project, tags and faults', () => {
  it('reads the project with its web_url and tags with their commit', async () => {
    const project = await api('GET', `/projects/${PROJECT}`)
    expect(project.json).toMatchObject({ id: 85436, web_url: `${gf.url}/tencent/code` })
    gf.state.addTag('tencent/code', { name: 'v1', message: 'annotated' })
    const tag = await api('GET', `/projects/${PROJECT}/repository/tags/v1`)
    expect(tag.json).toMatchObject({
      name: 'v1',
      message: 'annotated',
      commit: { id: expect.any(String) },
    })
    expect((await api('GET', `/projects/${PROJECT}/repository/tags/v2`)).status).toBe(404)
    const list = await api('GET', `/projects/${PROJECT}/repository/tags`)
    expect(list.headers.get('x-total')).toBe('1')
  })

  it('answers injected faults with JSON, and gateway errors with nginx HTML', async () => {
    gf.faults.add({ path: /releases/, kind: { status: 429, retryAfter: 3 } })
    gf.faults.add({ path: /releases/, kind: { status: 503 } })
    const limited = await api('GET', RELEASES)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3')
    expect(limited.json).toEqual({ message: '429 Too Many Requests' })
    const down = await api('GET', RELEASES)
    expect(down.status).toBe(503)
    expect(down.text).toContain('<center>nginx</center>')
    expect((await api('GET', RELEASES)).status).toBe(200)
  })
})
