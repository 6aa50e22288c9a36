import { createHash } from 'node:crypto'
import { startFakeGitLab, type FakeGitLab } from './gitlab.js'
import { call, type CallOptions } from './http-test-client.js'
import { schemaErrors } from './json-schema-subset.js'

const RELEASES = '/projects/group%2Fapp/releases'
const DEV = 'glpat-developer'
const REPORTER = 'glpat-reporter'
const GUEST = 'glpat-guest'
const JOB = 'job-token-1'

let gl: FakeGitLab
const api = (method: string, path: string, options: CallOptions = {}): ReturnType<typeof call> =>
  call(`${gl.apiUrl}${path}`, method, { token: DEV, ...options })

beforeEach(async () => {
  gl = await startFakeGitLab({
    projects: [
      {
        id: 7,
        path_with_namespace: 'group/app',
        visibility: 'private',
        milestones: [
          { title: 'v1.0', issueStats: { total: 4, closed: 3 } },
          { title: 'v1.1', dueDate: '2030-01-01' },
        ],
      },
      { id: 8, path_with_namespace: 'group/open', visibility: 'public' },
    ],
    tokens: {
      [DEV]: { access: 'developer' },
      [REPORTER]: { access: 'reporter', username: 'rita' },
      [GUEST]: { access: 'guest', username: 'gus' },
      [JOB]: { type: 'job', access: 'developer' },
    },
  })
})

afterEach(async () => {
  const errors = gl.errors
  await gl.close()
  expect(errors).toEqual([])
})

describe('releases: create and read', () => {
  it('creates a release and its tag from ref, in the shape of GitLab release.json', async () => {
    const res = await api('POST', RELEASES, {
      json: {
        tag_name: 'v1.0.0',
        ref: 'main',
        tag_message: 'Version 1',
        description: 'Notes',
        milestones: ['v1.0'],
        assets: {
          links: [
            {
              name: 'app.tgz',
              url: 'https://example.com/app.tgz',
              direct_asset_path: '/bin/app.tgz',
              link_type: 'package',
            },
          ],
        },
      },
    })
    expect(res.status).toBe(201)
    expect(schemaErrors('gitlab/public_api/v4/release.json', res.body)).toEqual([])
    expect(res.json).toMatchObject({
      name: 'v1.0.0',
      tag_name: 'v1.0.0',
      description: 'Notes',
      upcoming_release: false,
      milestones: [{ title: 'v1.0', issue_stats: { total: 4, closed: 3 } }],
      tag_path: '/group/app/-/tags/v1.0.0',
      assets: {
        count: 5,
        links: [
          {
            name: 'app.tgz',
            url: 'https://example.com/app.tgz',
            direct_asset_url: `${gl.url}/group/app/-/releases/v1.0.0/downloads/bin/app.tgz`,
            link_type: 'package',
          },
        ],
      },
      evidences: [],
      _links: {
        self: `${gl.url}/group/app/-/releases/v1.0.0`,
        edit_url: `${gl.url}/group/app/-/releases/v1.0.0/edit`,
      },
    })
    // The validator is strict where GitLab's schema is: an undocumented field would fail it.
    expect(
      schemaErrors('gitlab/public_api/v4/release.json', { ...res.json, historical_release: false }),
    ).toEqual(['$: unexpected property historical_release'])
    expect(res.json).not.toHaveProperty('historical_release')
    expect(res.json).not.toHaveProperty('evidence_sha')
    const tag = gl.project('group/app').tags.get('v1.0.0')
    expect(tag).toMatchObject({
      message: 'Version 1',
      commitSha: gl.project(7).branches.get('main'),
    })
    expect(tag?.target).not.toBe(tag?.commitSha)
  })

  it('reads a release by tag, answers 404 for an unknown one, and shows the evidence collected after create', async () => {
    await api('POST', RELEASES, { json: { tag_name: 'v1', ref: 'main', description: 'd' } })
    const got = await api('GET', `${RELEASES}/v1`)
    expect(got.status).toBe(200)
    const evidences = got.json.evidences as { sha: string; filepath: string }[]
    expect(evidences).toHaveLength(1)
    const evidence = await call(evidences[0]?.filepath ?? '', 'GET', {
      session: gl.state.signIn(DEV),
    })
    expect(createHash('sha256').update(evidence.text).digest('hex')).toBe(evidences[0]?.sha)
    const missing = await api('GET', `${RELEASES}/v9`)
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ message: '404 Not Found' })
  })

  it('routes %2F-encoded tags and rejects a raw slash in the tag like GitLab', async () => {
    expect(
      (await api('POST', RELEASES, { json: { tag_name: 'release/1.0', ref: 'main' } })).status,
    ).toBe(201)
    const got = await api('GET', `${RELEASES}/release%2F1.0`)
    expect(got.json.tag_path).toBe('/group/app/-/tags/release%2F1.0')
    const raw = await api('GET', `${RELEASES}/release/1.0`)
    expect(raw.status).toBe(404)
    expect(raw.body).toEqual({ error: '404 Not Found' })
  })

  it('checks create in GitLab order: 403 reporter, 409 exists, 400 milestones, 422 no ref, 400 tag and target', async () => {
    // How GitLab answers requests a client must not send: the request checks step aside.
    gl.config.checkRequests = false
    await api('POST', RELEASES, { json: { tag_name: 'v1', ref: 'main' } })
    const cases: [object, string | undefined, number, unknown][] = [
      [{ tag_name: 'v1' }, REPORTER, 403, { message: '403 Forbidden' }],
      [{ tag_name: 'v1', ref: 'main' }, DEV, 409, { message: 'Release already exists' }],
      [
        { tag_name: 'v2', milestones: ['nope', 'v1.0', 'gone'] },
        DEV,
        400,
        { message: 'Milestone(s) not found: nope, gone' },
      ],
      [
        { tag_name: 'v2', milestone_ids: [999] },
        DEV,
        400,
        { message: 'Milestone id(s) not found: 999' },
      ],
      [{ tag_name: 'v2' }, DEV, 422, { message: 'Ref is not specified' }],
      [{ tag_name: 'HEAD', ref: 'main' }, DEV, 400, { message: 'Tag name invalid' }],
      [
        { tag_name: 'v2', ref: 'no-such-branch' },
        DEV,
        400,
        { message: 'Target no-such-branch is invalid' },
      ],
      [{ ref: 'main' }, DEV, 400, { error: 'tag_name is missing' }],
      [
        { tag_name: 'v2', ref: 'main', milestones: ['v1.0'], milestone_ids: [1] },
        DEV,
        400,
        {
          error:
            'milestones, milestone_ids Cannot specify milestones and milestone_ids at the same time',
        },
      ],
      [
        { tag_name: 'v2', ref: 'main', released_at: 'yesterday' },
        DEV,
        400,
        { error: 'released_at is invalid' },
      ],
    ]
    for (const [json, token, status, body] of cases) {
      const res = await api('POST', RELEASES, { json, token })
      expect([JSON.stringify(json), res.status, res.body]).toEqual([
        JSON.stringify(json),
        status,
        body,
      ])
    }
    expect([...gl.project(7).releases.keys()]).toEqual(['v1'])
  })

  it('parses released_at as GitLab: no zone is UTC, offsets convert, future is upcoming', async () => {
    const created = async (tag: string, released_at: string): Promise<Record<string, unknown>> =>
      (await api('POST', RELEASES, { json: { tag_name: tag, ref: 'main', released_at } })).json
    expect((await created('a', '2019-03-25 10:00:00')).released_at).toBe('2019-03-25T10:00:00.000Z')
    expect((await created('b', '2019-03-25T10:00:00+09:00')).released_at).toBe(
      '2019-03-25T01:00:00.000Z',
    )
    const future = await created('c', '2999-01-01T00:00:00Z')
    expect(future.upcoming_release).toBe(true)
    // Upcoming and historical releases get no automatic evidence.
    expect(gl.state.release(7, 'c')?.evidences).toEqual([])
    expect(gl.state.release(7, 'a')?.evidences).toEqual([])
  })

  it('accepts milestones as a comma-separated string and form-encoded links', async () => {
    const res = await api('POST', RELEASES, {
      form: 'tag_name=v3&ref=main&milestones=v1.0,v1.1&assets[links][][name]=a&assets[links][][url]=https://x/a&assets[links][][name]=b&assets[links][][url]=https://x/b',
    })
    expect(res.status).toBe(201)
    expect((res.json.milestones as { title: string }[]).map((m) => m.title)).toEqual([
      'v1.0',
      'v1.1',
    ])
    expect(
      (res.json.assets as { links: { name: string }[] }).links.map((l) => l.name).sort(),
    ).toEqual(['a', 'b'])
  })

  it('validates links created with the release and keeps the tag even when the save fails', async () => {
    const dup = await api('POST', RELEASES, {
      json: {
        tag_name: 'v4',
        ref: 'main',
        assets: {
          links: [
            { name: 'a', url: 'https://x/1' },
            { name: 'a', url: 'https://x/2' },
          ],
        },
      },
    })
    expect(dup.status).toBe(400)
    expect(dup.json.message).toMatch(
      /^Validation failed: Links have duplicate values \(a\) for #<Release:0x[0-9a-f]+> scope$/,
    )
    expect(gl.project(7).tags.has('v4')).toBe(true)
    expect(gl.project(7).releases.has('v4')).toBe(false)

    const scheme = await api('POST', RELEASES, {
      json: {
        tag_name: 'v5',
        ref: 'main',
        assets: {
          links: [{ name: 'a', url: 'file:///etc/passwd', direct_asset_path: 'no-slash' }],
        },
      },
    })
    expect(scheme.body).toEqual({
      message:
        'Validation failed: Links url is blocked: Only allowed schemes are http, https, ftp, Links filepath is in an invalid format',
    })
    const type = await api('POST', RELEASES, {
      json: {
        tag_name: 'v6',
        ref: 'main',
        assets: { links: [{ name: 'a', url: 'https://x/a', link_type: 'binary' }] },
      },
    })
    expect([type.status, type.body]).toEqual([
      400,
      { message: "'binary' is not a valid link_type" },
    ])
    const missing = await api('POST', RELEASES, {
      json: { tag_name: 'v7', ref: 'main', assets: { links: [{ url: 'https://x' }] } },
    })
    expect(missing.body).toEqual({ error: 'assets[links][0][name] is missing' })
  })
})

describe('releases: repository and seeds', () => {
  it('creates the tag from a full or abbreviated sha, and needs no ref when the tag exists', async () => {
    const commit = gl.state.addCommit(7, { message: 'Second', branch: 'feature' })
    const full = await api('POST', RELEASES, { json: { tag_name: 'v1', ref: commit.id } })
    expect((full.json.commit as { id: string }).id).toBe(commit.id)
    const short = await api('POST', RELEASES, {
      json: { tag_name: 'v2', ref: commit.id.slice(0, 8) },
    })
    expect(short.status).toBe(201)
    gl.state.addTag(7, { name: 'v3', ref: 'feature' })
    const existing = await api('POST', RELEASES, { json: { tag_name: 'v3' } })
    expect((existing.json.commit as { title: string }).title).toBe('Second')
    expect(gl.project(7).tags.get('v3')?.message).toBeNull()
  })

  it('serves seeded releases and redirects the latest permalink', async () => {
    gl.state.addRelease(7, { tag_name: 'v0.9', released_at: '2020-01-01T00:00:00Z' })
    gl.state.addRelease(7, {
      tag_name: 'v1.0',
      links: [{ name: 'a', url: 'https://x/a', direct_asset_path: '/a' }],
    })
    expect(
      ((await api('GET', RELEASES)).body as { tag_name: string }[]).map((r) => r.tag_name),
    ).toEqual(['v1.0', 'v0.9'])
    const latest = await api('GET', `${RELEASES}/permalink/latest/downloads/a?order_by=x&keep=1`)
    expect([latest.status, latest.headers.get('location')]).toEqual([
      302,
      `${gl.apiUrl}/projects/7/releases/v1.0/downloads/a?keep=1`,
    ])
  })

  it("refuses a protected tag to a developer with GitLab's message", async () => {
    gl.state.protectTag(7, 'v*', 'maintainer')
    const res = await api('POST', RELEASES, { json: { tag_name: 'v1', ref: 'main' } })
    expect([res.status, res.body]).toEqual([
      403,
      { message: 'You are not allowed to create this tag as it is protected.' },
    ])
    gl.state.addToken('maint', { access: 'maintainer' })
    expect(
      (await api('POST', RELEASES, { token: 'maint', json: { tag_name: 'v1', ref: 'main' } }))
        .status,
    ).toBe(201)
  })
})

describe('releases: update and delete', () => {
  beforeEach(async () => {
    await api('POST', RELEASES, { json: { tag_name: 'v1', ref: 'main', milestones: ['v1.0'] } })
  })

  it('answers 403 (not 404) for a release that does not exist', async () => {
    const put = await api('PUT', `${RELEASES}/v9`, { json: { name: 'x' } })
    expect([put.status, put.body]).toEqual([403, { message: '403 Forbidden' }])
    const del = await api('DELETE', `${RELEASES}/v9`)
    expect([del.status, del.body]).toEqual([403, { message: '403 Forbidden' }])
  })

  it('rejects an update with no updatable params, unknown ones included', async () => {
    // How GitLab answers requests a client must not send: the request checks step aside.
    gl.config.checkRequests = false
    for (const json of [{}, { sha: 'abc' }]) {
      const res = await api('PUT', `${RELEASES}/v1`, { json })
      expect([res.status, res.body]).toEqual([400, { message: 'params is empty' }])
    }
  })

  it('replaces milestones, clears them with [], and leaves them alone when omitted', async () => {
    const replaced = await api('PUT', `${RELEASES}/v1`, { json: { milestones: ['v1.1'] } })
    expect((replaced.json.milestones as { title: string }[]).map((m) => m.title)).toEqual(['v1.1'])
    const renamed = await api('PUT', `${RELEASES}/v1`, { json: { name: 'Renamed' } })
    expect(renamed.json).toMatchObject({ name: 'Renamed', milestones: [{ title: 'v1.1' }] })
    const cleared = await api('PUT', `${RELEASES}/v1`, { json: { milestones: [] } })
    expect(cleared.status).toBe(200)
    expect(cleared.json).not.toHaveProperty('milestones')
    const unknown = await api('PUT', `${RELEASES}/v1`, { json: { milestones: ['zzz'] } })
    expect(unknown.body).toEqual({ message: 'Milestone(s) not found: zzz' })
  })

  it('deletes with 200 and the entity, keeping the tag', async () => {
    const del = await api('DELETE', `${RELEASES}/v1`)
    expect(del.status).toBe(200)
    expect(del.json.tag_name).toBe('v1')
    expect(gl.project(7).releases.has('v1')).toBe(false)
    expect(gl.project(7).tags.has('v1')).toBe(true)
  })
})

describe('releases: list and pagination', () => {
  it('pages with GitLab headers, newest released_at first', async () => {
    // How GitLab answers requests a client must not send: the request checks step aside.
    gl.config.checkRequests = false
    for (const [tag, at] of [
      ['v1', '2020-01-01'],
      ['v2', '2021-01-01'],
      ['v3', '2022-01-01'],
    ] as const) {
      await api('POST', RELEASES, {
        json: { tag_name: tag, ref: 'main', released_at: at, description: tag },
      })
    }
    const first = await api('GET', `${RELEASES}?per_page=2`)
    expect((first.body as { tag_name: string }[]).map((r) => r.tag_name)).toEqual(['v3', 'v2'])
    expect(schemaErrors('gitlab/public_api/v4/releases.json', first.body)).toEqual([])
    expect(
      Object.fromEntries(
        ['x-total', 'x-total-pages', 'x-page', 'x-per-page', 'x-next-page', 'x-prev-page'].map(
          (h) => [h, first.headers.get(h)],
        ),
      ),
    ).toEqual({
      'x-total': '3',
      'x-total-pages': '2',
      'x-page': '1',
      'x-per-page': '2',
      'x-next-page': '2',
      'x-prev-page': '',
    })
    expect(first.headers.get('link')).toBe(
      `<${gl.apiUrl}${RELEASES}?page=2&per_page=2>; rel="next", <${gl.apiUrl}${RELEASES}?page=1&per_page=2>; rel="first", <${gl.apiUrl}${RELEASES}?page=2&per_page=2>; rel="last"`,
    )
    const last = await api('GET', `${RELEASES}?per_page=2&page=2`)
    expect((last.body as { tag_name: string }[]).map((r) => r.tag_name)).toEqual(['v1'])
    expect([last.headers.get('x-next-page'), last.headers.get('x-prev-page')]).toEqual(['', '1'])
    const asc = await api('GET', `${RELEASES}?sort=asc&per_page=500`)
    expect(asc.headers.get('x-per-page')).toBe('100')
    expect((asc.body as { tag_name: string }[]).map((r) => r.tag_name)).toEqual(['v1', 'v2', 'v3'])
    expect((await api('GET', `${RELEASES}?order_by=name`)).body).toEqual({
      error: 'order_by does not have a valid value',
    })
  })
})

describe('releases: authentication and roles', () => {
  it('hides a private project from anonymous readers and refuses anonymous writes', async () => {
    const read = await call(`${gl.apiUrl}${RELEASES}`, 'GET')
    expect([read.status, read.body]).toEqual([404, { message: '404 Project Not Found' }])
    const write = await call(`${gl.apiUrl}${RELEASES}`, 'POST', {
      json: { tag_name: 'v1', ref: 'main' },
    })
    expect([write.status, write.body]).toEqual([401, { message: '401 Unauthorized' }])
    const bad = await api('GET', RELEASES, { token: 'wrong' })
    expect([bad.status, bad.body]).toEqual([401, { message: '401 Unauthorized' }])
  })

  it('accepts a CI job token on releases, in the header or the job_token param, but not when expired', async () => {
    expect(
      (
        await api('POST', RELEASES, {
          auth: 'job',
          token: JOB,
          json: { tag_name: 'v1', ref: 'main' },
        })
      ).status,
    ).toBe(201)
    expect((await call(`${gl.apiUrl}${RELEASES}?job_token=${JOB}`, 'GET')).status).toBe(200)
    const record = gl.state.tokenRecord(JOB)
    if (record !== undefined) record.expired = true
    expect((await api('GET', RELEASES, { auth: 'job', token: JOB })).status).toBe(401)
  })

  it('accepts Bearer tokens (PAT or OAuth) and refuses a job token as PRIVATE-TOKEN', async () => {
    gl.state.addToken('oauth-1', { type: 'oauth', access: 'developer' })
    expect((await api('GET', RELEASES, { auth: 'bearer', token: 'oauth-1' })).status).toBe(200)
    expect((await api('GET', RELEASES, { auth: 'bearer', token: DEV })).status).toBe(200)
    expect((await api('GET', RELEASES, { token: JOB })).status).toBe(401)
  })

  it('lets anyone read a public project but not write to it', async () => {
    await call(`${gl.apiUrl}/projects/8/releases`, 'POST', {
      token: DEV,
      json: { tag_name: 'v1', ref: 'main' },
    })
    const anon = await call(`${gl.apiUrl}/projects/group%2Fopen/releases`, 'GET')
    expect(anon.status).toBe(200)
    expect((anon.body as unknown[]).length).toBe(1)
    gl.state.addToken('outsider', { access: 'developer', projects: [7] })
    const outsider = await call(`${gl.apiUrl}/projects/8/releases`, 'POST', {
      token: 'outsider',
      json: { tag_name: 'v2', ref: 'main' },
    })
    expect([outsider.status, outsider.body]).toEqual([403, { message: '403 Forbidden' }])
  })

  it('shows a guest of a private project the reduced list and refuses them a single release', async () => {
    await api('POST', RELEASES, {
      json: {
        tag_name: 'v1',
        ref: 'main',
        description: 'd',
        assets: { links: [{ name: 'a', url: 'https://x/a' }] },
      },
    })
    const list = await api('GET', RELEASES, { token: GUEST })
    const guestView = (list.body as Record<string, unknown>[]).map(
      ({ tag_name: _tag, ...rest }) => rest,
    )
    expect(schemaErrors('gitlab/public_api/v4/release/releases_for_guest.json', guestView)).toEqual(
      [],
    )
    expect(list.body).toEqual([
      expect.objectContaining({
        assets: { count: 1, links: [expect.objectContaining({ name: 'a' })] },
      }),
    ])
    expect((await api('GET', `${RELEASES}/v1`, { token: GUEST })).status).toBe(403)
  })

  it('refuses the job token on tags and version, treating it as anonymous', async () => {
    const tag = await api('POST', '/projects/7/repository/tags', {
      auth: 'job',
      token: JOB,
      json: { tag_name: 't', ref: 'main' },
    })
    expect([tag.status, tag.body]).toEqual([401, { message: '401 Unauthorized' }])
    expect(
      (await api('GET', '/projects/7/repository/tags', { auth: 'job', token: JOB })).body,
    ).toEqual({ message: '404 Project Not Found' })
    expect((await api('GET', '/version', { auth: 'job', token: JOB })).status).toBe(401)
  })
})

describe('evidence', () => {
  it('collects an evidence with 202 on an EE instance', async () => {
    await api('POST', RELEASES, { json: { tag_name: 'v1', ref: 'main' } })
    const res = await api('POST', `${RELEASES}/v1/evidence`, { auth: 'job', token: JOB })
    expect(res.status).toBe(202)
    expect(gl.state.release(7, 'v1')?.evidences).toHaveLength(2)
    expect((await api('POST', `${RELEASES}/v1/evidence`, { token: REPORTER })).status).toBe(403)
    expect((await api('POST', `${RELEASES}/v9/evidence`)).status).toBe(404)
  })

  it('has no evidence route on CE', async () => {
    gl.config.features.evidence = false
    await api('POST', RELEASES, { json: { tag_name: 'v1', ref: 'main' } })
    const res = await api('POST', `${RELEASES}/v1/evidence`)
    expect([res.status, res.body]).toEqual([404, { error: '404 Not Found' }])
  })
})

describe('release links', () => {
  const LINKS = `${RELEASES}/v1/assets/links`
  beforeEach(async () => {
    await api('POST', RELEASES, { json: { tag_name: 'v1', ref: 'main' } })
  })

  it('creates links, lists them newest first, and redirects direct asset URLs to them', async () => {
    const a = await api('POST', LINKS, {
      json: { name: 'a', url: 'https://dl.example/a', direct_asset_path: '/bin/a' },
    })
    expect(a.status).toBe(201)
    expect(a.json).toEqual({
      id: expect.any(Number),
      name: 'a',
      url: 'https://dl.example/a',
      direct_asset_url: `${gl.url}/group/app/-/releases/v1/downloads/bin/a`,
      link_type: 'other',
    })
    const b = await api('POST', LINKS, {
      auth: 'job',
      token: JOB,
      json: { name: 'b', url: 'https://dl.example/b' },
    })
    expect(b.json.direct_asset_url).toBe('https://dl.example/b')
    const list = await api('GET', LINKS)
    expect((list.body as { name: string }[]).map((l) => l.name)).toEqual(['b', 'a'])
    expect(schemaErrors('gitlab/release/links.json', list.body)).toEqual([])
    const viaApi = await api('GET', `${RELEASES}/v1/downloads/bin/a`)
    expect([viaApi.status, viaApi.headers.get('location')]).toEqual([302, 'https://dl.example/a'])
    const viaWeb = await call(String(a.json.direct_asset_url), 'GET', {
      session: gl.state.signIn(DEV),
    })
    expect([viaWeb.status, viaWeb.headers.get('location')]).toEqual([302, 'https://dl.example/a'])
    // Web pages take a browser session, not an API token: the token alone is sent to sign in.
    const withToken = await call(String(a.json.direct_asset_url), 'GET', { token: DEV })
    expect(withToken.headers.get('location')).toBe(`${gl.url}/users/sign_in`)
    const anonWeb = await call(String(a.json.direct_asset_url), 'GET')
    expect(anonWeb.headers.get('location')).toBe(`${gl.url}/users/sign_in`)
    expect((await api('GET', `${RELEASES}/v1/downloads/bin/zzz`)).body).toEqual({
      message: '404 Not found',
    })
  })

  it('returns validation errors as an array of full messages', async () => {
    // How GitLab answers requests a client must not send: the request checks step aside.
    gl.config.checkRequests = false
    await api('POST', LINKS, { json: { name: 'a', url: 'https://x/a', filepath: '/bin/a' } })
    const cases: [object, unknown][] = [
      [{ name: 'a', url: 'https://x/other' }, ['Name has already been taken']],
      [{ name: 'b', url: 'https://x/a' }, ['Url has already been taken']],
      [
        { name: 'c', url: 'https://x/c', direct_asset_path: '/bin/a' },
        ['Filepath has already been taken'],
      ],
      [
        { name: 'd', url: 'ssh://x/d' },
        ['Url is blocked: Only allowed schemes are http, https, ftp'],
      ],
      [
        { name: 'e', url: 'https://x/e', direct_asset_path: '/bin//e' },
        ['Filepath is in an invalid format'],
      ],
      [
        { name: 'f', url: 'https://x/f', filepath: `/${'f'.repeat(130)}` },
        ['Filepath is too long (maximum is 128 characters)'],
      ],
    ]
    for (const [json, message] of cases) {
      const res = await api('POST', LINKS, { json })
      expect([res.status, res.body]).toEqual([400, { message }])
    }
    expect((await api('POST', LINKS, { json: {} })).body).toEqual({
      error: 'name is missing, url is missing',
    })
    expect(
      (await api('POST', LINKS, { json: { name: 'z', url: 'https://x/z', link_type: 'bin' } }))
        .body,
    ).toEqual({
      error: 'link_type does not have a valid value',
    })
  })

  it('answers 404 "Not found" (lower-case) for a missing release or link', async () => {
    expect((await api('GET', `${RELEASES}/v9/assets/links`)).body).toEqual({
      message: '404 Not found',
    })
    expect((await api('GET', `${LINKS}/999`)).body).toEqual({ message: '404 Not found' })
  })

  it('updates with at least name or url, resets an omitted link_type, and deletes with 200', async () => {
    const created = await api('POST', LINKS, {
      json: { name: 'a', url: 'https://x/a', link_type: 'image' },
    })
    const id = String(created.json.id)
    const empty = await api('PUT', `${LINKS}/${id}`, { json: { link_type: 'runbook' } })
    expect(empty.body).toEqual({
      error: 'name, url are missing, at least one parameter must be provided',
    })
    const updated = await api('PUT', `${LINKS}/${id}`, { json: { name: 'renamed' } })
    expect(updated.json).toMatchObject({ name: 'renamed', url: 'https://x/a', link_type: 'other' })
    expect(
      (await api('PUT', `${LINKS}/${id}`, { token: REPORTER, json: { name: 'x' } })).status,
    ).toBe(403)
    const deleted = await api('DELETE', `${LINKS}/${id}`)
    expect([deleted.status, deleted.json.name]).toEqual([200, 'renamed'])
    expect(gl.state.release(7, 'v1')?.links).toEqual([])
  })
})

describe('tags, milestones, version, unknown routes', () => {
  it('creates and reads tags, with 400 for every failure and 404 Tag Not Found', async () => {
    const created = await api('POST', '/projects/7/repository/tags', {
      json: { tag_name: 'v1', ref: 'main', message: 'm' },
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      name: 'v1',
      message: 'm',
      release: null,
      protected: false,
    })
    const again = await api('POST', '/projects/7/repository/tags', {
      json: { tag_name: 'v1', ref: 'main' },
    })
    expect([again.status, again.body]).toEqual([400, { message: 'Tag v1 already exists' }])
    expect((await api('GET', '/projects/7/repository/tags/v1')).json.name).toBe('v1')
    expect((await api('GET', '/projects/7/repository/tags/nope')).body).toEqual({
      message: '404 Tag Not Found',
    })
  })

  it('finds milestones by title', async () => {
    const res = await api('GET', '/projects/7/milestones?title=v1.1')
    expect(res.body).toEqual([
      expect.objectContaining({ title: 'v1.1', due_date: '2030-01-01', expired: false }),
    ])
    expect(schemaErrors('gitlab/public_api/v4/milestone.json', (res.body as unknown[])[0])).toEqual(
      [],
    )
  })

  it('reports the configured version to signed-in users only', async () => {
    expect((await call(`${gl.apiUrl}/version`, 'GET')).status).toBe(401)
    expect((await api('GET', '/version')).json).toMatchObject({
      version: '17.5.0',
      enterprise: true,
    })
    gl.config.version = '16.11.0'
    expect((await api('GET', '/version')).json.version).toBe('16.11.0')
  })

  it('answers unknown API routes with Grape 404 and unknown web pages with HTML 404', async () => {
    const api404 = await api('GET', '/projects/7/nothing-here')
    expect([api404.status, api404.body]).toEqual([404, { error: '404 Not Found' }])
    const web404 = await call(`${gl.url}/group/app/-/nothing`, 'GET')
    expect([web404.status, web404.headers.get('content-type')]).toEqual([
      404,
      'text/html; charset=utf-8',
    ])
  })
})
