import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { REPOSITORY, startGitHubScenario, type GitHubScenario } from '../support/github-scenario.js'
import { makeWorkspace, parseGitHubOutput, runBundle } from '../support/run-tool.js'

// dist/index.js as a GitHub Actions step on a tag push, against the fake GitHub: what a person
// sees in the log (one group per step) and on the run's page (the job summary).
let scenario: GitHubScenario
beforeEach(async () => {
  scenario = await startGitHubScenario({ repos: [{ fullName: REPOSITORY, private: false }] })
})
afterEach(async () => {
  await scenario.close()
})

const files = {
  'dist/app-linux-amd64.tar.gz': 'linux build\n'.repeat(3000),
  'dist/app-darwin-arm64.tar.gz': 'darwin build\n'.repeat(100),
}
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

describe('the GitHub Actions step', () => {
  it('logs one group per step and writes a summary table of assets, sizes, short sha256 and links', async () => {
    const workspace = await makeWorkspace(files)
    const summary = path.join(workspace, 'step-summary.md')
    const output = path.join(workspace, 'github-output')
    await writeFile(summary, '')
    await writeFile(output, '')
    const result = await runBundle(
      {
        ...scenario.actionsEnv('v1.0.0', { INPUT_ASSETS: 'dist/*' }),
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
      },
      workspace,
    )
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)

    const groups = result.stdout.match(/^::group::.*$/gm) ?? []
    expect(groups).toEqual(
      expect.arrayContaining([
        '::group::Reading inputs',
        '::group::Planning the release',
        '::group::Uploading assets',
        '::group::Writing outputs',
      ]),
    )
    expect(result.stdout.match(/^::endgroup::$/gm)).toHaveLength(groups.length)

    const table = await readFile(summary, 'utf8')
    expect(table).toContain('### Release v1.0.0 (v1.0.0)')
    expect(table).toContain('| asset | size | sha256 | link |')
    const outputs = parseGitHubOutput(await readFile(output, 'utf8'))
    const assets = JSON.parse(outputs.assets ?? '[]') as {
      name: string
      direct_asset_url: string
    }[]
    const linux = assets.find((a) => a.name === 'app-linux-amd64.tar.gz')
    expect(table).toContain(
      `| app-linux-amd64.tar.gz | 35.2 KiB | \`${sha256(files['dist/app-linux-amd64.tar.gz']).slice(0, 12)}\` | ${linux?.direct_asset_url} |`,
    )
    expect(table).toContain(
      `| app-darwin-arm64.tar.gz | 1.3 KiB | \`${sha256(files['dist/app-darwin-arm64.tar.gz']).slice(0, 12)}\` |`,
    )
    expect(table).toMatch(/\| SHA256SUMS \| \d+ B \| `[0-9a-f]{12}` \| http/)
  })
})
