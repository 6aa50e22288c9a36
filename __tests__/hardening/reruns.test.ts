/**
 * Re-runs on every forge: the same job again changes nothing and uploads nothing; a job re-run
 * with a rebuilt file replaces it and SHA256SUMS lists the new content (on Gongfeng, which
 * reports no sha256 of its files, the old SHA256SUMS used to supply the replaced file's old sha).
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { makeWorkspace, runInProcess } from '../support/run-tool.js'
import { BUILD_FILES, expectPublished, sha256, tagFor } from './support/fixtures.js'

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

describe.each(FORGES)('%s: re-runs', (forge: ForgeName) => {
  it('changes nothing and uploads nothing when the same job runs again', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const tag = tagFor(forge)
    const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' })
    const workspace = await makeWorkspace(BUILD_FILES)
    expect((await runInProcess(env, workspace)).exitCode).toBe(0)
    const before = await s.endState(tag)
    for (const server of s.servers()) server.requests.clear()
    const again = await runInProcess(env, workspace)
    expect(again.exitCode).toBe(0)
    expect(s.requests().filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([])
    expect(again.outputs.created).toBe('false')
    expect(await s.endState(tag)).toEqual(before)
  })

  it('replaces a rebuilt file and lists its new sha256 in SHA256SUMS', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const tag = tagFor(forge)
    const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' })
    const workspace = await makeWorkspace(BUILD_FILES)
    expect((await runInProcess(env, workspace)).exitCode).toBe(0)
    const rebuilt = 'a rebuilt linux binary\n'.repeat(1_000)
    await writeFile(path.join(workspace, 'dist/app-linux-amd64.tar.gz'), rebuilt)
    const again = await runInProcess(env, workspace)
    expect(again.output).not.toMatch(/^ERROR/m)
    expect(again.exitCode).toBe(0)
    await expectPublished(s, tag)
    const state = await s.endState(tag)
    expect(state.sums?.get('app-linux-amd64.tar.gz')).toBe(sha256(rebuilt))
    expect(state.files.find((f) => f.name === 'app-linux-amd64.tar.gz')?.sha256).toBe(
      sha256(rebuilt),
    )
  })
})

describe('gitlab: a file name that is no valid link path', () => {
  it('is linked without a direct asset path instead of failing the release create', async () => {
    const s = (scenario = await startForgeScenario('gitlab'))
    const tag = tagFor('gitlab')
    const workspace = await makeWorkspace({ 'dist/app:v1 (linux).bin': 'binary\n' })
    const result = await runInProcess(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_UPLOAD_TO: 'project_uploads' }),
      workspace,
    )
    expect(result.output).toMatch(/is not a valid GitLab link path/)
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    const links = s.gitlab?.state.release('group/app', tag)?.links ?? []
    const link = links.find((l) => l.name === 'app:v1 (linux).bin')
    expect(link?.filepath).toBeNull()
    expect((await s.endState(tag)).problems).toEqual([])
  })
})
