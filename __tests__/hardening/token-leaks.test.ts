/**
 * The token never appears in anything a run emits: stdout, stderr, step outputs, the dotenv
 * report, the job summary, files in the workspace, or the thrown error (message and stack) —
 * plain, URL-encoded or base64 — on every forge, with debug logging on, including errors raised
 * inside undici and Octokit and servers that echo the token back. (Every other hardening test
 * scans its runs as well; these are the runs built to provoke a leak.)
 */
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import {
  expectNoTokenLeak,
  makeWorkspace,
  runBundle,
  runInProcess,
  tokenForms,
  type Env,
  type ToolResult,
} from '../support/run-tool.js'
import { BUILD_FILES, tagFor } from './support/fixtures.js'

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

/** A server error body that quotes the token in every form a leak could take. */
function echoing(token: string): { message: string; error: string } {
  const [plain, encoded, base64, basic] = tokenForms(token)
  return {
    message: `token ${plain ?? ''} (${encoded ?? ''}) rejected; Authorization: Basic ${basic ?? ''}`,
    error: `bearer ${base64 ?? ''}`,
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const expectFailedWithoutLeak = async (
  s: ForgeScenario,
  result: ToolResult,
  workspace: string,
): Promise<void> => {
  expect(result.exitCode).toBe(1)
  expect(result.error).toBeInstanceOf(Error)
  await expectNoTokenLeak(s.token, result, workspace)
}

describe.each(FORGES)('%s: the token never leaks', (forge: ForgeName) => {
  const inProcess = async (
    arrange: (s: ForgeScenario) => void,
    extra: Env = {},
  ): Promise<{ s: ForgeScenario; result: ToolResult; workspace: string }> => {
    const s = (scenario = await startForgeScenario(forge))
    arrange(s)
    const workspace = await makeWorkspace(BUILD_FILES)
    const result = await runInProcess(
      s.env({ INPUT_TAG_NAME: tagFor(forge), INPUT_ASSETS: 'dist/*', ...extra }),
      workspace,
    )
    return { s, result, workspace }
  }

  it.each([400, 401, 403, 422, 500])(
    'redacts a %i error body that echoes the token, from the log and the thrown error',
    async (status) => {
      const { s, result, workspace } = await inProcess(
        (s) => {
          const upload = s.routes.upload
          s.addFault(
            {
              method: upload.method,
              path: upload.path,
              times: Infinity,
              kind: { status, body: echoing(s.token) },
            },
            upload.on,
          )
        },
        { INPUT_RETRIES: '1' },
      )
      await expectFailedWithoutLeak(s, result, workspace)
    },
  )

  it('redacts the token from an error undici raises (connection refused)', async () => {
    const port = await closedPort()
    const { s, result, workspace } = await inProcess(() => undefined, {
      INPUT_API_URL: `http://127.0.0.1:${port}/api/v4`,
      INPUT_RETRIES: '1',
    })
    await expectFailedWithoutLeak(s, result, workspace)
    expect(result.output).toMatch(/connection refused/)
  })

  it('redacts the token from a redirect loop error', async () => {
    const { s, result, workspace } = await inProcess((s) => {
      s.addFault({
        method: 'GET',
        times: Infinity,
        kind: { status: 302, headers: { location: `${s.apiUrl}/loop?t=${s.token}` } },
      })
    })
    await expectFailedWithoutLeak(s, result, workspace)
    expect(result.output).toMatch(/redirects/)
  })

  it('keeps a token the server refuses (401) out of everything', async () => {
    const wrong = `${forge}-wrong-T0ken-0123456789`
    const { s, result, workspace } = await inProcess(() => undefined, { INPUT_TOKEN: wrong })
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/401|token/i)
    await expectNoTokenLeak(wrong, result, workspace)
    expect(s.requests().length).toBeGreaterThan(0)
  })

  it.each([
    ['GitHub Actions (RUNNER_DEBUG=1)', 'github-actions'],
    ['GitLab CI (FORGE_RELEASE_DEBUG=true)', 'gitlab-ci'],
    ['a shell (FORGE_RELEASE_DEBUG=true)', 'cli'],
  ] as const)(
    'keeps it out of the bundle’s output and files under %s, through faults and a failure',
    async (_, runtime) => {
      const s = (scenario = await startForgeScenario(forge))
      const upload = s.routes.upload
      s.addFault({ method: 'GET', times: 2, kind: { reset: 'before-body' } })
      s.addFault(
        { method: upload.method, path: upload.path, times: 1, kind: { status: 502 } },
        upload.on,
      )
      const workspace = await makeWorkspace(BUILD_FILES)
      const githubOutput = path.join(workspace, 'github-output')
      const summary = path.join(workspace, 'step-summary.md')
      await writeFile(githubOutput, '')
      await writeFile(summary, '')
      const runtimeEnv: Env =
        runtime === 'github-actions'
          ? {
              GITHUB_ACTIONS: 'true',
              RUNNER_DEBUG: '1',
              GITHUB_OUTPUT: githubOutput,
              GITHUB_STEP_SUMMARY: summary,
              GITHUB_WORKSPACE: workspace,
            }
          : runtime === 'gitlab-ci'
            ? { GITLAB_CI: 'true', FORGE_RELEASE_DEBUG: 'true', CI_PROJECT_DIR: workspace }
            : { FORGE_RELEASE_DEBUG: 'true', INPUT_OUTPUTS_FILE: 'release.env' }
      const env = {
        ...s.env({ INPUT_TAG_NAME: tagFor(forge), INPUT_ASSETS: 'dist/*' }),
        ...runtimeEnv,
      }
      const ok = await runBundle(env, workspace)
      expect(ok.output).toMatch(/Retrying/)
      expect(ok.exitCode).toBe(0)
      await expectNoTokenLeak(s.token, ok, workspace)
      // The outputs really were written (so the scan covered them).
      const written =
        runtime === 'github-actions'
          ? await readFile(githubOutput, 'utf8')
          : await readFile(path.join(workspace, 'release.env'), 'utf8')
      expect(written).toMatch(/tag_name|TAG_NAME/)

      // A second run fails on a server that echoes the token in its refusal.
      s.addFault({
        method: 'GET',
        times: Infinity,
        kind: { status: 401, body: echoing(s.token) },
      })
      const failed = await runBundle({ ...env, INPUT_RETRIES: '0' }, workspace)
      expect(failed.exitCode).toBe(1)
      await expectNoTokenLeak(s.token, failed, workspace)
    },
  )
})
