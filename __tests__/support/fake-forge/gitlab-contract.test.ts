/**
 * The fake GitLab holds requests to the Grape declarations of gitlab/grape-params.ts (copied from
 * GitLab's source, file and commit named there): undeclared parameters and values Grape would not
 * coerce are refused and recorded. Its table also says which routes take a CI job token; the
 * routes answer accordingly.
 */
import { CONTRACT_MARKER } from './contract-violation.js'
import { startFakeGitLab, type FakeGitLab } from './gitlab.js'
import { GRAPE_ENDPOINTS, type GrapeEndpoint } from './gitlab/grape-params.js'
import { call, type CallOptions } from './http-test-client.js'

const DEV = 'glpat-developer'
const JOB = 'job-token-1'

let gl: FakeGitLab
const api = (method: string, path: string, options: CallOptions = {}): ReturnType<typeof call> =>
  call(`${gl.apiUrl}${path}`, method, { token: DEV, ...options })

beforeEach(async () => {
  gl = await startFakeGitLab({
    projects: [{ id: 7, path_with_namespace: 'group/app', visibility: 'private' }],
    tokens: { [DEV]: { access: 'maintainer' }, [JOB]: { type: 'job', access: 'maintainer' } },
  })
})

afterEach(async () => {
  const errors = gl.errors
  await gl.close()
  expect(errors).toEqual([])
})

/** Clears the recorded violations (they are the point of these tests) and returns them. */
const takeViolations = (): string[] => {
  const messages = gl.errors.map((e) => e.message)
  gl.errors.length = 0
  return messages
}

describe('fake GitLab: requests held to the Grape declarations', () => {
  it.each([
    [
      'POST',
      '/projects/7/releases',
      { tag_name: 'v1', ref: 'main', title: 'x' },
      /'title' is not declared/,
    ],
    [
      'POST',
      '/projects/7/releases',
      { tag_name: 'v1', ref: 'main', released_at: 'soon' },
      /released_at must be an ISO 8601 DateTime/,
    ],
    [
      'POST',
      '/projects/7/releases',
      {
        tag_name: 'v1',
        ref: 'main',
        assets: { links: [{ name: 'a', url: 'https://x/a', label: 'b' }] },
      },
      /assets\.links\[0\]\.label is not declared/,
    ],
    ['PUT', '/projects/7/releases/v0', { name: 'n', sha: 'abc' }, /'sha' is not declared/],
    [
      'POST',
      '/projects/7/releases/v0/assets/links',
      { name: 'a', url: 'https://x/a', link_type: 'bin' },
      /link_type="bin" is not one of/,
    ],
  ] as const)('refuses %s %s with %j and records it', async (method, path, json, problem) => {
    gl.state.addRelease('group/app', { tag_name: 'v0' })
    const res = await api(method, path, { json })
    expect(res.status).toBe(400)
    expect(String(res.json.message)).toContain(CONTRACT_MARKER)
    const violations = takeViolations()
    expect(violations).toHaveLength(1)
    expect(violations[0]).toMatch(problem)
  })

  it('refuses an undeclared query parameter, and takes declared ones and credentials', async () => {
    expect((await api('GET', '/projects/7/packages?package_type=generic&name=x')).status).toBe(400)
    expect(takeViolations()[0]).toMatch(/'name' is not declared for GET \/projects\/:id\/packages/)
    const ok = await api(
      'GET',
      `/projects/7/packages?package_type=generic&package_name=a&package_version=1&per_page=100&page=1&private_token=${DEV}`,
      { token: undefined },
    )
    expect(ok.status).toBe(200)
  })

  describe('job tokens, route by route', () => {
    /** A request to every table route, with real ids in place of the path parameters. */
    const exampleOf = async (endpoint: GrapeEndpoint): Promise<string> => {
      const release =
        gl.state.release('group/app', 'v1') ??
        gl.state.addRelease('group/app', {
          tag_name: 'v1',
          links: [{ name: 'a', url: 'https://x/a', direct_asset_path: '/a' }],
        })
      const put = await api('PUT', '/projects/7/packages/generic/pkg/1.0/f.bin', { body: 'bytes' })
      expect(put.status).toBe(201)
      const pkg = gl.project(7).packages[0]
      const form = new FormData()
      form.append('file', new Blob(['upload']), 'u.txt')
      const upload = await api('POST', '/projects/7/uploads', { body: form })
      const [secret = '', filename = ''] = String(upload.json.url).split('/').slice(-2)
      const values: Record<string, string> = {
        id: '7',
        tag_name: 'v1',
        link_id: String(release.links[0]?.id),
        package_name: 'pkg',
        package_version: '1.0',
        file_path: 'f.bin',
        package_id: String(pkg?.id),
        package_file_id: String(pkg?.files[0]?.id),
        secret,
        filename,
        direct_asset_path: 'a',
        suffix_path: 'downloads/a',
      }
      return endpoint.pattern
        .replace('/api/v4', '')
        .replace(/[:*]([a-z_]+)/g, (_, name: string) => values[name] ?? name)
    }

    it.each(GRAPE_ENDPOINTS.map((e) => [`${e.method} ${e.pattern}`, e] as const))(
      '%s answers a CI job token as its route setting says',
      async (_, endpoint) => {
        const path = await exampleOf(endpoint)
        const json =
          endpoint.method === 'POST' && endpoint.pattern.endsWith('/releases')
            ? { tag_name: 'v2', ref: 'main' }
            : endpoint.method === 'POST' && endpoint.pattern.endsWith('/links')
              ? { name: 'b', url: 'https://x/b' }
              : endpoint.method === 'PUT' && !endpoint.pattern.includes('generic')
                ? { name: 'renamed' }
                : endpoint.pattern.endsWith('/repository/tags') && endpoint.method === 'POST'
                  ? { tag_name: 'v3', ref: 'main' }
                  : undefined
        const res = await api(endpoint.method, path, {
          auth: 'job',
          token: JOB,
          ...(json === undefined ? {} : { json }),
          ...(endpoint.method === 'PUT' && json === undefined ? { body: 'bytes' } : {}),
        })
        const refused =
          res.status === 401 ||
          (res.status === 404 &&
            (res.body as { message?: string } | undefined)?.message === '404 Project Not Found')
        expect({ route: `${endpoint.method} ${path}`, refused }).toEqual({
          route: `${endpoint.method} ${path}`,
          refused: !endpoint.jobToken,
        })
      },
    )
  })
})
