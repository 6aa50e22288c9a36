/**
 * `npm run demo`: publishes a real release to the built-in fake GitLab, exactly as a GitLab CI
 * job would (the bundled dist/index.js as a process, predefined CI variables, the job token),
 * then prints the outputs and the release as the server holds it.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { startFakeGitLab } from '../__tests__/support/fake-forge/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const JOB_TOKEN = 'glcbt-demo-job-token-0001'

async function main(): Promise<void> {
  const gitlab = await startFakeGitLab({
    projects: [{ id: 1, path_with_namespace: 'demo/app', visibility: 'private' }],
    tokens: { [JOB_TOKEN]: { type: 'job', access: 'developer' } },
  })
  try {
    const project = gitlab.project('demo/app')
    const sha = project.branches.get('main') ?? ''
    gitlab.state.addTag('demo/app', { name: 'v1.0.0', ref: 'main' })
    gitlab.state.addMilestone('demo/app', { title: 'v1.0', issueStats: { total: 12, closed: 12 } })

    const workspace = await mkdtemp(path.join(os.tmpdir(), 'forge-release-demo-'))
    await mkdir(path.join(workspace, 'dist'), { recursive: true })
    await writeFile(
      path.join(workspace, 'dist/app-linux-amd64.tar.gz'),
      Buffer.alloc(3 * 1024 * 1024, 7),
    )
    await writeFile(
      path.join(workspace, 'dist/app-darwin-arm64.tar.gz'),
      Buffer.alloc(2 * 1024 * 1024, 9),
    )
    await writeFile(
      path.join(workspace, 'dist/app-windows-amd64.zip'),
      Buffer.alloc(1024 * 1024, 3),
    )
    await writeFile(
      path.join(workspace, 'CHANGELOG.md'),
      '## v1.0.0\n\n- First release of the demo app.\n',
    )

    const env = {
      PATH: process.env.PATH,
      CI: 'true',
      GITLAB_CI: 'true',
      CI_API_V4_URL: gitlab.apiUrl,
      CI_SERVER_URL: gitlab.url,
      CI_PROJECT_ID: '1',
      CI_PROJECT_DIR: workspace,
      CI_PROJECT_URL: `${gitlab.url}/demo/app`,
      CI_COMMIT_TAG: 'v1.0.0',
      CI_COMMIT_SHA: sha,
      CI_JOB_TOKEN: JOB_TOKEN,
      CI_JOB_ID: '1001',
      CI_JOB_URL: `${gitlab.url}/demo/app/-/jobs/1001`,
      CI_PIPELINE_URL: `${gitlab.url}/demo/app/-/pipelines/501`,
      INPUT_NAME: 'Demo app 1.0.0',
      INPUT_DESCRIPTION_FILE: 'CHANGELOG.md',
      INPUT_MILESTONES: 'v1.0',
      INPUT_ASSETS: 'dist/*',
    }
    console.log(
      `Fake GitLab at ${gitlab.url}; running dist/index.js as a GitLab CI job in ${workspace}\n`,
    )
    const code = await runBundle(env, workspace)
    if (code !== 0) {
      process.exitCode = code
      return
    }
    console.log('\n--- release.env (the dotenv report later jobs read) ---')
    console.log((await readFile(path.join(workspace, 'release.env'), 'utf8')).trim())
    const response = await fetch(`${gitlab.apiUrl}/projects/1/releases/v1.0.0`, {
      headers: { 'JOB-TOKEN': JOB_TOKEN },
    })
    const release = (await response.json()) as {
      name: string
      tag_name: string
      milestones?: { title: string }[]
      assets: { links: { name: string; url: string; direct_asset_url: string }[] }
      evidences?: { sha: string }[]
    }
    console.log('\n--- the release as the server holds it ---')
    console.log(
      `${release.name} (${release.tag_name}), milestones: ${(release.milestones ?? []).map((m) => m.title).join(', ')}`,
    )
    for (const link of release.assets.links)
      console.log(`  ${link.name}  →  ${link.direct_asset_url}`)
    console.log(`  server evidence: ${release.evidences?.[0]?.sha ?? 'none'}`)
    console.log('\nRun it again: nothing is uploaded a second time.')
    const again = await runBundle(env, workspace, true)
    const uploads = gitlab.requests.filter({ method: 'PUT' }).length
    console.log(`second run exit code ${again}; ${uploads} file uploads in both runs together`)
  } finally {
    await gitlab.close()
  }
}

function runBundle(
  env: Record<string, string | undefined>,
  cwd: string,
  quiet = false,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist/index.js')], {
      cwd,
      env: env,
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
    })
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? 1))
  })
}

await main()
