import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { expectNoTokenLeak, makeWorkspace, parseDotenv, runInProcess } from '../support/run-tool.js'
import {
  PRIVATE_TOKEN,
  PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from '../support/gitlab-scenario.js'

const files = {
  'dist/app-linux-amd64.tar.gz': 'linux build\n'.repeat(1000),
  'dist/app-darwin-arm64.tar.gz': 'darwin build\n'.repeat(500),
  'dist/app-windows-amd64.zip': 'windows build\n'.repeat(700),
  'CHANGELOG.md': '## v1.2.0\n\n- faster\n',
}

let scenario: GitLabScenario

beforeEach(async () => {
  scenario = await startGitLabScenario()
})
afterEach(async () => {
  await scenario.close()
})

const writes = (): string[] =>
  scenario.gitlab.requests.writeRequests().map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)

describe('publishing to GitLab', () => {
  it('creates the tag, the release with milestones and released_at, three files, SHA256SUMS and evidence', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_REF: 'main',
        INPUT_TAG_MESSAGE: 'Version 1.2.0',
        INPUT_NAME: 'App 1.2.0',
        INPUT_DESCRIPTION_FILE: 'CHANGELOG.md',
        INPUT_MILESTONES: 'v1.0, v1.1',
        INPUT_RELEASED_AT: '2026-01-02T03:04:05Z',
        INPUT_ASSETS: 'dist/*.tar.gz\ndist/*.zip',
        INPUT_OUTPUTS_FILE: 'release.env',
      }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)

    const release = scenario.gitlab.state.release(PROJECT, 'v1.2.0')
    expect(release?.name).toBe('App 1.2.0')
    expect(release?.description).toBe(files['CHANGELOG.md'])
    expect(new Date(release?.releasedAt ?? 0).toISOString()).toBe('2026-01-02T03:04:05.000Z')
    expect(release?.milestoneIds).toHaveLength(2)
    const tag = scenario.gitlab.project(PROJECT).tags.get('v1.2.0')
    expect(tag?.message).toBe('Version 1.2.0')
    expect(tag?.commitSha).toBe(scenario.mainSha)

    const linkNames = (release?.links ?? []).map((l) => l.name).sort()
    expect(linkNames).toEqual([
      'SHA256SUMS',
      'app-darwin-arm64.tar.gz',
      'app-linux-amd64.tar.gz',
      'app-windows-amd64.zip',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    for (const link of release?.links ?? []) expect(link.filepath).toBe(`/${link.name}`)
    const stored = scenario.gitlab.state.packageFiles(PROJECT, 'release-assets', 'v1.2.0')
    expect(stored.map((f) => f.fileName).sort()).toEqual(linkNames)

    const sums = await readFile(path.join(workspace, '.forge-release/SHA256SUMS'), 'utf8')
    expect(sums.trim().split('\n')).toHaveLength(3)
    const evidence = JSON.parse(
      await readFile(path.join(workspace, '.forge-release/release-evidence.intoto.json'), 'utf8'),
    ) as {
      _type: string
      subject: { name: string }[]
      predicate: { release: { milestones: unknown[] } }
    }
    expect(evidence._type).toBe('https://in-toto.io/Statement/v1')
    expect(evidence.subject.map((s) => s.name)).toContain('app-linux-amd64.tar.gz')
    expect(evidence.predicate.release.milestones).toHaveLength(2)

    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv.RELEASE_TAG_NAME).toBe('v1.2.0')
    expect(dotenv.RELEASE_CREATED).toBe('true')
    expect(dotenv.RELEASE_COMMIT_SHA).toBe(scenario.mainSha)
    expect(JSON.parse(dotenv.RELEASE_ASSETS ?? '[]')).toHaveLength(6)
    expect(result.outputs.created).toBe('true')
    await expectNoTokenLeak(PRIVATE_TOKEN, result, workspace)
  })

  it('changes nothing and uploads nothing when the same run is repeated', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.env({
      INPUT_TAG_NAME: 'v1.2.0',
      INPUT_REF: 'main',
      INPUT_MILESTONES: 'v1.0',
      INPUT_ASSETS: 'dist/*',
    })
    expect((await runInProcess(env, workspace)).exitCode).toBe(0)
    scenario.gitlab.requests.clear()

    const again = await runInProcess(env, workspace)
    expect(again.exitCode).toBe(0)
    expect(writes()).toEqual([])
    // Nothing was published, so nothing is fetched again to verify it: the request count of
    // an unchanged re-run does not grow with the number of assets.
    expect(scenario.gitlab.requests.filter({ method: 'HEAD' })).toEqual([])
    expect(again.output).toMatch(/Nothing was published by this run/)
    expect(again.outputs.created).toBe('false')
    expect(scenario.gitlab.state.release(PROJECT, 'v1.2.0')?.links).toHaveLength(6)
  })

  it('updates the name, description and milestones of an existing release', async () => {
    const workspace = await makeWorkspace(files)
    const first = scenario.env({
      INPUT_TAG_NAME: 'v1.2.0',
      INPUT_REF: 'main',
      INPUT_MILESTONES: 'v1.0',
    })
    expect((await runInProcess(first, workspace)).exitCode).toBe(0)

    const second = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_NAME: 'Renamed',
        INPUT_DESCRIPTION: 'New notes',
        INPUT_MILESTONES: 'v1.1',
      }),
      workspace,
    )
    expect(second.exitCode).toBe(0)
    const release = scenario.gitlab.state.release(PROJECT, 'v1.2.0')
    expect(release?.name).toBe('Renamed')
    expect(release?.description).toBe('New notes')
    const titles = scenario.gitlab
      .project(PROJECT)
      .milestones.filter((m) => release?.milestoneIds.includes(m.id))
      .map((m) => m.title)
    expect(titles).toEqual(['v1.1'])
    expect(second.outputs.created).toBe('false')
    // GitLab lists evidences oldest first; the output is the one this run asked for.
    expect(release?.evidences.length).toBeGreaterThan(1)
    expect(second.outputs.evidence_sha).toBe(release?.evidences.at(-1)?.sha)
    expect(second.sleeps.filter((ms) => ms >= 500)).toEqual([])
  })

  it('fails with one clear error and no write request when the tag is missing and no ref is given', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v9.9.9', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/Input 'ref': Tag 'v9.9.9' does not exist/)
    expect(writes()).toEqual([])
  })

  it('publishes with the CI job token through the generic package registry', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.jobEnv({
        CI_COMMIT_TAG: 'v2.0.0',
        INPUT_ASSETS: 'dist/*.zip',
        INPUT_OUTPUTS_FILE: 'release.env',
      }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    const jobRequests = scenario.gitlab.requests.withHeader('job-token')
    expect(jobRequests.length).toBeGreaterThan(0)
    expect(scenario.gitlab.requests.withHeader('private-token')).toEqual([])
    expect(
      scenario.gitlab.state
        .packageFiles(PROJECT, 'release-assets', 'v2.0.0')
        .map((f) => f.fileName),
    ).toContain('app-windows-amd64.zip')
  })

  it('uploads to project uploads with a private token', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v3.0.0',
        INPUT_REF: 'main',
        INPUT_ASSETS: 'dist/*.zip',
        INPUT_UPLOAD_TO: 'project_uploads',
      }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    const links = scenario.gitlab.state.release(PROJECT, 'v3.0.0')?.links ?? []
    const zip = links.find((l) => l.name === 'app-windows-amd64.zip')
    expect(zip?.url).toMatch(/\/-\/project\/42\/uploads\/[0-9a-f]{32}\/app-windows-amd64\.zip$/)

    scenario.gitlab.requests.clear()
    const again = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v3.0.0',
        INPUT_ASSETS: 'dist/*.zip',
        INPUT_UPLOAD_TO: 'project_uploads',
      }),
      workspace,
    )
    expect(again.exitCode).toBe(0)
    expect(writes()).toEqual([])
  })

  it('reads project uploads of a private project through API routes only (GitLab 17.4)', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.env({
      INPUT_TAG_NAME: 'v3.0.0',
      INPUT_REF: 'main',
      INPUT_ASSETS: 'dist/*',
      INPUT_UPLOAD_TO: 'project_uploads',
    })
    const first = await runInProcess(env, workspace)
    expect(first.output).not.toContain('ERROR')
    expect(first.exitCode).toBe(0)
    expect(first.output).toMatch(/^GitLab 17\.5\.0 \(from GET \/version\)$/m)
    // Verify read the sizes through GET /projects/:id/uploads/:secret/:filename, one byte each.
    const ranged = scenario.gitlab.requests
      .filter({ method: 'GET', path: /^\/api\/v4\/projects\/group%2Fapp\/uploads\/[0-9a-f]{32}\// })
      .filter((r) => r.headers.range === 'bytes=0-0')
    // Three files, SHA256SUMS, the evidence and the provenance.
    expect(ranged).toHaveLength(6)
    expect(ranged.every((r) => r.status === 206)).toBe(true)

    // A changed file makes the re-run read SHA256SUMS and the evidence back: API routes too.
    await writeFile(path.join(workspace, 'dist/app-windows-amd64.zip'), 'rebuilt\n')
    const second = await runInProcess(env, workspace)
    expect(second.output).not.toContain('ERROR')
    expect(second.exitCode).toBe(0)
    const requests = scenario.gitlab.requests.all()
    // No request of the tool went to a web route (they take no API token on a private project).
    expect(requests.filter((r) => !r.path.startsWith('/api/v4/'))).toEqual([])
    expect(requests.filter((r) => r.method === 'HEAD')).toEqual([])
    const sums = requests.filter(
      (r) => r.method === 'GET' && /\/uploads\/[0-9a-f]{32}\/SHA256SUMS$/.test(r.path),
    )
    expect(sums.length).toBeGreaterThan(0)
    expect(sums.every((r) => r.status === 200 || r.status === 206)).toBe(true)
  })

  it('reads project uploads through the web route before GitLab 17.4, with a warning', async () => {
    await scenario.close()
    scenario = await startGitLabScenario({
      version: '17.3.0',
      projects: [{ id: 42, path_with_namespace: PROJECT, visibility: 'public' }],
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v3.0.0',
        INPUT_REF: 'main',
        INPUT_ASSETS: 'dist/*.zip',
        INPUT_UPLOAD_TO: 'project_uploads',
      }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    const warnings = result.output
      .split('\n')
      .filter((l) => l.includes('serves project uploads only through web routes'))
    expect(warnings).toHaveLength(1)
    expect(
      scenario.gitlab.requests.filter({ method: 'GET', path: /^\/-\/project\/42\/uploads\// }),
    ).not.toEqual([])
  })

  it.each([
    [
      'CI_SERVER_VERSION',
      { CI_SERVER_VERSION: '17.5.0' },
      /^GitLab 17\.5\.0 \(from CI_SERVER_VERSION\)$/m,
    ],
    [
      'nowhere (the job token may not read /version)',
      { CI_SERVER_VERSION: undefined },
      /^WARNING: GitLab version unknown: GET \/version answered 401 \(it does not take the CI job token\) and CI_SERVER_VERSION is not set; assuming 17\.4 or later$/m,
    ],
  ])('says which GitLab version it assumed and where it came from: %s', async (_, extra, line) => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.jobEnv({ CI_COMMIT_TAG: 'v2.0.0', INPUT_ASSETS: 'dist/*.zip', ...extra }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    expect(result.output).toMatch(line)
  })

  it('refuses project uploads with the job token before any request', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.jobEnv({
        CI_COMMIT_TAG: 'v2.0.0',
        INPUT_ASSETS: 'dist/*.zip',
        INPUT_UPLOAD_TO: 'project_uploads',
      }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/upload_to/)
    expect(scenario.gitlab.requests.all()).toEqual([])
  })
})
