import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { GITHUB_MAIN_SHA, PROJECT, TOKENS } from '../../scripts/fake-forge.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-forge/index.js'
import {
  makeWorkspace,
  parseDotenv,
  parseGitHubOutput,
  repoRoot,
  type Env,
} from '../support/run-tool.js'

// src/local-action.ts as @github/local-action uses it: the module is imported (doing nothing),
// then its run() is awaited in a process whose environment comes from the dotenv file,
// examples/local-action.env, pointed at a fake GitHub seeded as `npm run fake-forge` seeds it.

const dotenvText = await readFile(path.join(repoRoot, 'examples/local-action.env'), 'utf8')
const dotenv = parseDotenv(
  dotenvText
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n'),
)

let github: FakeGitHub
beforeEach(async () => {
  github = await startFakeGitHub({
    repos: [{ fullName: PROJECT, private: true, branches: { main: GITHUB_MAIN_SHA } }],
    tokens: { [TOKENS.github]: { permission: 'write', login: 'demo' } },
  })
})
afterEach(async () => {
  const errors = github.errors
  await github.close()
  expect(errors).toEqual([])
})

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `const { run } = await import(entrypoint); await run()`, as local-action does, under tsx. */
function importAndRun(env: Env): Promise<Run> {
  const script = "const { run } = await import('./src/local-action.ts'); await run()"
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { cwd: repoRoot, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function stepEnv(extra: Env = {}): Promise<{ env: Env; workspace: string }> {
  const workspace = await makeWorkspace({
    'dist/index.js': 'console.log("app")\n',
    'dist/package.json': '{"type":"module"}\n',
    // The runner creates the step's output file before the step starts.
    'github-output': '',
  })
  return {
    workspace,
    env: {
      ...dotenv,
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SERVER_URL: github.webUrl,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: path.join(workspace, 'github-output'),
      ...extra,
    },
  }
}

describe('src/local-action.ts', () => {
  it('does nothing when imported, and exports the run() local-action awaits', async () => {
    const before = process.exitCode
    const entry = await import('../../src/local-action.js')
    expect(Object.keys(entry)).toEqual(['run'])
    expect(typeof entry.run).toBe('function')
    expect(process.exitCode).toBe(before)
  })

  it('examples/local-action.env targets the fake GitHub of npm run fake-forge', () => {
    expect(dotenv).toMatchObject({
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: 'http://127.0.0.1:4030',
      GITHUB_REPOSITORY: PROJECT,
      GITHUB_REF: 'refs/tags/v1.0.0',
      GITHUB_SHA: GITHUB_MAIN_SHA,
      INPUT_TOKEN: TOKENS.github,
      INPUT_ASSETS: 'dist/*',
    })
  })

  it("run() publishes as a GitHub Actions step with the example's environment", async () => {
    const { env, workspace } = await stepEnv()
    const result = await importAndRun(env)
    expect(result.stdout).not.toContain('::error::')
    expect(result.code).toBe(0)
    const outputs = parseGitHubOutput(await readFile(path.join(workspace, 'github-output'), 'utf8'))
    expect(outputs).toMatchObject({
      tag_name: 'v1.0.0',
      commit_sha: GITHUB_MAIN_SHA,
      created: 'true',
      release_url: `${github.webUrl}/${PROJECT}/releases/tag/v1.0.0`,
    })
    const [release, ...others] = github.state.releasesOf(PROJECT)
    expect(others).toEqual([])
    expect(release?.draft).toBe(false)
    expect(release?.assets.map((a) => a.name).sort()).toEqual([
      'SHA256SUMS',
      'index.js',
      'package.json',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    expect(result.stdout).not.toContain(TOKENS.github)
  })

  it('run() sets exit status 1 when the step fails, since local-action does not', async () => {
    const { env } = await stepEnv({ INPUT_RELEASED_AT: 'yesterday' })
    const result = await importAndRun(env)
    expect(result.stdout).toContain("::error::Input 'released_at'")
    expect(result.code).toBe(1)
    expect(github.writeRequests()).toEqual([])
  })
})
