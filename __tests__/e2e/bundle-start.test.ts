import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

import { startGitLabScenario, type GitLabScenario } from '../support/gitlab-scenario.js'
import { makeWorkspace, runBundle, type Env } from '../support/run-tool.js'

/**
 * What the bundle spends its start on. undici's index loads every part of undici (fetch,
 * WebSocket, caches, mocks) and, through its cookie helpers, Node's own copy of undici: about
 * 50 ms of each start. The transport imports the parts it uses one by one, and the build gives
 * @actions/http-client and @actions/github an undici that loads the index when first used
 * (build/tsconfig.json). Node's copy of undici is the mark: nothing on this path needs it.
 */
let scenario: GitLabScenario
beforeEach(async () => {
  scenario = await startGitLabScenario()
})
afterEach(async () => {
  await scenario.close()
})

/** The built-in modules the bundle loaded by its exit, as Node lists them. */
async function builtinsLoaded(env: Env, workspace: string): Promise<string[]> {
  const report = path.join(workspace, 'modules.json')
  const hook = path.join(workspace, 'report-modules.mjs')
  await writeFile(
    hook,
    "import { writeFileSync } from 'node:fs'\n" +
      `process.on('exit', () => writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)))\n`,
  )
  const result = await runBundle(
    { ...env, NODE_OPTIONS: `--import ${pathToFileURL(hook).href}` },
    workspace,
  )
  expect(result.output).not.toMatch(/^ERROR/m)
  expect(result.exitCode).toBe(0)
  return JSON.parse(await readFile(report, 'utf8')) as string[]
}

describe('dist/index.js start', () => {
  it("publishes to GitLab without loading undici's index or Node's own undici", async () => {
    const workspace = await makeWorkspace({ 'dist/app.tar.gz': 'app'.repeat(1000) })
    const env = scenario.env({
      INPUT_TAG_NAME: 'v1.0.0',
      INPUT_REF: 'main',
      INPUT_ASSETS: 'dist/*',
    })
    const loaded = await builtinsLoaded(env, workspace)
    // The run did use HTTP: node:http is among what it loaded, through undici's client.
    expect(loaded).toContain('NativeModule http')
    expect(loaded).not.toContain('NativeModule internal/deps/undici/undici')
  })
})
