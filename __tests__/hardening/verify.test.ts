/**
 * `verify`: after publishing, every file is fetched through the release's download path and its
 * size compared with the local file. The fake's stored file is tampered with between upload and
 * verify (a hook that runs just before the first verify request leaves the tool): a truncated
 * file or a deleted one fails the run, naming the asset.
 */
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { runThroughGate } from '../support/kill-harness.js'
import { expectNoTokenLeak, makeWorkspace } from '../support/run-tool.js'
import { BUILD_FILES, expectPublished, tagFor } from './support/fixtures.js'

const VICTIM = 'app-linux-amd64.tar.gz'
const SIZE = (BUILD_FILES[`dist/${VICTIM}`] ?? '').length

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

describe.each(FORGES)('%s: verify', (forge: ForgeName) => {
  it.each([
    [
      'truncated',
      'truncate',
      new RegExp(`${VICTIM}: the forge serves ${SIZE - 1} bytes, the file has ${SIZE}`),
    ],
    ['deleted', 'delete', new RegExp(`${VICTIM}: `)],
  ] as const)(
    'fails the run naming a file that was %s between upload and verify',
    async (_, how, expected) => {
      const s = (scenario = await startForgeScenario(forge))
      const tag = tagFor(forge)
      const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' })
      const workspace = await makeWorkspace(BUILD_FILES)
      let tampered = false
      const result = await runThroughGate(env, workspace, {
        beforeRequest: (request) => {
          const verify = s.routes.verify
          if (!tampered && request.method === verify.method && verify.path.test(request.url)) {
            tampered = true
            s.tamper(tag, VICTIM, how)
          }
        },
      })
      expect(tampered).toBe(true)
      expect(result.exitCode).toBe(1)
      const errors = result.output.split('\n').filter((l) => l.startsWith('ERROR:'))
      expect(errors).toHaveLength(1)
      expect(result.output).toMatch(expected)
      expect(result.output).toMatch(/Published assets do not match the files/)
      // Only the tampered file is reported.
      expect(result.output).not.toMatch(/app-windows-amd64\.zip: /)
      await expectNoTokenLeak(s.token, result, workspace)
      if (forge === 'github') {
        // The draft is not published with a broken file: nobody sees the release yet.
        expect((await s.endState(tag)).releases).toEqual([`${tag} (draft)`])
      }
      if (how === 'delete') {
        // Re-running repairs it.
        const again = await runThroughGate(env, workspace)
        expect(again.output).not.toMatch(/^ERROR/m)
        expect(again.exitCode).toBe(0)
        await expectPublished(s, tag)
      }
    },
  )

  it('skips the check with verify: false', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const tag = tagFor(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_VERIFY: 'false' }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    expect(result.sent.filter((line) => line.startsWith(`${s.routes.verify.method} `))).toEqual([])
  })
})

describe.each(['gitlab', 'github'] as const)('%s: verify of SHA256SUMS', (forge) => {
  it('still fails on a truncated SHA256SUMS that no other job replaced (same id)', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const tag = tagFor(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    let tampered = false
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      workspace,
      {
        beforeRequest: (request) => {
          const verify = s.routes.verify
          if (!tampered && request.method === verify.method && verify.path.test(request.url)) {
            tampered = true
            s.tamper(tag, 'SHA256SUMS', 'truncate')
          }
        },
      },
    )
    expect(tampered).toBe(true)
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/SHA256SUMS: the forge serves \d+ bytes, the file has \d+/)
  })
})
