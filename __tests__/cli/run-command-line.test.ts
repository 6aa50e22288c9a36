import { readFileSync } from 'node:fs'
import path from 'node:path'

import {
  EXIT_FAILURE,
  EXIT_SUCCESS,
  EXIT_USAGE,
  runCommandLine,
} from '../../src/cli/run-command-line.js'
import { INPUTS } from '../../src/settings/inputs.js'
import {
  PRIVATE_TOKEN,
  PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from '../support/gitlab-scenario.js'
import { makeWorkspace, repoRoot, type Env } from '../support/run-tool.js'

// The command line in this process: flags, runtime choice, exit status and what lands on
// stdout and stderr, against the fake GitLab.
let scenario: GitLabScenario
beforeEach(async () => {
  scenario = await startGitLabScenario()
})
afterEach(async () => {
  await scenario.close()
})

const files = { 'dist/one.tar.gz': 'one'.repeat(1000), 'dist/two.zip': 'two'.repeat(2000) }

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

async function runCli(argv: string[], env: Env, cwd: string): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCommandLine({
    argv,
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    interactive: false,
    columns: () => 80,
    cwd,
  })
  return { code, stdout, stderr }
}

const target = (): string[] => ['--api_url', scenario.gitlab.apiUrl, '--project', PROJECT]

describe('forge-release on the command line', () => {
  it('publishes from flags alone, with the token from GITLAB_TOKEN, and prints the outputs', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      [...target(), '--tag-name', 'v1.0.0', '--ref=main', '--assets', 'dist/*'],
      { GITLAB_TOKEN: PRIVATE_TOKEN },
      workspace,
    )
    expect(result.stderr).not.toContain('ERROR')
    expect(result.code).toBe(EXIT_SUCCESS)
    expect(result.stderr).toContain('== Uploading assets')
    expect(result.stdout).toContain('tag_name=v1.0.0\n')
    expect(result.stdout).toContain('created=true\n')
    expect(result.stdout).toMatch(
      /^release_url=http:\/\/127\.0\.0\.1:\d+\/group\/app\/-\/releases\/v1\.0\.0$/m,
    )
    expect(result.stdout).not.toContain(PRIVATE_TOKEN)
    const links = scenario.gitlab.state.release(PROJECT, 'v1.0.0')?.links.map((l) => l.name)
    expect(links?.sort()).toEqual([
      'SHA256SUMS',
      'one.tar.gz',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
      'two.zip',
    ])
  })

  it('lets flags win over INPUT_ and FORGE_RELEASE_ variables', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      [...target(), '--tag_name', 'v1.0.0', '--ref', 'main', '--name', 'From the flag'],
      {
        INPUT_TOKEN: PRIVATE_TOKEN,
        INPUT_NAME: 'From INPUT_NAME',
        FORGE_RELEASE_NAME: 'From FORGE_RELEASE_NAME',
        FORGE_RELEASE_TAG_NAME: 'v9.9.9',
      },
      workspace,
    )
    expect(result.code).toBe(EXIT_SUCCESS)
    expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')?.name).toBe('From the flag')
    expect(scenario.gitlab.state.release(PROJECT, 'v9.9.9')).toBeUndefined()
  })

  it('prints the result as one JSON document under --json, with the logs on stderr', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      [...target(), '--tag_name', 'v1.0.0', '--ref', 'main', '--assets', 'dist/*', '--json'],
      { FORGE_RELEASE_TOKEN: PRIVATE_TOKEN },
      workspace,
    )
    expect(result.code).toBe(EXIT_SUCCESS)
    const json = JSON.parse(result.stdout) as Record<string, unknown>
    expect(json).toMatchObject({
      tag_name: 'v1.0.0',
      created: true,
      commit_sha: scenario.mainSha,
    })
    const assets = json.assets as { name: string; sha256: string; size: number }[]
    expect(assets.map((a) => a.name)).toContain('one.tar.gz')
    expect(assets.find((a) => a.name === 'one.tar.gz')?.size).toBe(3000)
    expect(result.stderr).toContain('== Writing outputs')
  })

  it('prints the planned requests as JSON on a dry run and changes nothing', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      [
        ...target(),
        '--tag_name',
        'v1.0.0',
        '--ref',
        'main',
        '--assets',
        'dist/*',
        '--dry_run',
        '--json',
      ],
      { GITLAB_TOKEN: PRIVATE_TOKEN },
      workspace,
    )
    expect(result.code).toBe(EXIT_SUCCESS)
    const json = JSON.parse(result.stdout) as {
      dry_run: boolean
      requests: string[]
      steps: { kind: string; recovery: string; name?: string }[]
    }
    expect(json.dry_run).toBe(true)
    // The very step list the executor would run, as data.
    expect(json.steps.map((s) => `${s.kind}${s.name === undefined ? '' : ` ${s.name}`}`)).toEqual([
      'upload one.tar.gz',
      'upload two.zip',
      'create-release',
      'write-checksums',
      'write-evidence',
      'write-provenance',
      'collect-server-evidence',
      'verify',
    ])
    expect(json.steps[0]?.recovery).toBe('give-way')
    expect(
      json.requests.some((r) =>
        /^PUT .*\/packages\/generic\/release-assets\/v1\.0\.0\/one\.tar\.gz/.test(r),
      ),
    ).toBe(true)
    expect(json.requests.some((r) => /^POST .*\/releases/.test(r))).toBe(true)
    expect(json.requests.every((r) => !r.startsWith('Dry run'))).toBe(true)
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
  })

  it('exits 1 with every input problem, as text and as JSON, before any request', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      [
        ...target(),
        '--tag_name',
        'v1.0.0',
        '--released_at',
        'yesterday',
        '--retries=many',
        '--json',
      ],
      { GITLAB_TOKEN: PRIVATE_TOKEN },
      workspace,
    )
    expect(result.code).toBe(EXIT_FAILURE)
    expect(result.stderr).toMatch(/ERROR: 2 input problems/)
    const json = JSON.parse(result.stdout) as {
      error: { code: string; problems: { input: string }[] }
    }
    expect(json.error.code).toBe('INVALID_INPUT')
    expect(json.error.problems.map((p) => p.input).sort()).toEqual(['released_at', 'retries'])
    expect(scenario.gitlab.requests.all()).toEqual([])
  })

  it('exits 1 when the publish fails halfway, naming the request', async () => {
    scenario.gitlab.faults.add({
      method: 'PUT',
      path: /\/packages\/generic\//,
      times: Infinity,
      kind: { status: 403 },
    })
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      [...target(), '--tag_name', 'v1.0.0', '--ref', 'main', '--assets', 'dist/*', '--json'],
      { GITLAB_TOKEN: PRIVATE_TOKEN },
      workspace,
    )
    expect(result.code).toBe(EXIT_FAILURE)
    expect(result.stderr).toMatch(/ERROR: .*403/)
    const json = JSON.parse(result.stdout) as { error: { code: string; message: string } }
    expect(json.error.code).toBe('FORBIDDEN')
    expect(JSON.stringify(json)).not.toContain(PRIVATE_TOKEN)
  })

  it.each([
    [['--tagg', 'v1'], '--tagg (did you mean --tag_name?)'],
    [['--tag_name'], '--tag_name'],
    [['--dry_run', 'false'], '"false"'],
  ])(
    'exits 2 on %j with a message naming %s and pointing at --help, sending nothing',
    async (argv, named) => {
      const workspace = await makeWorkspace()
      const result = await runCli(argv, { GITLAB_TOKEN: PRIVATE_TOKEN }, workspace)
      expect(result.code).toBe(EXIT_USAGE)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain(named)
      expect(result.stderr).toContain("Run 'forge-release --help'")
      expect(scenario.gitlab.requests.all()).toEqual([])
    },
  )

  it('prints help listing every input, and the version from package.json', async () => {
    const workspace = await makeWorkspace()
    const help = await runCli(['--help'], {}, workspace)
    expect(help.code).toBe(EXIT_SUCCESS)
    for (const input of INPUTS) expect(help.stdout).toContain(`--${input.name} `)
    const version = await runCli(['--version'], {}, workspace)
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string
    }
    expect(version.stdout).toBe(`${pkg.version}\n`)
  })

  it('takes flags inside a GitLab CI job too, moving the job log to stderr under --json', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      ['--assets', 'dist/*', '--json'],
      scenario.jobEnv({ CI_COMMIT_TAG: 'v2.0.0', CI_PROJECT_DIR: workspace }),
      workspace,
    )
    expect(result.code).toBe(EXIT_SUCCESS)
    expect(result.stderr).toContain('section_start:')
    expect(JSON.parse(result.stdout)).toMatchObject({ tag_name: 'v2.0.0', created: true })
    // The dotenv report is written as in any GitLab CI job.
    expect(readFileSync(path.join(workspace, 'release.env'), 'utf8')).toContain(
      'RELEASE_TAG_NAME=v2.0.0\n',
    )
  })

  it('runs a dry run in a GitLab CI job from the --dry_run flag alone', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runCli(
      ['--dry_run'],
      scenario.jobEnv({
        CI_COMMIT_TAG: 'v2.0.0',
        CI_PROJECT_DIR: workspace,
        INPUT_ASSETS: 'dist/*',
      }),
      workspace,
    )
    expect(result.code).toBe(EXIT_SUCCESS)
    expect(result.stdout).toMatch(/Dry run: \d+ write requests planned; nothing was changed/)
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
  })
})
