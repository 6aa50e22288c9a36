/**
 * The retry policy end to end, through the whole tool, on every forge: which failures are
 * retried and how long the tool waits (the sleeps the run asked for, never wall time), which
 * are final, the `retries` and `timeout_seconds` inputs, writes whose outcome is unknown, and
 * uploads cut off mid-body. Every run is also scanned for the token.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'

import type { FaultKind } from '../support/fake-forge/index.js'
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import {
  expectNoTokenLeak,
  makeWorkspace,
  runInProcess,
  type Env,
  type ToolResult,
} from '../support/run-tool.js'
import { BUILD_FILES, BUILD_NAMES, expectPublished, sha256, tagFor } from './support/fixtures.js'

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

interface Run {
  readonly s: ForgeScenario
  readonly result: ToolResult
  readonly workspace: string
  readonly tag: string
}

async function publish(
  forge: ForgeName,
  arrange: (s: ForgeScenario) => void,
  extra: Env = {},
): Promise<Run> {
  const s = (scenario = await startForgeScenario(forge))
  arrange(s)
  const workspace = await makeWorkspace(BUILD_FILES)
  const tag = tagFor(forge)
  const result = await runInProcess(
    s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', ...extra }),
    workspace,
  )
  await expectNoTokenLeak(s.token, result, workspace)
  return { s, result, workspace, tag }
}

function errorLine(result: ToolResult): string {
  const lines = result.output.split('\n').filter((l) => l.startsWith('ERROR:'))
  expect(lines).toHaveLength(1)
  return lines[0] ?? ''
}

const RETRYABLE: readonly [string, FaultKind][] = [
  ['a connection reset', { reset: 'before-body' }],
  ['408', { status: 408 }],
  ['429', { status: 429 }],
  ['500', { status: 500 }],
  ['502', { status: 502 }],
  ['503', { status: 503 }],
  ['504', { status: 504 }],
]

describe.each(FORGES)('%s: retries through the whole tool', (forge: ForgeName) => {
  it.each(RETRYABLE)(
    'rides out %s on reads and on uploads and publishes every file once',
    async (_, kind) => {
      let read = undefined as unknown as ReturnType<ForgeScenario['addFault']>
      let upload = read
      const { s, result, tag } = await publish(forge, (s) => {
        read = s.addFault({ method: 'GET', times: 2, kind })
        const route = s.routes.upload
        upload = s.addFault({ method: route.method, path: route.path, times: 2, kind }, route.on)
      })
      expect(result.output).not.toMatch(/^ERROR/m)
      expect(result.exitCode).toBe(0)
      expect(read.fired).toBe(2)
      expect(upload.fired).toBe(2)
      // Back-off waits were asked for (and recorded, not slept).
      expect(result.sleeps.length).toBeGreaterThanOrEqual(2)
      await expectPublished(s, tag)
    },
  )

  it.each([
    ['Retry-After', { 'retry-after': '7' }, 7_000],
    ['RateLimit-Reset (seconds from now)', { 'ratelimit-reset': '9' }, 9_000],
    [
      'x-ratelimit-reset (epoch seconds)',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'EPOCH+20' },
      20_000,
    ],
  ])('waits as long as a 429 with %s asks', async (_, headers, waitMs) => {
    const resolved = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        value.startsWith('EPOCH+')
          ? String(Math.ceil(Date.now() / 1000) + Number(value.slice(6)))
          : value,
      ]),
    )
    const { s, result, tag } = await publish(forge, (s) => {
      s.addFault({ method: 'GET', times: 2, kind: { status: 429, headers: resolved } })
    })
    expect(result.exitCode).toBe(0)
    const waits = result.sleeps.filter((ms) => ms >= waitMs - 1_500)
    expect(waits).toHaveLength(2)
    // The asked-for wait plus at most a little jitter (and the epoch form's rounding).
    for (const ms of waits) expect(ms).toBeLessThanOrEqual(waitMs + 2_000)
    await expectPublished(s, tag)
  })

  it('gives up at once, saying why, when the server asks to wait longer than the cap', async () => {
    const { s, result } = await publish(forge, (s) => {
      s.addFault({ method: 'GET', times: Infinity, kind: { status: 429, retryAfter: 3600 } })
    })
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toMatch(/asked to wait 60 min, longer than the 5 min this tool waits/)
    expect(result.sleeps.filter((ms) => ms >= 60_000)).toEqual([])
    expect(s.requests()).toHaveLength(1)
  })

  it.each([400, 401, 403, 404, 422])(
    'treats %s on an upload as final: one attempt, no wait, exit 1',
    async (status) => {
      const route = (s: ForgeScenario): ForgeScenario['routes']['upload'] => s.routes.upload
      const { s, result } = await publish(forge, (s) => {
        s.addFault(
          {
            method: route(s).method,
            path: route(s).path,
            times: Infinity,
            // A plain refusal (GitHub's default 403 body is its rate limit, which is retried).
            kind: { status, body: { message: `${status} refused by policy` } },
          },
          route(s).on,
        )
      })
      expect(result.exitCode).toBe(1)
      errorLine(result)
      const uploads = s.requests().filter((r) => route(s).path.test(r.path))
      // At most one attempt per file (uploads run in parallel); none of them repeated.
      expect(uploads.length).toBeGreaterThanOrEqual(1)
      expect(uploads.length).toBeLessThanOrEqual(BUILD_NAMES.length)
      expect(result.sleeps).toEqual([])
    },
  )

  it.each([0, 2])('retries a failing read exactly `retries` (%i) times', async (retries) => {
    const { s, result } = await publish(
      forge,
      (s) => s.addFault({ method: 'GET', times: Infinity, kind: { status: 503 } }),
      { INPUT_RETRIES: String(retries) },
    )
    expect(result.exitCode).toBe(1)
    expect(s.requests()).toHaveLength(retries + 1)
    expect(result.sleeps).toHaveLength(retries)
    const message = errorLine(result)
    expect(message).toMatch(/HTTP 503/)
    if (retries > 0) expect(message).toContain(`gave up after ${retries} retries`)
  })

  it('fails a hung server with a clear timeout error after timeout_seconds and the retries', async () => {
    const { s, result } = await publish(
      forge,
      (s) => s.addFault({ method: 'GET', times: Infinity, kind: { hang: true } }),
      { INPUT_TIMEOUT_SECONDS: '1', INPUT_RETRIES: '1' },
    )
    expect(result.exitCode).toBe(1)
    const message = errorLine(result)
    expect(message).toMatch(/no progress for 1 s/)
    expect(message).toContain('gave up after 1 retry')
    expect(message).toContain('timeout_seconds')
    expect(s.requests()).toHaveLength(2)
  })

  it('stores the whole file after an upload is cut off mid-body (the file is reopened)', async () => {
    const { s, result, tag, workspace } = await publish(forge, (s) => {
      const route = s.routes.upload
      s.addFault(
        {
          method: route.method,
          path: route.path,
          times: 2,
          kind: { reset: 'mid-body', afterBytes: 20_000 },
        },
        route.on,
      )
    })
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    await expectPublished(s, tag)
    const state = await s.endState(tag)
    for (const [file] of Object.entries(BUILD_FILES)) {
      const local = await readFile(path.join(workspace, file))
      const served = state.files.find((f) => f.name === path.basename(file))
      expect(served).toEqual({
        name: path.basename(file),
        size: local.length,
        sha256: sha256(local),
      })
    }
  })
})

describe('github: its own rate limits through the whole tool', () => {
  it.each([
    ['the primary limit (403, x-ratelimit-remaining: 0)', 'primary', 403, 12_000],
    ['the primary limit (429)', 'primary', 429, 12_000],
    ['the secondary limit (403, no reset header: one minute)', 'secondary', 403, 60_000],
  ] as const)('waits out %s and publishes', async (_, kind, status, waitMs) => {
    const { s, result, tag } = await publish('github', (s) => {
      s.github?.rateLimit({ kind, status, resetInSeconds: 12, times: 2, method: 'GET' })
    })
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    const waits = result.sleeps.filter((ms) => ms >= waitMs - 1_500)
    expect(waits).toHaveLength(2)
    for (const ms of waits) expect(ms).toBeLessThanOrEqual(waitMs + 2_000)
    await expectPublished(s, tag)
  })
})
