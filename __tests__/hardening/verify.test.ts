/**
 * `verify`: after publishing, every file is checked against the local one — by the server's own
 * sha256 where it reports one (GitHub `digest`, GitLab `file_sha256`: no download, no HEAD),
 * else by the size the listing reports, with one file's download path read as well (a one-byte
 * ranged GET), and with `verify: full` by downloading and hashing. The fake's stored file is corrupted between upload and verify (a hook
 * that runs on the first request once the verify step began), the way the server would then hold
 * it: one byte shorter, other bytes of the same size, or gone. The run fails naming the asset,
 * and a re-run repairs it.
 *
 * Each check runs against servers as they differ: current ones, ones that refuse HEAD on a
 * download (Gongfeng documents GET only; storage signed for GET only), and ones that report no
 * sha256 (older GitHub and GitLab).
 */
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
  type ServerVariant,
  type Tampering,
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

const VARIANTS: readonly [string, ServerVariant][] = [
  ['a current server', {}],
  ['a server that refuses HEAD on downloads', { headRefused: true }],
  ['a server that reports no sha256', { noDigests: true }],
]

/** Whether the forge (in this variant) reports the sha256 of stored files. */
const reportsDigests = (forge: ForgeName, variant: ServerVariant): boolean =>
  forge !== 'gongfeng' && forge !== 'gitea' && variant.noDigests !== true

/** Runs a publish that corrupts VICTIM on the first request of the verify step. */
async function publishAndTamper(
  s: ForgeScenario,
  forge: ForgeName,
  how: Tampering,
  verify: 'true' | 'full',
): Promise<{
  result: Awaited<ReturnType<typeof runThroughGate>>
  tampered: boolean
  env: Record<string, string | undefined>
  workspace: string
}> {
  const tag = tagFor(forge)
  const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_VERIFY: verify })
  const workspace = await makeWorkspace(BUILD_FILES)
  let tampered = false
  const result = await runThroughGate(env, workspace, {
    beforeRequest: async (_request, _index, phase) => {
      if (tampered || !phase.verifying) return
      tampered = true
      await s.tamper(tag, VICTIM, how)
    },
  })
  return { result, tampered, env, workspace }
}

describe.each(FORGES)('%s: verify', (forge: ForgeName) => {
  describe.each(VARIANTS)('against %s', (_, variant) => {
    it('publishes, checking every file without HEAD, and without downloads where the server reports sha256', async () => {
      const s = (scenario = await startForgeScenario(forge, { variant }))
      const tag = tagFor(forge)
      const workspace = await makeWorkspace(BUILD_FILES)
      const result = await runThroughGate(
        s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
        workspace,
      )
      expect(result.output).not.toMatch(/^ERROR/m)
      expect(result.exitCode).toBe(0)
      await expectPublished(s, tag)
      // No HEAD reached any server of the fake, whatever the run did.
      expect(s.requests().filter((r) => r.method === 'HEAD')).toEqual([])
      const verifyLine = result.output.split('\n').find((l) => l.startsWith('Verified '))
      if (reportsDigests(forge, variant)) {
        expect(verifyLine).toMatch(/^Verified 6 assets: 6 by the server's sha256$/)
      } else {
        // One file's download link proves the links serve what the listing says; the listing
        // tells the others' sizes without a request each.
        expect(verifyLine).toMatch(
          /^Verified 6 assets: 5 by the size the server lists, 1 by the size its download link serves$/,
        )
      }
    })

    it.each([
      ['truncated', 'true', 'truncate'],
      ['altered (same size, other bytes)', 'true', 'alter'],
      ['deleted', 'true', 'delete'],
      ['truncated', 'full', 'truncate'],
      ['altered (same size, other bytes)', 'full', 'alter'],
    ] as const)(
      'fails the run naming a file %s between upload and verify (verify: %s), and a re-run repairs it',
      async (_what, verify, how) => {
        // A size check cannot see other bytes of the same size; the server's sha256 and a full
        // download do.
        const seesIt = how !== 'alter' || verify === 'full' || reportsDigests(forge, variant)
        const s = (scenario = await startForgeScenario(forge, { variant }))
        const tag = tagFor(forge)
        const { result, tampered, env, workspace } = await publishAndTamper(s, forge, how, verify)
        expect(tampered).toBe(true)
        if (!seesIt) {
          expect(result.exitCode).toBe(0)
          return
        }
        expect(result.exitCode).toBe(1)
        const errors = result.output.split('\n').filter((l) => l.startsWith('ERROR:'))
        expect(errors).toHaveLength(1)
        expect(result.output).toMatch(/Published assets do not match the files/)
        const expected =
          how === 'delete'
            ? 'the release no longer holds it'
            : verify === 'full'
              ? how === 'truncate'
                ? `the forge serves ${SIZE - 1} bytes, the file has ${SIZE}`
                : 'the forge serves bytes with sha256 [0-9a-f]{64}, the file has [0-9a-f]{64}'
              : reportsDigests(forge, variant)
                ? 'the forge holds bytes with sha256 [0-9a-f]{64}, the file has [0-9a-f]{64}'
                : `the forge (?:serves|lists) ${SIZE - 1} bytes, the file has ${SIZE}`
        expect(result.output).toMatch(new RegExp(`${VICTIM.replace(/\./g, '\\.')}: ${expected}`))
        // Only the corrupted file is reported.
        expect(result.output).not.toMatch(/app-windows-amd64\.zip: /)
        await expectNoTokenLeak(s.token, result, workspace)
        if (forge === 'github') {
          // The draft is not published with a broken file: nobody sees the release yet.
          expect((await s.endState(tag)).releases).toEqual([`${tag} (draft)`])
        }
        // Re-running repairs it: the stored file whose content differs is replaced.
        const again = await runThroughGate(env, workspace)
        expect(again.output).not.toMatch(/^ERROR/m)
        expect(again.exitCode).toBe(0)
        await expectPublished(s, tag)
        const served = (await s.endState(tag)).files.find((f) => f.name === VICTIM)
        expect(served?.size).toBe(SIZE)
      },
    )
  })

  it('sends neither a HEAD nor a download to verify where the server reports sha256', async () => {
    // Gongfeng and Forgejo/Gitea report no sha256: checked by size above.
    if (forge === 'gongfeng' || forge === 'gitea') return
    const s = (scenario = await startForgeScenario(forge))
    const tag = tagFor(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    let firstVerifyRequest: number | undefined
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      workspace,
      {
        beforeRequest: (_request, index, phase) => {
          if (phase.verifying) firstVerifyRequest ??= index
        },
      },
    )
    expect(result.exitCode).toBe(0)
    const during = result.sent.slice((firstVerifyRequest ?? result.sent.length + 1) - 1)
    // Verify reads the release's files once (their listing carries the sha256) and nothing else.
    expect(during.length).toBeGreaterThan(0)
    expect(during.filter((line) => line.startsWith('HEAD '))).toEqual([])
    const verify = s.routes.verify
    expect(during.filter((line) => line.startsWith('GET ') && verify.path.test(line))).toEqual([])
    expect(s.requests().filter((r) => r.method === 'HEAD')).toEqual([])
  })

  it('skips the check with verify: false', async () => {
    const s = (scenario = await startForgeScenario(forge, { variant: { noDigests: true } }))
    const tag = tagFor(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    let verifying = false
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_VERIFY: 'false' }),
      workspace,
      {
        beforeRequest: (_request, _index, phase) => {
          verifying ||= phase.verifying
        },
      },
    )
    expect(result.exitCode).toBe(0)
    expect(verifying).toBe(false)
    expect(result.output).not.toMatch(/^Verified /m)
  })
})

describe.each(['gongfeng', 'gitea'] as const)('%s: verify without a server sha256', (forge) => {
  it('reads one download link, however many files, and the listing for the rest', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const tag = tagFor(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    let firstVerifyRequest: number | undefined
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      workspace,
      {
        beforeRequest: (_request, index, phase) => {
          if (phase.verifying) firstVerifyRequest ??= index
        },
      },
    )
    expect(result.exitCode).toBe(0)
    const during = result.sent.slice((firstVerifyRequest ?? result.sent.length + 1) - 1)
    const verify = s.routes.verify
    expect(during.filter((line) => line.startsWith('GET ') && verify.path.test(line))).toHaveLength(
      1,
    )
  })
})

describe.each(['gitlab', 'github'] as const)('%s: verify of SHA256SUMS', (forge) => {
  it('still fails on a corrupted SHA256SUMS that no other job replaced (same id)', async () => {
    const s = (scenario = await startForgeScenario(forge, { variant: { noDigests: true } }))
    const tag = tagFor(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    let tampered = false
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      workspace,
      {
        beforeRequest: async (_request, _index, phase) => {
          if (tampered || !phase.verifying) return
          tampered = true
          await s.tamper(tag, 'SHA256SUMS', 'truncate')
        },
      },
    )
    expect(tampered).toBe(true)
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(
      /SHA256SUMS: the forge (?:serves|lists) \d+ bytes, the file has \d+/,
    )
  })
})
