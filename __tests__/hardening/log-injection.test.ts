/**
 * Values printed in CI logs cannot act as commands. File names, the release name and the
 * description carry GitHub workflow commands (`::error::`, `::add-mask::`, `::set-output`),
 * GitLab section markers and ANSI escapes; the bundle runs under GITHUB_ACTIONS=true and under
 * GITLAB_CI=true, and every stdout line is inspected.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

import {
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { makeWorkspace, runBundle, type Env, type ToolResult } from '../support/run-tool.js'
import { tagFor } from './support/fixtures.js'

const ESC = '\u001b'
const HOSTILE_FILES = {
  'dist/::add-mask::PWNED1.txt': 'one\n',
  'dist/::error::PWNED2.txt': 'two\n',
  'dist/section_start:1:PWNED3[collapsed=true].txt': 'three\n',
  'dist/::set-output name=x::PWNED4.txt': 'four\n',
}
const HOSTILE_NAME = [
  'Release',
  '::set-output name=hacked::PWNED5',
  '::add-mask::PWNED6',
  '  ::error file=x::PWNED7',
  `section_start:1:pwned\r${ESC}[0KPWNED8 ${ESC}[31mred${ESC}[0m`,
  `section_end:1:forge_release_1\r${ESC}[0KPWNED9`,
].join('\n')
const HOSTILE_DESCRIPTION = `Notes\n::stop-commands::PWNED10\n${ESC}]0;title${ESC}\\PWNED11`

/** The commands the tool itself issues under GitHub Actions. */
const OWN_COMMANDS = new Set(['group', 'endgroup', 'debug', 'warning', 'error', 'notice'])

function expectInertForGitHubActions(result: ToolResult): void {
  const lines = result.stdout.split('\n')
  for (const line of lines) {
    expect(line).not.toContain(ESC)
    const command = /^\s*::([^\s:]+)/.exec(line)?.[1]
    if (command === undefined) continue
    expect({ line, allowed: OWN_COMMANDS.has(command) }).toEqual({ line, allowed: true })
  }
  // The only error annotation is the tool's own report of a failure.
  const errors = lines.filter((l) => /^\s*::error/.test(l))
  expect(errors.length).toBe(result.exitCode === 0 ? 0 : 1)
}

function expectInertForGitLabCi(result: ToolResult): void {
  const ownMarker = new RegExp(`^${ESC}\\[0Ksection_(start|end):\\d+:forge_release_\\d+`)
  for (const line of result.stdout.split('\n')) {
    if (ownMarker.test(line)) continue
    expect(line).not.toContain(ESC)
    expect(line).not.toContain('\r')
    expect(line).not.toMatch(/section_(start|end):/)
  }
}

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const RUNS: readonly [string, ForgeName, 'github-actions' | 'gitlab-ci', Env, boolean][] = [
  ['GitHub Actions, publishing to GitHub', 'github', 'github-actions', {}, true],
  ['GitLab CI, publishing to Gongfeng', 'gongfeng', 'gitlab-ci', {}, true],
  [
    'GitLab CI, publishing to GitLab project uploads',
    'gitlab',
    'gitlab-ci',
    { INPUT_UPLOAD_TO: 'project_uploads' },
    true,
  ],
  // Generic packages refuse these names: the refusal quotes them, and is inert too.
  ['GitHub Actions, refused by GitLab generic packages', 'gitlab', 'github-actions', {}, false],
  ['GitLab CI, refused by GitLab generic packages', 'gitlab', 'gitlab-ci', {}, false],
]

describe('workflow commands and section markers in printed values', () => {
  it.each(RUNS)('are printed inert under %s', async (_, forge, runtime, extra, succeeds) => {
    const s = (scenario = await startForgeScenario(forge))
    const workspace = await makeWorkspace(HOSTILE_FILES)
    // The runner creates the output file before the step starts.
    await writeFile(path.join(workspace, 'github-output'), '')
    const runtimeEnv: Env =
      runtime === 'github-actions'
        ? {
            GITHUB_ACTIONS: 'true',
            RUNNER_DEBUG: '1',
            GITHUB_WORKSPACE: workspace,
            GITHUB_OUTPUT: path.join(workspace, 'github-output'),
          }
        : { GITLAB_CI: 'true', CI_DEBUG_TRACE: 'true', CI_PROJECT_DIR: workspace }
    const result = await runBundle(
      {
        ...s.env({
          INPUT_TAG_NAME: tagFor(forge),
          INPUT_ASSETS: 'dist/*',
          INPUT_NAME: HOSTILE_NAME,
          INPUT_DESCRIPTION: HOSTILE_DESCRIPTION,
          INPUT_VERIFY: 'false',
          ...extra,
        }),
        ...runtimeEnv,
      },
      workspace,
    )
    expect(result.exitCode).toBe(succeeds ? 0 : 1)
    // The hostile values were printed (so the check below means something)…
    expect(result.stdout).toMatch(/PWNED[12]/)
    // …and none of them acts.
    if (runtime === 'github-actions') expectInertForGitHubActions(result)
    else expectInertForGitLabCi(result)
    if (!succeeds) expect(s.requests()).toEqual([])
  })
})
