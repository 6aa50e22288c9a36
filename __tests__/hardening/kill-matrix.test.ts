/**
 * Interrupted runs: the tool is killed at every point of a run (after each request, and halfway
 * through each upload), then run again cleanly. The end state must equal a clean run's: one
 * release, each file once, SHA256SUMS listing all, every link resolving to a stored file of the
 * right size, nothing a user must clean by hand (drafts, unfinished uploads, orphan files).
 * Between the kill and the re-run, no link may point at a missing file.
 *
 * How a kill works (and why it is cheap): see kill-harness.ts. Each point gets a fresh fake.
 */
import {
  comparable,
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { runThroughGate, type RunOptions } from '../support/kill-harness.js'
import { makeWorkspace, type Env } from '../support/run-tool.js'
import { BUILD_FILES, tagFor } from './support/fixtures.js'

/** The files of an earlier release the update scenario starts from. */
const EARLIER_FILES = {
  'dist/app-linux-amd64.tar.gz': 'an older linux build\n'.repeat(3_000),
  'dist/app-darwin-arm64.tar.gz': BUILD_FILES['dist/app-darwin-arm64.tar.gz'] ?? '',
}

interface Scenario {
  readonly name: string
  /** Brings a fresh fake to the scenario's starting point. */
  prepare(s: ForgeScenario, tag: string): Promise<void>
  readonly files: Readonly<Record<string, string>>
  env(s: ForgeScenario, tag: string): Env
}

const FRESH: Scenario = {
  name: 'a first publish',
  prepare: () => Promise.resolve(),
  files: BUILD_FILES,
  env: (s, tag) => s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
}

const UPDATE: Scenario = {
  name: 'an update that replaces a file, adds one and changes the notes',
  prepare: async (s, tag) => {
    const workspace = await makeWorkspace(EARLIER_FILES)
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_DESCRIPTION: 'First cut' }),
      workspace,
    )
    if (result.exitCode !== 0) throw new Error(`preparing the update failed:\n${result.output}`)
  },
  files: BUILD_FILES,
  env: (s, tag) =>
    s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_DESCRIPTION: 'Final notes' }),
}

type Comparable = ReturnType<typeof comparable>

interface Baseline {
  readonly state: Comparable
  readonly requests: number
  readonly uploads: readonly number[]
}

async function cleanBaseline(forge: ForgeName, scenario: Scenario): Promise<Baseline> {
  const s = await startForgeScenario(forge)
  try {
    const tag = tagFor(forge)
    await scenario.prepare(s, tag)
    const workspace = await makeWorkspace(scenario.files)
    const run = await runThroughGate(scenario.env(s, tag), workspace, { scenario: s })
    if (run.exitCode !== 0) throw new Error(`the clean run failed:\n${run.output}`)
    const state = comparable(await s.endState(tag))
    expect(state.problems).toEqual([])
    return { state, requests: run.requestsSent, uploads: run.uploads }
  } finally {
    await s.close()
  }
}

type KillPoint = Pick<RunOptions, 'killAfter' | 'killMidUpload'> & {
  /** A second kill, in the first re-run, before the final clean run. */
  readonly thenKillAfter?: number
}

function describePoint(point: KillPoint): string {
  const first =
    point.killMidUpload !== undefined
      ? `mid-upload of request ${point.killMidUpload}`
      : `after request ${point.killAfter ?? '?'}`
  return point.thenKillAfter === undefined
    ? first
    : `${first}, then after request ${point.thenKillAfter} of the re-run`
}

/** Kills a run at `point`, re-runs (killing again when asked), then compares with the baseline. */
async function tryKillPoint(
  forge: ForgeName,
  scenario: Scenario,
  point: KillPoint,
  baseline: Baseline,
): Promise<string | undefined> {
  const s = await startForgeScenario(forge)
  const tag = tagFor(forge)
  const where = `${scenario.name}, killed ${describePoint(point)}`
  try {
    await scenario.prepare(s, tag)
    const workspace = await makeWorkspace(scenario.files)
    const env = scenario.env(s, tag)
    const killed = await runThroughGate(env, workspace, { scenario: s, ...point })
    s.clearFaults()
    // Parallel requests may share a read (Forgejo/Gitea's twin check after uploads that end
    // together), so a run can end in fewer requests than the baseline: a kill after the end is
    // no kill, and the run that ended is held to the same checks. Ending any other way fails.
    const endedFirst = killed.exitCode === 0 && point.killAfter !== undefined
    if (!killed.killed && !endedFirst) return `${where}: the kill point was never reached`
    // The promise that holds even mid-run: no link to a file that is not there.
    const between = await s.endState(tag)
    const dangling = between.problems.filter((p) => p.includes('does not resolve'))
    if (dangling.length > 0) return `${where}: after the kill, ${dangling.join('; ')}`
    if (point.thenKillAfter !== undefined) {
      await runThroughGate(env, workspace, { scenario: s, killAfter: point.thenKillAfter })
      s.clearFaults()
    }
    const rerun = await runThroughGate(env, workspace, { scenario: s })
    if (rerun.exitCode !== 0) {
      const error = rerun.output.split('\n').find((l) => l.startsWith('ERROR:'))
      return `${where}: the re-run failed: ${error ?? rerun.output}`
    }
    const state = comparable(await s.endState(tag))
    if (JSON.stringify(state) !== JSON.stringify(baseline.state)) {
      return `${where}: the end state differs from a clean run's:\n${JSON.stringify(state, null, 2)}`
    }
    if (s.errors().length > 0) return `${where}: the fake failed: ${s.errors()[0]?.message}`
    return undefined
  } finally {
    await s.close()
  }
}

/** Kill points and losses per forge, printed once at the end for the report. */
const figures: string[] = []
afterAll(() => {
  if (figures.length > 0) console.log(`Kill matrix\n${figures.join('\n')}`)
})

describe.each(FORGES)('%s: killed at any point, then run again', (forge: ForgeName) => {
  let tried = 0
  let lost = 0

  afterAll(() => {
    figures.push(`  ${forge}: ${tried} kill points, ${lost} with something lost`)
  })

  const matrix = async (
    scenario: Scenario,
    pointsOf: (baseline: Baseline) => KillPoint[],
  ): Promise<void> => {
    const baseline = await cleanBaseline(forge, scenario)
    const points = pointsOf(baseline)
    const failures: string[] = []
    for (const point of points) {
      const failure = await tryKillPoint(forge, scenario, point, baseline)
      if (failure !== undefined) failures.push(failure)
    }
    tried += points.length
    lost += failures.length
    expect(failures).toEqual([])
  }

  /** After each request of a clean run, and halfway through each of its uploads. */
  const everyPoint = (baseline: Baseline): KillPoint[] => [
    ...Array.from({ length: baseline.requests }, (_, i) => ({ killAfter: i + 1 })),
    ...baseline.uploads.map((n) => ({ killMidUpload: n })),
  ]

  it(`survives a kill after every request and during every upload of ${FRESH.name}`, () =>
    matrix(FRESH, everyPoint))

  it(`survives a kill after every request and during every upload of ${UPDATE.name}`, () =>
    matrix(UPDATE, everyPoint))

  it('survives two kills in a row (the re-run is killed too) at spread-out points', () =>
    // Deterministic spread: the first kill walks the run, the second the re-run's first half.
    matrix(FRESH, (b) =>
      Array.from({ length: 12 }, (_, i) => ({
        killAfter: 1 + ((i * 5) % b.requests),
        thenKillAfter: 1 + ((i * 3) % Math.max(1, Math.floor(b.requests / 2))),
      })),
    ))

  it('tried at least 50 kill points', () => {
    expect(tried).toBeGreaterThanOrEqual(50)
  })
})
