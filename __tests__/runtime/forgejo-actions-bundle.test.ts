import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { REPOSITORY, startGiteaScenario, type GiteaScenario } from '../support/gitea-scenario.js'
import { makeWorkspace, parseGitHubOutput, runBundle } from '../support/run-tool.js'

// dist/index.js as a step of a Forgejo Actions workflow on a tag push, against the fake
// Forgejo: the runner's variables only (GITHUB_* pointing at Forgejo, GITEA_ACTIONS,
// FORGEJO_ACTIONS) and the token the action passes by default, no platform, api_url or project.
let scenario: GiteaScenario
beforeEach(async () => {
  scenario = await startGiteaScenario({ flavour: 'forgejo' })
})
afterEach(async () => {
  expect(scenario.gitea.errors).toEqual([])
  await scenario.close()
})

const files = {
  'dist/app-linux-amd64.tar.gz': 'linux build\n'.repeat(3000),
  'dist/app-darwin-arm64.tar.gz': 'darwin build\n'.repeat(100),
}
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

async function runStep(workspace: string, extra: Record<string, string> = {}) {
  const output = path.join(workspace, 'github-output')
  const summary = path.join(workspace, 'step-summary.md')
  await writeFile(output, '')
  await writeFile(summary, '')
  const result = await runBundle(
    {
      ...scenario.actionsEnv('v1.0.0', { INPUT_ASSETS: 'dist/*', ...extra }),
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
    },
    workspace,
  )
  return { result, outputs: parseGitHubOutput(await readFile(output, 'utf8')), summary }
}

describe('the action in a Forgejo Actions job', () => {
  it('publishes to the Forgejo that runs the job, from the runner’s variables alone', async () => {
    const workspace = await makeWorkspace(files)
    const { result, outputs, summary } = await runStep(workspace)
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      `Publishing v1.0.0 to gitea project ${REPOSITORY} (${scenario.gitea.apiUrl})`,
    )

    // One published release, its tag made from GITHUB_SHA, every file once.
    const [release, ...others] = scenario.gitea.state.releasesOf(REPOSITORY)
    expect(others).toEqual([])
    expect(release).toMatchObject({ tagName: 'v1.0.0', isDraft: false, title: 'v1.0.0' })
    expect(scenario.gitea.repo(REPOSITORY).tags.get('v1.0.0')?.commitSha).toBe(scenario.mainSha)
    expect(release?.attachments.map((a) => a.name).sort()).toEqual([
      'SHA256SUMS',
      'app-darwin-arm64.tar.gz',
      'app-linux-amd64.tar.gz',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    // Files were added to the draft, which was published last.
    const journal = scenario.gitea.state.journal.map((e) => e.kind)
    expect(journal.indexOf('publish')).toBe(journal.length - 1)

    // Every request went to the job's own server, with the job's token.
    const requests = scenario.gitea.requests.all()
    expect(requests.length).toBeGreaterThan(0)
    for (const request of requests) {
      expect(request.headers.authorization).toBe(`Bearer ${scenario.env().INPUT_TOKEN ?? ''}`)
    }

    // Step outputs and the job summary.
    expect(outputs).toMatchObject({
      release_url: `${scenario.gitea.webUrl}/${REPOSITORY}/releases/tag/v1.0.0`,
      tag_name: 'v1.0.0',
      commit_sha: scenario.mainSha,
      created: 'true',
    })
    const assets = JSON.parse(outputs.assets ?? '[]') as { name: string; sha256: string }[]
    expect(assets.find((a) => a.name === 'app-linux-amd64.tar.gz')?.sha256).toBe(
      sha256(files['dist/app-linux-amd64.tar.gz']),
    )
    expect(outputs.checksums_url).toBe(
      `${scenario.gitea.webUrl}/${REPOSITORY}/releases/download/v1.0.0/SHA256SUMS`,
    )
    expect(await readFile(summary, 'utf8')).toContain('| asset | size | sha256 | link |')

    // The evidence names the Forgejo run by its number.
    const evidence = await readFile(outputs.evidence_file ?? '', 'utf8')
    expect(evidence).toContain(`${scenario.gitea.webUrl}/${REPOSITORY}/actions/runs/17`)
  })

  it('changes nothing when the job runs again (Gitea Actions, GITEA_ACTIONS only)', async () => {
    const workspace = await makeWorkspace(files)
    expect((await runStep(workspace)).result.exitCode).toBe(0)
    const before = scenario.gitea.requests.all().length
    const again = await runStep(workspace, {
      FORGEJO_ACTIONS: '',
      FORGEJO_ACTIONS_RUNNER_VERSION: '',
    })
    expect(again.result.exitCode).toBe(0)
    expect(again.outputs.created).toBe('false')
    const writes = scenario.gitea.requests
      .all()
      .slice(before)
      .filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
    expect(writes).toEqual([])
  })
})
