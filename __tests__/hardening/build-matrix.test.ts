/**
 * A build matrix: 8 jobs publish to one tag at the same moment, each with its own files, while
 * the server rate limits, fails with 502s and drops connections. Every job must exit 0 and the
 * release must end holding every job's files once, with a SHA256SUMS that lists them all.
 */
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { runThroughGate } from '../support/kill-harness.js'
import { expectNoTokenLeak, makeWorkspace, runInProcess } from '../support/run-tool.js'
import { tagFor } from './support/fixtures.js'

const JOBS = 8

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const figures: string[] = []
afterAll(() => {
  if (figures.length > 0) console.log(`Build matrix\n${figures.join('\n')}`)
})

describe.each(FORGES)('%s: a build matrix of %i jobs on one tag', (forge: ForgeName) => {
  it.each([
    ['without faults', false],
    ['while the server rate limits, answers 502 and drops connections', true],
  ])('ends with one release holding every job’s files, all jobs green (%s)', async (_, faulty) => {
    const s = (scenario = await startForgeScenario(forge))
    if (faulty) {
      const upload = s.routes.upload
      s.addFault({ method: 'GET', times: 4, kind: { status: 429, retryAfter: 1 } })
      s.addFault(
        { method: upload.method, path: upload.path, times: 3, kind: { status: 502 } },
        upload.on,
      )
      s.addFault({ method: 'GET', after: 6, times: 2, kind: { reset: 'before-body' } })
      s.addFault(
        {
          method: upload.method,
          path: upload.path,
          after: 5,
          times: 1,
          kind: { reset: 'after-apply' },
        },
        upload.on,
      )
      s.addFault({
        method: 'POST',
        path: s.routes.createRelease.path,
        times: 1,
        kind: { status: 503 },
      })
    }
    const tag = tagFor(forge, faulty ? '-faults' : '')
    const jobs = await Promise.all(
      Array.from({ length: JOBS }, async (_, i) => {
        const workspace = await makeWorkspace({
          [`dist/app-job${i}.tar.gz`]: `job ${i} build\n`.repeat(2_000 + i * 100),
        })
        return { workspace, env: s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }) }
      }),
    )
    const results = await Promise.all(jobs.map((job) => runInProcess(job.env, job.workspace)))
    const failed = results
      .map((r, i) => ({ i, r }))
      .filter(({ r }) => r.exitCode !== 0)
      .map(
        ({ i, r }) =>
          `job ${i}: ${r.output
            .split('\n')
            .filter((l) => l.startsWith('ERROR'))
            .join(' | ')}`,
      )
    figures.push(
      `  ${forge} ${faulty ? 'with faults' : 'clean'}: ${JOBS} runs, ${failed.length} failed`,
    )
    expect(failed).toEqual([])

    const state = await s.endState(tag)
    expect(state.problems).toEqual([])
    expect(state.releases).toEqual([tag])
    expect(state.files.map((f) => f.name)).toEqual(
      [
        ...Array.from({ length: JOBS }, (_, i) => `app-job${i}.tar.gz`),
        'SHA256SUMS',
        'provenance.intoto.json',
        'release-evidence.intoto.json',
      ].sort(),
    )
    expect(state.sums?.size).toBe(JOBS)
    expect(s.errors()).toEqual([])
    for (const [i, job] of jobs.entries()) {
      const result = results[i]
      if (result !== undefined) await expectNoTokenLeak(s.token, result, job.workspace)
    }
  })
})

describe.each(FORGES)('%s: a job whose SHA256SUMS another job rewrites', (forge: ForgeName) => {
  it('still passes verify when the rewrite lands between its upload and its verify', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const tag = tagFor(forge)
    const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' })
    const first = await makeWorkspace({ 'dist/app-job0.tar.gz': 'job 0\n'.repeat(500) })
    const second = await makeWorkspace({ 'dist/app-job1.tar.gz': 'job 1\n'.repeat(700) })
    let otherJob: ReturnType<typeof runInProcess> | undefined
    const result = await runThroughGate(env, first, {
      // The other job of the matrix runs, SHA256SUMS and all, while this one's verify waits.
      beforeRequest: async (_request, _index, phase) => {
        if (phase.verifying) {
          otherJob ??= runInProcess(env, second)
          await otherJob
        }
      },
    })
    const other = await otherJob
    expect(other?.exitCode).toBe(0)
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    const state = await s.endState(tag)
    expect(state.problems).toEqual([])
    expect(state.sums?.size).toBe(2)
  })
})
