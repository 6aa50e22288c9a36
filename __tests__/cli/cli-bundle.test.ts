import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { INPUTS } from '../../src/settings/inputs.js'
import { GITHUB_TOKEN, REPOSITORY, startGitHubScenario } from '../support/github-scenario.js'
import { PRIVATE_TOKEN, PROJECT, startGitLabScenario } from '../support/gitlab-scenario.js'
import {
  GONGFENG_TOKEN,
  PROJECT as GONGFENG_PROJECT,
  startGongfengScenario,
} from '../support/gongfeng-scenario.js'
import {
  expectNoTokenLeak,
  makeWorkspace,
  parseGitHubOutput,
  repoRoot,
  runBundle,
} from '../support/run-tool.js'

// dist/index.js run as a person runs it: `forge-release --flag value` in a shell, with no CI
// variables, the token in the forge's usual environment variable.
const files = {
  'dist/app-linux.tar.gz': 'linux'.repeat(2000),
  'dist/app-mac.zip': 'mac'.repeat(3000),
}

interface JsonResult {
  readonly release_url: string
  readonly tag_name: string
  readonly created: boolean
  readonly assets: { name: string; size: number; sha256: string }[]
}

describe('forge-release by hand (the bundle as a process)', () => {
  it('publishes to GitLab from flags, prints name=value outputs and exits 0', async () => {
    const scenario = await startGitLabScenario()
    try {
      const workspace = await makeWorkspace(files)
      const result = await runBundle({ GITLAB_TOKEN: PRIVATE_TOKEN }, workspace, [
        '--api-url',
        scenario.gitlab.apiUrl,
        '--project',
        PROJECT,
        '--tag_name=v1.0.0',
        '--ref',
        'main',
        '--assets',
        'dist/*',
      ])
      expect(result.stderr).not.toContain('ERROR')
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toContain('tag_name=v1.0.0\n')
      expect(result.stderr).toContain('== Uploading assets')
      expect(
        scenario.gitlab.state
          .release(PROJECT, 'v1.0.0')
          ?.links.map((l) => l.name)
          .sort(),
      ).toEqual([
        'SHA256SUMS',
        'app-linux.tar.gz',
        'app-mac.zip',
        'provenance.intoto.json',
        'release-evidence.intoto.json',
      ])
      await expectNoTokenLeak(PRIVATE_TOKEN, result, workspace)
    } finally {
      await scenario.close()
    }
  })

  it('publishes to GitHub with --json and GITHUB_TOKEN: stdout is one JSON document', async () => {
    const scenario = await startGitHubScenario({
      repos: [{ fullName: REPOSITORY, private: false }],
    })
    try {
      const workspace = await makeWorkspace(files)
      const result = await runBundle({ GITHUB_TOKEN }, workspace, [
        '--platform',
        'github',
        '--api_url',
        scenario.github.apiUrl,
        '--project',
        REPOSITORY,
        '--tag_name',
        'v1.2.0',
        '--ref',
        scenario.mainSha,
        '--assets',
        'dist/*',
        '--json',
      ])
      expect(result.stderr).not.toContain('ERROR')
      expect(result.exitCode).toBe(0)
      const json = JSON.parse(result.stdout) as JsonResult & { release_id: unknown }
      expect(json.tag_name).toBe('v1.2.0')
      expect(json.created).toBe(true)
      const [published] = scenario.github.state.releasesOf(REPOSITORY)
      expect(json.release_id).toBe(published?.id)
      expect(json.assets.map((a) => a.name)).toEqual(
        expect.arrayContaining(['app-linux.tar.gz', 'app-mac.zip']),
      )
      const [release] = scenario.github.state.releasesOf(REPOSITORY)
      expect(release?.draft).toBe(false)
      expect(release?.assets.map((a) => a.name)).toEqual(
        expect.arrayContaining(['app-linux.tar.gz', 'SHA256SUMS']),
      )
      await expectNoTokenLeak(GITHUB_TOKEN, result, workspace)
    } finally {
      await scenario.close()
    }
  })

  it('publishes to Gongfeng with labels given twice and GONGFENG_TOKEN', async () => {
    const scenario = await startGongfengScenario()
    try {
      const workspace = await makeWorkspace(files)
      const result = await runBundle({ GONGFENG_TOKEN }, workspace, [
        '--platform=gongfeng',
        `--api_url=${scenario.gongfeng.apiUrl}`,
        `--project=${GONGFENG_PROJECT}`,
        '--tag_name=v1.2.0',
        '--ref=master',
        '--labels=stable',
        '--labels=linux',
        '--assets=dist/*',
        '--json',
      ])
      expect(result.stderr).not.toContain('ERROR')
      expect(result.exitCode).toBe(0)
      expect((JSON.parse(result.stdout) as JsonResult).tag_name).toBe('v1.2.0')
      const release = scenario.gongfeng.state.release(GONGFENG_PROJECT, 'v1.2.0')
      expect(release?.labels).toEqual(['stable', 'linux'])
      expect(release?.attachments.map((a) => a.name).sort()).toEqual(
        expect.arrayContaining(['app-linux.tar.gz', 'app-mac.zip', 'SHA256SUMS']),
      )
      await expectNoTokenLeak(GONGFENG_TOKEN, result, workspace)
    } finally {
      await scenario.close()
    }
  })

  it('prints --help listing every input, wrapped, on stdout', async () => {
    const workspace = await makeWorkspace()
    const result = await runBundle({}, workspace, ['--help'])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    for (const input of INPUTS) expect(result.stdout).toContain(`\n  --${input.name} `)
    expect(Math.max(...result.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80)
  })

  it('prints the version of package.json', async () => {
    const workspace = await makeWorkspace()
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string
    }
    const result = await runBundle({}, workspace, ['--version'])
    expect(result).toMatchObject({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' })
  })

  it.each([
    [['--tagg', 'v1'], 'unknown flag --tagg (did you mean --tag_name?)'],
    [['--file', 'dist/*'], 'unknown flag --file (did you mean --assets?)'],
    [
      ['--files', 'dist/*', '--assets', 'out/*'],
      '--files and --assets both set the input assets; give only --assets',
    ],
    [['--tag_name'], '--tag_name needs a value'],
    [
      ['--tag_name', '--dry_run'],
      '--tag_name needs a value, but the next argument is the flag --dry_run',
    ],
    [['--dry_run', 'false'], 'unexpected argument "false"'],
    [['release', 'v1.0.0'], 'unexpected argument "release"'],
  ])('exits 2 on %j and says: %s', async (argv, message) => {
    const workspace = await makeWorkspace()
    const result = await runBundle({}, workspace, argv)
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.startsWith(`forge-release: ${message}`)).toBe(true)
    expect(result.stderr).toContain("Run 'forge-release --help' to see every flag.")
  })

  it('exits 1 on bad input and prints the problems as JSON under --json', async () => {
    const workspace = await makeWorkspace()
    const result = await runBundle({ GITLAB_TOKEN: PRIVATE_TOKEN }, workspace, [
      '--api_url',
      'https://gitlab.example.com/api/v4',
      '--project',
      'group/app',
      '--tag_name',
      'v1..0',
      '--json',
    ])
    expect(result.exitCode).toBe(1)
    const json = JSON.parse(result.stdout) as {
      error: { problems: { input: string; hint: string }[] }
    }
    expect(json.error.problems[0]?.input).toBe('tag_name')
    expect(result.stderr).toContain("ERROR: Input 'tag_name'")
  })

  it('under GitHub Actions with --json, keeps stdout for the JSON and the workflow commands on stderr', async () => {
    const scenario = await startGitLabScenario()
    try {
      const workspace = await makeWorkspace(files)
      const outputFile = path.join(workspace, 'github-output')
      await writeFile(outputFile, '')
      const result = await runBundle(
        {
          ...scenario.env({ INPUT_TAG_NAME: 'v3.0.0', INPUT_REF: 'main' }),
          GITHUB_ACTIONS: 'true',
          GITHUB_OUTPUT: outputFile,
          GITHUB_WORKSPACE: workspace,
        },
        workspace,
        ['--assets', 'dist/*', '--json'],
      )
      expect(result.exitCode).toBe(0)
      expect((JSON.parse(result.stdout) as JsonResult).tag_name).toBe('v3.0.0')
      expect(result.stderr).toContain('::group::Uploading assets')
      expect(result.stderr).toContain('::endgroup::')
      expect(parseGitHubOutput(await readFile(outputFile, 'utf8')).tag_name).toBe('v3.0.0')
    } finally {
      await scenario.close()
    }
  })
})
