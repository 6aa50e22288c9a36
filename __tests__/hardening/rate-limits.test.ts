/**
 * GitHub's secondary rate limit, switched on in the fake (80 content-creating requests a minute,
 * 500 an hour, as documented), in virtual time shared by the fake and the tool: a release with
 * hundreds of assets is paced under the limit, never refused, and takes about the least time
 * the limit allows.
 */
import { startGitHubScenario, type GitHubScenario } from '../support/github-scenario.js'
import { makeWorkspace, runInProcess, VirtualClock } from '../support/run-tool.js'

const MINUTE = 60_000
const ASSETS = 240

let scenario: GitHubScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const manyFiles = (): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: ASSETS }, (_, i) => [
      `dist/f-${String(i).padStart(3, '0')}.txt`,
      `file ${i}\n`,
    ]),
  )

async function start(clock: VirtualClock): Promise<GitHubScenario> {
  return (scenario = await startGitHubScenario({
    now: () => clock.now(),
    secondaryLimit: [
      { limit: 80, windowMs: MINUTE },
      { limit: 500, windowMs: 60 * MINUTE },
    ],
  }))
}

describe('GitHub secondary rate limit', () => {
  it(`publishes ${ASSETS} assets without one refusal, in the least time the limit allows (+10%)`, async () => {
    const clock = new VirtualClock()
    const s = await start(clock)
    const workspace = await makeWorkspace(manyFiles())
    // One upload at a time: in virtual time, parallel sleeps would add up and skew the clock
    // between the tool's count and the fake's (the pacer's margin covers real latency only).
    const result = await runInProcess(
      s.env({ INPUT_TAG_NAME: 'v1.0.0', INPUT_ASSETS: 'dist/*', INPUT_MAX_PARALLEL_UPLOADS: '1' }),
      workspace,
      { clock },
    )
    expect(result.exitCode).toBe(0)
    expect(s.github.secondaryRefusals).toBe(0)
    const writes = s.github.writeRequests().length
    expect(writes).toBeGreaterThan(ASSETS)
    // The n-th write may go out once n - 80 writes are a minute old.
    const least = Math.floor((writes - 1) / 80) * MINUTE
    expect(clock.elapsed()).toBeGreaterThanOrEqual(least)
    expect(clock.elapsed()).toBeLessThanOrEqual(least * 1.1)
    expect(result.output).toMatch(
      /Waiting \d+\.\d s before the next request: the forge allows 80 writes per 60 s/,
    )
  })

  it('waits out secondary-limit answers, never failing, when told to go faster than the limit', async () => {
    const clock = new VirtualClock()
    const s = await start(clock)
    const workspace = await makeWorkspace(manyFiles())
    const result = await runInProcess(
      s.env({
        INPUT_TAG_NAME: 'v1.0.0',
        INPUT_ASSETS: 'dist/*',
        INPUT_MAX_WRITES_PER_MINUTE: '100000',
        INPUT_RETRIES: '2',
      }),
      workspace,
      { clock },
    )
    expect(result.exitCode).toBe(0)
    expect(s.github.secondaryRefusals).toBeGreaterThan(0)
    const state = s.github.state.releasesOf('octo/app')
    expect(state).toHaveLength(1)
    // With SHA256SUMS, the evidence and the provenance.
    expect(state[0]?.assets.filter((a) => a.state === 'uploaded')).toHaveLength(ASSETS + 3)
  })
})
