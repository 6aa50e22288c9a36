import { expectNoTokenLeak, makeWorkspace, runInProcess } from '../support/run-tool.js'
import {
  PRIVATE_TOKEN,
  PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from '../support/gitlab-scenario.js'

const files = {
  'dist/a.tar.gz': 'a'.repeat(200_000),
  'dist/b.tar.gz': 'b'.repeat(150_000),
  'dist/c.zip': 'c'.repeat(100_000),
}

let scenario: GitLabScenario
beforeEach(async () => {
  scenario = await startGitLabScenario()
})
afterEach(async () => {
  await scenario.close()
})

const env = (): Record<string, string> =>
  scenario.env({ INPUT_TAG_NAME: 'v1.0.0', INPUT_REF: 'main', INPUT_ASSETS: 'dist/*' }) as Record<
    string,
    string
  >

function expectEachLinkOnce(): void {
  const links = scenario.gitlab.state.release(PROJECT, 'v1.0.0')?.links ?? []
  const names = links.map((l) => l.name).sort()
  expect(names).toEqual([
    'SHA256SUMS',
    'a.tar.gz',
    'b.tar.gz',
    'c.zip',
    'provenance.intoto.json',
    'release-evidence.intoto.json',
  ])
}

describe('GitLab under faults', () => {
  it('waits as long as a 429 Retry-After asks, then succeeds with each link once', async () => {
    const fault = scenario.gitlab.faults.add({
      method: 'PUT',
      path: /packages\/generic/,
      times: 2,
      kind: { status: 429, retryAfter: 7 },
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(env(), workspace)
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    expect(fault.fired).toBe(2)
    expect(result.sleeps.filter((ms) => ms >= 7000)).toHaveLength(2)
    expectEachLinkOnce()
    await expectNoTokenLeak(PRIVATE_TOKEN, result, workspace)
  })

  it('retries a 503 on reads and uploads', async () => {
    scenario.gitlab.faults.add({ method: 'GET', times: 2, kind: { status: 503 } })
    scenario.gitlab.faults.add({ method: 'PUT', times: 2, kind: { status: 503 } })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(env(), workspace)
    expect(result.exitCode).toBe(0)
    expectEachLinkOnce()
  })

  it('re-sends an upload cut off mid-body and stores the whole file', async () => {
    scenario.gitlab.faults.add({
      method: 'PUT',
      path: /a\.tar\.gz/,
      times: 1,
      kind: { reset: 'mid-body', afterBytes: 50_000 },
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(env(), workspace)
    expect(result.exitCode).toBe(0)
    const stored = scenario.gitlab.state
      .packageFiles(PROJECT, 'release-assets', 'v1.0.0')
      .filter((f) => f.fileName === 'a.tar.gz')
    expect(stored.at(-1)?.blob.size).toBe(200_000)
    expectEachLinkOnce()
  })

  it('does not create the release twice when the answer to the create is lost', async () => {
    scenario.gitlab.faults.add({
      method: 'POST',
      path: /\/releases$/,
      times: 1,
      kind: { reset: 'after-apply' },
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(env(), workspace)
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    expectEachLinkOnce()
  })

  it('does not duplicate a link when the answer to its create is lost', async () => {
    scenario.gitlab.faults.add({
      method: 'POST',
      path: /assets\/links$/,
      times: 1,
      kind: { reset: 'after-apply' },
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(env(), workspace)
    expect(result.exitCode).toBe(0)
    expectEachLinkOnce()
  })

  it('re-sends a create that a bare 502 answered once it finds nothing was created', async () => {
    scenario.gitlab.faults.add({
      method: 'POST',
      path: /\/releases$/,
      times: 1,
      kind: { status: 502 },
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(env(), workspace)
    expect(result.exitCode).toBe(0)
    expectEachLinkOnce()
  })
})
