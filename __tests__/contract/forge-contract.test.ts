/**
 * The contract every forge keeps, run against each forge's fake: a fresh release, a re-run, a
 * replace, 8 jobs racing on one new tag under faults on every kind of write, a write whose answer
 * was lost, and a dry run that lists exactly the writes the real run makes. The engine gives all
 * forges one way to recover; this suite is what holds a new adapter to it.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

import type { LoggedRequest } from '../support/fake-forge/index.js'
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { makeWorkspace, runInProcess } from '../support/run-tool.js'

const JOBS = 8
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** User files of these tests are at least this big; SHA256SUMS and the evidence are smaller. */
const USER_FILE_BYTES = 30_000

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const writesOf = (requests: readonly LoggedRequest[]): LoggedRequest[] =>
  requests.filter((r) => WRITE_METHODS.has(r.method))

/** Upload requests the server applied (answered 2xx, or applied before the answer was lost). */
function appliedUploads(s: ForgeScenario): LoggedRequest[] {
  const { upload } = s.routes
  return s
    .server(upload.on)
    .requests.filter({ method: upload.method, path: upload.path })
    .filter(
      (r) =>
        r.fault === 'reset:after-apply' ||
        (r.fault === undefined && r.status !== undefined && r.status < 300),
    )
}

/**
 * The requests that reach the fake from now on, server by server (GitHub's three logs are listed
 * one after the other, so a count over all of them does not mark a point in time).
 */
function requestsSince(s: ForgeScenario): () => LoggedRequest[] {
  const counts = new Map(s.servers().map((server) => [server, server.requests.length]))
  return () => s.servers().flatMap((server) => server.requests.all().slice(counts.get(server) ?? 0))
}

const files = (count: number, seed = ''): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `dist/part-${i}.bin`,
      `${seed}part ${i}\n`.repeat(6_000 + i * 150),
    ]),
  )

describe.each(FORGES)('%s: the forge contract', (forge: ForgeName) => {
  const tag = `v3.0.${FORGES.indexOf(forge)}`

  it('publishes a fresh release, re-runs without a single write, and replaces a changed file', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const workspace = await makeWorkspace(files(2))
    const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' })
    expect((await runInProcess(env, workspace)).exitCode).toBe(0)
    const fresh = await s.endState(tag)
    expect(fresh.problems).toEqual([])
    expect(fresh.files.map((f) => f.name)).toEqual([
      'SHA256SUMS',
      'part-0.bin',
      'part-1.bin',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])

    const since = requestsSince(s)
    const rerun = await runInProcess(env, workspace)
    expect(rerun.exitCode).toBe(0)
    expect(writesOf(since())).toEqual([])

    await writeFile(path.join(workspace, 'dist/part-1.bin'), 'changed\n'.repeat(3_000))
    expect((await runInProcess(env, workspace)).exitCode).toBe(0)
    const replaced = await s.endState(tag)
    expect(replaced.problems).toEqual([])
    expect(replaced.files.find((f) => f.name === 'part-1.bin')?.size).toBe(8 * 3_000)
    expect(replaced.sums?.get('part-1.bin')).toBe(
      replaced.files.find((f) => f.name === 'part-1.bin')?.sha256,
    )
  })

  it('lets 8 jobs race on one new tag through 503 bursts, lost answers and 429s: one release, every file once', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const { upload, createRelease } = s.routes
    // A burst of bare 503s longer than 3 attempts, on every kind of write.
    for (const method of ['POST', 'PUT', 'PATCH']) {
      s.addFault({ method, times: 4, kind: { status: 503 } }, 'api')
    }
    s.addFault(
      { method: upload.method, path: upload.path, times: 4, kind: { status: 503 } },
      upload.on,
    )
    // Writes that land but whose answer is lost.
    s.addFault(
      {
        method: upload.method,
        path: upload.path,
        after: 2,
        times: 2,
        kind: { reset: 'after-apply' },
      },
      upload.on,
    )
    s.addFault({
      method: 'POST',
      path: createRelease.path,
      after: 1,
      times: 1,
      kind: { reset: 'after-apply' },
    })
    // A rate limit that says when to come back.
    s.addFault({ method: 'POST', after: 6, times: 2, kind: { status: 429, retryAfter: 1 } })
    s.addFault({ method: 'GET', after: 10, times: 2, kind: { status: 429, retryAfter: 1 } })

    const jobs = await Promise.all(
      Array.from({ length: JOBS }, async (_, i) => ({
        workspace: await makeWorkspace({
          [`dist/job-${i}.bin`]: `job ${i}\n`.repeat(8_000 + i * 200),
        }),
        env: s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      })),
    )
    const results = await Promise.all(jobs.map((job) => runInProcess(job.env, job.workspace)))
    const errors = results.flatMap((r, i) =>
      r.exitCode === 0
        ? []
        : [
            `job ${i}: ${r.output
              .split('\n')
              .filter((l) => l.startsWith('ERROR'))
              .join(' | ')}`,
          ],
    )
    expect(errors).toEqual([])

    const state = await s.endState(tag)
    expect(state.problems).toEqual([])
    expect(state.releases).toEqual([tag])
    expect(state.files.map((f) => f.name)).toEqual(
      [
        ...Array.from({ length: JOBS }, (_, i) => `job-${i}.bin`),
        'SHA256SUMS',
        'provenance.intoto.json',
        'release-evidence.intoto.json',
      ].sort(),
    )
    expect(state.sums?.size).toBe(JOBS)
    // No job stored its file twice: each user file's body reached the server once.
    const userUploads = appliedUploads(s).filter((r) => r.bodyBytes >= USER_FILE_BYTES)
    expect(userUploads).toHaveLength(JOBS)
    expect(new Set(userUploads.map((r) => r.bodyBytes)).size).toBe(JOBS)
    expect(s.errors()).toEqual([])
  })

  it('never repeats a create or an upload that landed before its answer was lost', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const { upload, createRelease } = s.routes
    s.addFault({ method: 'POST', path: createRelease.path, kind: { reset: 'after-apply' } })
    s.addFault(
      { method: upload.method, path: upload.path, kind: { reset: 'after-apply' } },
      upload.on,
    )
    const workspace = await makeWorkspace(files(1))
    const result = await runInProcess(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    const state = await s.endState(tag)
    expect(state.problems).toEqual([])
    expect(state.releases).toEqual([tag])
    expect(appliedUploads(s).filter((r) => r.bodyBytes >= USER_FILE_BYTES)).toHaveLength(1)
    const creates = s.server('api').requests.filter({ method: 'POST', path: createRelease.path })
    expect(creates).toHaveLength(1)
  })

  it('lists on a dry run exactly the writes the real run then makes on a fresh release', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const workspace = await makeWorkspace(files(2))
    const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' })
    const dry = await runInProcess({ ...env, INPUT_DRY_RUN: 'true' }, workspace)
    expect(dry.exitCode).toBe(0)
    expect(writesOf(s.requests())).toEqual([])
    const planned = plannedWrites(dry.output)

    const since = requestsSince(s)
    expect((await runInProcess(env, workspace)).exitCode).toBe(0)
    const made = writesOf(since()).map((r) => r.method)
    expect(planned.length).toBeGreaterThan(3)
    expect([...planned].sort()).toEqual([...made].sort())
  })
})

/** The methods of the `METHOD URL (…)` lines a dry run prints. */
function plannedWrites(output: string): string[] {
  return output
    .split('\n')
    .map((line) => /^(?:INFO: )?\s*(POST|PUT|PATCH|DELETE) \S+/.exec(line.trim())?.[1])
    .filter((method): method is string => method !== undefined)
}
