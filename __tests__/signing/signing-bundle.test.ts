import { spawn } from 'node:child_process'
import { copyFile } from 'node:fs/promises'
import path from 'node:path'

import { fetch } from 'undici'

import { startFakeSigstore, type FakeSigstore } from '../support/fake-sigstore.js'
import {
  PRIVATE_TOKEN,
  PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from '../support/gitlab-scenario.js'
import { bundlePath, makeWorkspace, runBundle } from '../support/run-tool.js'

// The shipped bundle signs and verifies on its own: everything Sigstore needs is in
// dist/index.js, which runs from a directory with nothing else in it.
let scenario: GitLabScenario
let sigstore: FakeSigstore
beforeEach(async () => {
  scenario = await startGitLabScenario()
  sigstore = await startFakeSigstore()
})
afterEach(async () => {
  await sigstore.close()
  await scenario.close()
})

function runAlone(file: string, args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const node = process.env.FORGE_RELEASE_TEST_NODE ?? process.execPath
    const child = spawn(node, [file, ...args], {
      cwd: path.dirname(file),
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, out }))
  })
}

describe('signing with the bundle dist/index.js', () => {
  it('answers verify --help as a lone file in an empty directory', async () => {
    const file = path.join(await makeWorkspace(), 'forge-release.mjs')
    await copyFile(bundlePath, file)
    const help = await runAlone(file, ['verify', '--help'])
    expect(help.out).toContain('forge-release verify <release page URL> [file...] [flags]')
    expect(help.code).toBe(0)
  })

  it('publishes a signed release from a GitLab CI job, which the bundle then verifies', async () => {
    const workspace = await makeWorkspace({ 'dist/app.tar.gz': 'app\n'.repeat(2000) })
    const trustedRoot = await sigstore.writeTrustedRoot(workspace)
    const published = await runBundle(
      scenario.jobEnv({
        CI_COMMIT_TAG: 'v1.0.0',
        CI_PROJECT_DIR: workspace,
        INPUT_ASSETS: 'dist/*',
        INPUT_SIGN: 'true',
        INPUT_FULCIO_URL: sigstore.fulcioUrl,
        INPUT_REKOR_URL: sigstore.rekorUrl,
        INPUT_TRUSTED_ROOT: trustedRoot,
        INPUT_TOKEN: PRIVATE_TOKEN,
        SIGSTORE_ID_TOKEN: sigstore.gitlabToken({
          serverUrl: scenario.gitlab.url,
          projectPath: PROJECT,
        }),
      }),
      workspace,
    )
    expect(published.output).not.toContain('ERROR')
    expect(published.exitCode).toBe(0)
    expect(published.output).toContain('release-evidence.intoto.json.sigstore.json')

    const page = `${scenario.gitlab.url}/${PROJECT}/-/releases/v1.0.0`
    const verify = (): ReturnType<typeof runBundle> =>
      runBundle({ GITLAB_TOKEN: PRIVATE_TOKEN }, workspace, [
        'verify',
        page,
        '--trusted_root',
        trustedRoot,
      ])
    const verified = await verify()
    expect(verified.stdout).toMatch(/^Verified: every file/m)
    expect(verified.exitCode).toBe(0)

    await fetch(
      `${scenario.gitlab.apiUrl}/projects/${encodeURIComponent(PROJECT)}/packages/generic/release-assets/v1.0.0/app.tar.gz`,
      { method: 'PUT', headers: { 'private-token': PRIVATE_TOKEN }, body: 'swapped' },
    )
    const tampered = await verify()
    expect(tampered.stdout).toMatch(/^FAIL {2}app\.tar\.gz/m)
    expect(tampered.exitCode).toBe(1)
  })
})
