import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { actionInputs } from '../support/action-runner.js'
import {
  GITHUB_TOKEN,
  REPOSITORY,
  startGitHubScenario,
  type GitHubScenario,
} from '../support/github-scenario.js'
import { makeWorkspace, parseGitHubOutput, runBundle, type Env } from '../support/run-tool.js'

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

  /** The step as the runner starts it: action.yml's inputs filled in, then the `with:` keys. */
  const runStep = async (
    withKeys: Record<string, string>,
    workspace: string,
  ): Promise<Awaited<ReturnType<typeof runBundle>> & { outputs: Env }> => {
    const output = path.join(workspace, 'github-output')
    await writeFile(output, '')
    const result = await runBundle(
      {
        ...scenario.actionsEnv('v1.0.0', actionInputs(withKeys, GITHUB_TOKEN)),
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: output,
      },
      workspace,
    )
    return { ...result, outputs: parseGitHubOutput(await readFile(output, 'utf8')) }
  }

  it("publishes the files of softprops/action-gh-release's `with: files: dist/*`, saying it reads files as assets", async () => {
    const workspace = await makeWorkspace(files)
    const result = await runStep({ files: 'dist/*', body: 'Fixes' }, workspace)
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      "Input 'files' (softprops/action-gh-release) is read as assets.",
    )
    expect(result.stdout).toContain(
      "Input 'body' (softprops/action-gh-release, ncipollo/release-action) is read as description.",
    )
    expect(result.stdout).not.toMatch(/^::(warning|error)::/m)

    const [release] = scenario.github.state.releasesOf(REPOSITORY)
    expect(release).toMatchObject({ tagName: 'v1.0.0', body: 'Fixes', draft: false })
    const stored = new Map(release?.assets.map((a) => [a.name, a]))
    for (const [file, content] of Object.entries(files)) {
      const asset = stored.get(path.basename(file))
      expect({ file, size: asset?.size, digest: asset?.digest }).toEqual({
        file,
        size: content.length,
        digest: `sha256:${sha256(content)}`,
      })
    }
    // Besides the files: SHA256SUMS, the evidence and the provenance.
    expect(JSON.parse(result.outputs.assets ?? '[]')).toHaveLength(Object.keys(files).length + 3)
  })

  it('fails a step given an unknown input before any request, naming the closest input', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runStep({ file: 'dist/*' }, workspace)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(
      "::error::Input 'file': INPUT_FILE names no forge-release input. Did you mean assets (INPUT_ASSETS)?",
    )
    expect(scenario.github.timeline).toEqual([])
    expect(scenario.github.state.releasesOf(REPOSITORY)).toEqual([])
  })

  it('names both when a step gives an input and its alias, and sends nothing', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runStep({ assets: 'dist/*', files: 'dist/*.tar.gz' }, workspace)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(
      "::error::Input 'assets': is given twice: as assets (INPUT_ASSETS) and as files (INPUT_FILES)",
    )
    expect(scenario.github.timeline).toEqual([])
  })
})
