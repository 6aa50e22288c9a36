import { createHash, randomBytes } from 'node:crypto'
import { startFakeGitLab, type FakeGitLab, type FakeGitLabOptions } from './gitlab.js'
import { call, type CallOptions } from './http-test-client.js'

const DEV = 'glpat-developer'
const MAINTAINER = 'glpat-maintainer'
const JOB = 'job-token-1'
const GENERIC = '/projects/group%2Fapp/packages/generic/release-assets/1.0.0'

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')
const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
})

let gl: FakeGitLab
const start = async (options: FakeGitLabOptions = {}): Promise<void> => {
  gl = await startFakeGitLab({
    projects: [{ id: 7, path_with_namespace: 'group/app', visibility: 'private' }],
    tokens: {
      [DEV]: { access: 'developer' },
      [MAINTAINER]: { access: 'maintainer' },
      [JOB]: { type: 'job', access: 'developer' },
    },
    ...options,
  })
}
const api = (method: string, path: string, options: CallOptions = {}): ReturnType<typeof call> =>
  call(`${gl.apiUrl}${path}`, method, { token: DEV, ...options })

afterEach(async () => {
  const errors = gl.errors
  await gl.close()
  expect(errors).toEqual([])
})

describe('generic packages', () => {
  beforeEach(() => start())

  it('stores an upload with its sha256 and serves it back, GET and HEAD', async () => {
    const data = randomBytes(300_000)
    const put = await api('PUT', `${GENERIC}/app.tar.gz`, { auth: 'job', token: JOB, body: data })
    expect([put.status, put.body]).toEqual([201, { message: '201 Created' }])
    const [file] = gl.state.packageFiles('group/app', 'release-assets', '1.0.0')
    expect(file?.blob).toMatchObject({ size: data.length, sha256: sha256(data) })
    const res = await fetch(`${gl.apiUrl}${GENERIC}/app.tar.gz`, { headers: { 'JOB-TOKEN': JOB } })
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="app.tar.gz"/)
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(data))
    const head = await api('HEAD', `${GENERIC}/app.tar.gz`)
    expect([head.status, head.headers.get('content-length'), head.text]).toEqual([
      200,
      String(data.length),
      '',
    ])
    expect((await api('GET', `${GENERIC}/other.bin`)).body).toEqual({ message: '404 Not found' })
  })

  it('answers the package-file record with ?select=package_file', async () => {
    const data = Buffer.from('checksums')
    const res = await api('PUT', `${GENERIC}/SHA256SUMS?select=package_file`, { body: data })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({
      file_name: 'SHA256SUMS',
      size: data.length,
      file_sha256: sha256(data),
      file_md5: null,
    })
  })

  it('takes Basic auth: any username with a PAT, gitlab-ci-token with a job token', async () => {
    const body = Buffer.from('x')
    expect(
      (
        await api('PUT', `${GENERIC}/a.bin`, {
          token: undefined,
          headers: basic('anyone', DEV),
          body,
        })
      ).status,
    ).toBe(201)
    expect(
      (
        await api('PUT', `${GENERIC}/b.bin`, {
          token: undefined,
          headers: basic('gitlab-ci-token', JOB),
          body,
        })
      ).status,
    ).toBe(201)
    expect(
      (
        await api('PUT', `${GENERIC}/c.bin`, {
          token: undefined,
          headers: basic('someone', JOB),
          body,
        })
      ).status,
    ).toBe(401)
    expect((await api('PUT', `${GENERIC}/d.bin`, { token: undefined, body })).body).toEqual({
      message: '401 Unauthorized',
    })
  })

  it('validates package coordinates like Grape', async () => {
    // How GitLab answers requests a client must not send: the request checks step aside.
    gl.config.checkRequests = false
    const body = Buffer.from('x')
    expect(
      (await api('PUT', '/projects/7/packages/generic/bad%20name/1.0.0/a.bin', { body })).body,
    ).toEqual({ error: 'package_name is invalid' })
    expect(
      (await api('PUT', '/projects/7/packages/generic/pkg/1..0/a.bin', { body })).body,
    ).toEqual({ error: 'package_version is invalid' })
    expect(
      (await api('PUT', '/projects/7/packages/generic/pkg/1.0/a%20b.bin', { body })).body,
    ).toEqual({ error: 'file_name is invalid' })
    expect(
      (await api('PUT', '/projects/7/packages/generic/pkg/1.0/a.bin?status=gone', { body })).body,
    ).toEqual({
      error: 'status does not have a valid value',
    })
  })

  it('refuses a file over the size limit without storing it', async () => {
    gl.config.genericPackageMaxBytes = 1000
    const res = await api('PUT', `${GENERIC}/big.bin`, { body: randomBytes(1001) })
    expect([res.status, res.body]).toEqual([
      400,
      { message: '400 Bad request - File is too large' },
    ])
    expect(gl.state.packageFiles(7, 'release-assets', '1.0.0')).toEqual([])
  })

  it('keeps duplicates by default (download returns the newest) and refuses them when disallowed', async () => {
    await api('PUT', `${GENERIC}/a.bin`, { body: 'first' })
    await api('PUT', `${GENERIC}/a.bin`, { body: 'second' })
    expect(gl.state.packageFiles(7, 'release-assets', '1.0.0')).toHaveLength(2)
    expect((await api('GET', `${GENERIC}/a.bin`)).text).toBe('second')
    gl.config.allowDuplicates = false
    const dup = await api('PUT', `${GENERIC}/a.bin`, { body: 'third' })
    expect([dup.status, dup.body]).toEqual([
      400,
      { message: '400 Bad request - Duplicate package is not allowed' },
    ])
    expect((await api('PUT', `${GENERIC}/b.bin`, { body: 'other' })).status).toBe(201)
  })

  it('lists packages (fuzzy name) and their files, and deletes a file as maintainer only', async () => {
    await api('PUT', `${GENERIC}/a.bin`, { body: 'aaa' })
    await api('PUT', '/projects/7/packages/generic/other/2.0.0/z.bin', { body: 'zzz' })
    const list = await api('GET', '/projects/7/packages?package_type=generic&package_name=assets', {
      auth: 'job',
      token: JOB,
    })
    expect(list.body).toEqual([
      expect.objectContaining({
        name: 'release-assets',
        version: '1.0.0',
        package_type: 'generic',
        status: 'default',
      }),
    ])
    const pkgId = String((list.body as { id: number }[])[0]?.id)
    const files = await api('GET', `/projects/7/packages/${pkgId}/package_files`)
    expect(files.body).toEqual([
      expect.objectContaining({
        file_name: 'a.bin',
        size: 3,
        file_sha256: sha256(Buffer.from('aaa')),
        pipelines: [],
      }),
    ])
    expect(files.headers.get('x-total')).toBe('1')
    const fileId = String((files.body as { id: number }[])[0]?.id)
    const path = `/projects/7/packages/${pkgId}/package_files/${fileId}`
    expect((await api('DELETE', path)).status).toBe(403)
    expect((await api('DELETE', path, { token: MAINTAINER })).status).toBe(204)
    expect(gl.state.packageFiles(7, 'release-assets', '1.0.0')).toEqual([])
  })
})

describe('markdown uploads', () => {
  const upload = (
    name: string,
    data: Buffer,
    options: CallOptions = {},
  ): ReturnType<typeof call> => {
    const form = new FormData()
    form.append('file', new Blob([data]), name)
    return api('POST', '/projects/7/uploads', { body: form, ...options })
  }

  it('stores a multipart file and serves it at full_path', async () => {
    await start()
    const data = randomBytes(50_000)
    const res = await upload('app v1.tar.gz', data)
    expect(res.status).toBe(201)
    expect(res.json).toEqual({
      id: expect.any(Number),
      alt: 'app_v1.tar',
      url: expect.stringMatching(/^\/uploads\/[0-9a-f]{32}\/app_v1\.tar\.gz$/),
      full_path: expect.stringMatching(/^\/-\/project\/7\/uploads\/[0-9a-f]{32}\/app_v1\.tar\.gz$/),
      markdown: `[app_v1.tar.gz](${String(res.json.url)})`,
    })
    const back = await fetch(`${gl.url}${String(res.json.full_path)}`, {
      headers: { cookie: `_gitlab_session=${gl.state.signIn(DEV)}` },
    })
    expect(sha256(Buffer.from(await back.arrayBuffer()))).toBe(sha256(data))
    // The web page takes no API token: on a private project it sends a token holder to sign in.
    const withToken = await call(`${gl.url}${String(res.json.full_path)}`, 'GET', { token: DEV })
    expect([withToken.status, withToken.headers.get('location')]).toEqual([
      302,
      `${gl.url}/users/sign_in`,
    ])
    // The API route (GitLab 17.4) serves it to the token, ranges included.
    const path = String(res.json.full_path).replace(/^\/-\/project\/7\/uploads\//, '')
    const viaApi = await api('GET', `/projects/7/uploads/${path}`, {
      headers: { range: 'bytes=0-0' },
    })
    expect([viaApi.status, viaApi.headers.get('content-range')]).toEqual([206, 'bytes 0-0/50000'])
    // ... but not to the CI job token, which the route does not opt in to.
    const job = await api('GET', `/projects/7/uploads/${path}`, { auth: 'job', token: JOB })
    expect(job.status).toBe(404)
  })

  it('has no API route for uploads before 17.4', async () => {
    await start({ version: '17.3.0' })
    const res = await upload('a.txt', Buffer.from('x'))
    const path = String(res.json.full_path).replace(/^\/-\/project\/7\/uploads\//, '')
    const viaApi = await api('GET', `/projects/7/uploads/${path}`)
    expect([viaApi.status, viaApi.body]).toEqual([404, { error: '404 Not Found' }])
  })

  it.each(['signed-any-method', 'signed-for-get'] as const)(
    'redirects downloads to object storage (%s), which refuses HEAD when signed for GET only',
    async (objectStorage) => {
      await start({ objectStorage })
      const data = randomBytes(1000)
      const res = await upload('a.bin', data)
      const path = String(res.json.full_path).replace(/^\/-\/project\/7\/uploads\//, '')
      const redirect = await api('GET', `/projects/7/uploads/${path}`)
      expect(redirect.status).toBe(302)
      const location = redirect.headers.get('location') ?? ''
      expect(location).toMatch(/\/-\/object-storage\/.*X-Amz-Signature=/)
      const ranged = await call(location, 'GET', { headers: { range: 'bytes=0-0' } })
      expect([ranged.status, ranged.headers.get('content-range')]).toEqual([206, 'bytes 0-0/1000'])
      const head = await call(location, 'HEAD')
      expect(head.status).toBe(objectStorage === 'signed-for-get' ? 403 : 200)
    },
  )

  it('refuses a CI job token (401) and an oversized file (413)', async () => {
    await start({ maxAttachmentBytes: 1000 })
    const job = await upload('a.txt', Buffer.from('x'), { auth: 'job', token: JOB })
    expect([job.status, job.body]).toEqual([401, { message: '401 Unauthorized' }])
    const big = await upload('a.txt', randomBytes(2000))
    expect([big.status, big.body]).toEqual([413, { message: '413 Request Entity Too Large' }])
    expect(gl.project(7).uploads).toEqual([])
  })

  it('uses the pre-17.1 URL form and no id on old servers', async () => {
    await start({ version: '16.11.0' })
    const res = await upload('dk.png', Buffer.from('png'))
    expect(res.json).not.toHaveProperty('id')
    expect(res.json.full_path).toMatch(/^\/group\/app\/uploads\/[0-9a-f]{32}\/dk\.png$/)
    expect(res.json.markdown).toBe(`![dk](${String(res.json.url)})`)
    const back = await call(`${gl.url}${String(res.json.full_path)}`, 'GET', {
      session: gl.state.signIn(DEV),
    })
    expect([back.status, back.text]).toEqual([200, 'png'])
  })
})

describe('faults and limits on GitLab', () => {
  beforeEach(() => start())

  it('answers 429 Retry later with Retry-After N times, then lets the upload through', async () => {
    const fault = gl.faults.add({
      method: 'PUT',
      path: /\/packages\/generic\//,
      times: 2,
      kind: { status: 429, retryAfter: 3 },
    })
    const statuses: number[] = []
    let last = await api('PUT', `${GENERIC}/a.bin`, { body: 'data' })
    statuses.push(last.status)
    expect(last.text).toBe('Retry later')
    expect(last.headers.get('content-type')).toBe('text/plain')
    expect(last.headers.get('retry-after')).toBe('3')
    expect(last.headers.get('ratelimit-remaining')).toBe('0')
    while (last.status === 429) {
      last = await api('PUT', `${GENERIC}/a.bin`, { body: 'data' })
      statuses.push(last.status)
    }
    expect(statuses).toEqual([429, 429, 201])
    expect(fault.fired).toBe(2)
    expect(gl.state.packageFiles(7, 'release-assets', '1.0.0')).toHaveLength(1)
  })

  it('does not store a file whose upload is reset mid-body', async () => {
    gl.faults.add({ method: 'PUT', kind: { reset: 'mid-body', afterBytes: 100_000 } })
    await expect(api('PUT', `${GENERIC}/a.bin`, { body: randomBytes(1_000_000) })).rejects.toThrow()
    expect(gl.state.packageFiles(7, 'release-assets', '1.0.0')).toEqual([])
    expect(gl.requests.count({ method: 'PUT' })).toBe(1)
  })

  it('stores a file whose connection drops after the write was applied', async () => {
    gl.faults.add({
      method: 'POST',
      path: '/api/v4/projects/group%2Fapp/releases',
      kind: { reset: 'after-apply' },
    })
    await expect(
      api('POST', '/projects/group%2Fapp/releases', { json: { tag_name: 'v1', ref: 'main' } }),
    ).rejects.toThrow()
    expect(gl.state.release(7, 'v1')).toBeDefined()
    const retry = await api('POST', '/projects/group%2Fapp/releases', {
      json: { tag_name: 'v1', ref: 'main' },
    })
    expect(retry.status).toBe(409)
  })

  it('answers 5xx the way GitLab and its proxy do, and applies nothing', async () => {
    gl.faults.add({ method: 'POST', kind: { status: 500 } })
    gl.faults.add({ method: 'POST', kind: { status: 502 } })
    const first = await api('POST', '/projects/7/releases', {
      json: { tag_name: 'v1', ref: 'main' },
    })
    expect([first.status, first.body]).toEqual([500, { message: '500 Internal Server Error' }])
    const second = await api('POST', '/projects/7/releases', {
      json: { tag_name: 'v1', ref: 'main' },
    })
    expect([second.status, second.headers.get('content-type')]).toEqual([502, 'text/html'])
    expect(gl.project(7).releases.size).toBe(0)
    expect(gl.writeRequests()).toHaveLength(2)
  })

  it('delays with latency and hangs until the client times out', async () => {
    gl.faults.add({ kind: { latencyMs: 20 } })
    gl.faults.add({ kind: { hang: true } })
    expect((await api('GET', '/projects/7/releases')).status).toBe(200)
    await expect(
      api('GET', '/projects/7/releases', { signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow()
    expect(gl.faults.fired).toBe(2)
  })

  it('throttles like Rack::Attack when configured', async () => {
    gl.config.throttle = { limit: 2, periodSeconds: 3600 }
    expect((await api('GET', '/projects/7/releases')).status).toBe(200)
    expect((await api('GET', '/projects/7/releases')).status).toBe(200)
    const limited = await api('GET', '/projects/7/releases')
    expect([limited.status, limited.text, limited.headers.get('ratelimit-name')]).toEqual([
      429,
      'Retry later',
      'throttle_authenticated_api',
    ])
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.headers.get('ratelimit-limit')).toBe('1')
    gl.config.throttle = undefined
    expect((await api('GET', '/projects/7/releases')).status).toBe(200)
  })
})

describe('discard storage', () => {
  it('keeps size and sha256 only, and still answers downloads with the right length', async () => {
    await start({ storage: 'discard' })
    const data = randomBytes(10_000)
    await api('PUT', `${GENERIC}/a.bin`, { body: data })
    expect(gl.state.packageFiles(7, 'release-assets', '1.0.0')[0]?.blob).toMatchObject({
      sha256: sha256(data),
      file: undefined,
    })
    const head = await api('HEAD', `${GENERIC}/a.bin`)
    expect(head.headers.get('content-length')).toBe('10000')
    const res = await fetch(`${gl.apiUrl}${GENERIC}/a.bin`, { headers: { 'PRIVATE-TOKEN': DEV } })
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.alloc(10_000))).toBe(true)
  })
})
