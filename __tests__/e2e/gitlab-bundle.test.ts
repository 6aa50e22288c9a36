import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import {
  expectNoTokenLeak,
  makeWorkspace,
  parseDotenv,
  parseGitHubOutput,
  runBundle,
} from '../support/run-tool.js'
import {
  JOB_TOKEN,
  PRIVATE_TOKEN,
  PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from '../support/gitlab-scenario.js'

// The shipped bundle, run as a process the way GitHub and GitLab run it.
let scenario: GitLabScenario
beforeEach(async () => {
  scenario = await startGitLabScenario()
})
afterEach(async () => {
  await scenario.close()
})

const files = {
  'dist/one.tar.gz': 'one'.repeat(10_000),
  'dist/two.tar.gz': 'two'.repeat(20_000),
  'dist/three.zip': 'three'.repeat(5_000),
}

describe('dist/index.js against the fake GitLab', () => {
  it('publishes from a GitHub Actions step and writes step outputs and the dotenv report', async () => {
    const workspace = await makeWorkspace(files)
    // The runner creates the file before the step starts.
    const outputFile = path.join(workspace, 'github-output')
    await writeFile(outputFile, '')
    const env = {
      ...scenario.env({
        INPUT_TAG_NAME: 'v1.0.0',
        INPUT_REF: 'main',
        INPUT_ASSETS: 'dist/*',
        INPUT_MILESTONES: 'v1.0',
        INPUT_RELEASED_AT: '2025-06-01',
        INPUT_OUTPUTS_FILE: 'release.env',
      }),
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_WORKSPACE: workspace,
    }
    const result = await runBundle(env, workspace)
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('::group::Uploading assets')

    const outputs = parseGitHubOutput(await readFile(outputFile, 'utf8'))
    expect(outputs.tag_name).toBe('v1.0.0')
    expect(outputs.created).toBe('true')
    expect(outputs.commit_sha).toBe(scenario.mainSha)
    const assets = JSON.parse(outputs.assets ?? '[]') as { name: string; sha256: string }[]
    expect(assets.map((a) => a.name)).toEqual([
      'SHA256SUMS',
      'one.tar.gz',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
      'three.zip',
      'two.tar.gz',
    ])
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv.RELEASE_TAG_NAME).toBe('v1.0.0')
    expect(dotenv.RELEASE_ASSETS_FILE).toBe(outputs.assets_file)
    expect(dotenv.RELEASE_CHECKSUMS_URL).toBe(outputs.checksums_url)
    await expectNoTokenLeak(PRIVATE_TOKEN, { ...result, outputs }, workspace)
  })

  it('runs as a GitLab CI job with the job token, then changes nothing on a second run', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.jobEnv({
      CI_COMMIT_TAG: 'v2.0.0',
      CI_PROJECT_DIR: workspace,
      INPUT_ASSETS: 'dist/*',
    })
    const first = await runBundle(env, workspace)
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toContain('section_start:')
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv.RELEASE_CREATED).toBe('true')

    scenario.gitlab.requests.clear()
    const second = await runBundle(env, workspace)
    expect(second.exitCode).toBe(0)
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
    expect(
      parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8')).RELEASE_CREATED,
    ).toBe('false')
    expect(scenario.gitlab.state.release(PROJECT, 'v2.0.0')?.links).toHaveLength(6)
    await expectNoTokenLeak(JOB_TOKEN, first, workspace)
    await expectNoTokenLeak(JOB_TOKEN, second, workspace)
  })

  it('exits 1 with one error naming the inputs and sends no request on bad input', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runBundle(
      scenario.env({
        INPUT_TAG_NAME: 'v1.0.0',
        INPUT_DESCRIPTION: 'x',
        INPUT_DESCRIPTION_FILE: 'notes.md',
        INPUT_RELEASED_AT: 'yesterday',
        INPUT_DRY_RUN: 'yes',
      }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/description_file/)
    expect(result.output).toMatch(/released_at/)
    expect(result.output).toMatch(/dry_run/)
    expect(scenario.gitlab.requests.all()).toEqual([])
  })

  it('prints the planned requests on a dry run and changes nothing', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runBundle(
      scenario.env({
        INPUT_TAG_NAME: 'v1.0.0',
        INPUT_REF: 'main',
        INPUT_ASSETS: 'dist/*',
        INPUT_DRY_RUN: 'true',
      }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    expect(result.output).toMatch(/PUT .*packages\/generic\/release-assets\/v1\.0\.0\/one\.tar\.gz/)
    expect(result.output).toMatch(/POST .*\/releases \(tag v1\.0\.0/)
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
    expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')).toBeUndefined()
  })
})
