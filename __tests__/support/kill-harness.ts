/**
 * Runs the whole tool in this process, with every request it sends passing a gate first: to
 * count them, to run a test hook before one (tamper with the fake between upload and verify),
 * or to kill the run at a chosen point.
 *
 * A kill models the process dying (SIGKILL, a cancelled CI job, a lost runner): requests 1..N
 * reached the server and were applied; the answer to request N is lost; request N+1 and every
 * later one never leave. A mid-upload kill cuts request N (an upload) partway through its body
 * at the server, the way a dying process drops its connection, and nothing after it leaves.
 * Requests already in flight when the kill happens finish on the server (as they may in real
 * life) and the harness waits for them, so the server's state is final when the run returns.
 *
 * This is cheap (no process start, no real waiting: retry back-off sleeps are recorded, not
 * slept) and exact: point N is "after the N-th request", wherever in the six steps it falls.
 */
import { Readable } from 'node:stream'

import { describeError } from '../../src/errors.js'
import { createForge } from '../../src/create-forge.js'
import type { HttpRequest, HttpResponse, Transport } from '../../src/http/types.js'
import { run } from '../../src/main.js'
import type { OutputValues, Runtime } from '../../src/runtime/runtime.js'
import { createTextLogger } from '../../src/runtime/text-logger.js'
import type { ForgeScenario } from './forge-scenarios.js'
import type { Env, ToolResult } from './run-tool.js'

/** What a killed run's code sees for every request after the kill. */
export class KilledError extends Error {
  constructor() {
    super('killed by the test harness')
    this.name = 'KilledError'
  }
}

export interface RunOptions {
  /** Kill after the N-th request reached the server (1-based). */
  readonly killAfter?: number
  /** Kill during the N-th request, an upload, halfway through its body; needs `scenario`. */
  readonly killMidUpload?: number
  readonly scenario?: ForgeScenario
  /**
   * Runs before each request leaves (1-based index). `phase.verifying` is true once the run's
   * verify step began (its log group opened), so a test can act between upload and verify
   * whatever requests the verify step makes.
   */
  readonly beforeRequest?: (
    request: HttpRequest,
    index: number,
    phase: { readonly verifying: boolean },
  ) => void | Promise<void>
}

export interface HarnessResult extends ToolResult {
  /** Requests the tool started (killed ones included). */
  readonly requestsSent: number
  /** 1-based indices of the requests that uploaded a file. */
  readonly uploads: readonly number[]
  /** Whether the kill point was reached. */
  readonly killed: boolean
  /** Every request the tool started, as `METHOD url`. */
  readonly sent: readonly string[]
}

interface Gate {
  count: number
  killed: boolean
  /** The verify step's log group has opened. */
  verifying: boolean
  readonly uploads: number[]
  readonly sent: string[]
  readonly inflight: Set<Promise<unknown>>
}

function isUpload(request: HttpRequest): boolean {
  return request.body?.kind === 'file' || request.body?.kind === 'multipart'
}

function gateTransport(transport: Transport, gate: Gate, options: RunOptions): Transport {
  async function pass<T>(
    request: HttpRequest,
    send: () => Promise<HttpResponse<T>>,
  ): Promise<HttpResponse<T>> {
    const index = ++gate.count
    gate.sent.push(`${request.method} ${request.url}`)
    if (gate.killed) throw new KilledError()
    if (isUpload(request)) gate.uploads.push(index)
    await options.beforeRequest?.(request, index, { verifying: gate.verifying })
    if (options.killMidUpload === index) {
      const size = request.body !== undefined && 'size' in request.body ? request.body.size : 0
      if (options.scenario === undefined) throw new Error('killMidUpload needs a scenario')
      options.scenario.cutUploads(new URL(request.url).pathname, Math.floor(size / 2))
      try {
        const response = await send()
        destroyBody(response)
      } catch {
        // The cut upload fails, as it would for a process that died while sending it.
      }
      gate.killed = true
      throw new KilledError()
    }
    let response: HttpResponse<T>
    try {
      response = await send()
    } catch (error) {
      // Request N was answered (with an error status, say); the process dies before it acts on it.
      if (options.killAfter === index) gate.killed = true
      throw gate.killed ? new KilledError() : error
    }
    if (options.killAfter === index) gate.killed = true
    if (gate.killed) {
      // The answer is lost with the process.
      destroyBody(response)
      throw new KilledError()
    }
    return response
  }
  const track = <T>(promise: Promise<T>): Promise<T> => {
    gate.inflight.add(promise)
    const forget = (): void => {
      gate.inflight.delete(promise)
    }
    promise.then(forget, forget)
    return promise
  }
  return {
    request: <T>(request: HttpRequest) => track(pass(request, () => transport.request<T>(request))),
    stream: (request) => track(pass(request, () => transport.stream(request))),
    stats: transport.stats,
    close: () => transport.close(),
  }
}

function destroyBody(response: HttpResponse<unknown>): void {
  if (response.body instanceof Readable) {
    // Destroying an undici body reports an abort; nobody is left to read it.
    response.body.on('error', () => undefined)
    response.body.destroy()
  }
}

/** Runs the engine in this process (a GitLab-CI-like text runtime, debug on), through the gate. */
export async function runThroughGate(
  env: Env,
  cwd: string,
  options: RunOptions = {},
): Promise<HarnessResult> {
  const lines: string[] = []
  const sleeps: number[] = []
  let outputs: OutputValues = {}
  const gate: Gate = {
    count: 0,
    killed: false,
    verifying: false,
    uploads: [],
    sent: [],
    inflight: new Set(),
  }
  const log = createTextLogger({
    write: (line) => {
      if (line.includes('section_start:') && line.endsWith('Verifying assets')) {
        gate.verifying = true
      }
      lines.push(line)
    },
    sections: 'gitlab',
    debugEnabled: true,
  })
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms)
    return Promise.resolve()
  }
  const runtime: Runtime = {
    name: env.GITLAB_CI === 'true' ? 'gitlab-ci' : 'cli',
    env,
    cwd,
    log,
    progressIntervalMs: 0,
    reportFailure: (message) => lines.push(`ERROR: ${message}`),
    writeOutputs: (values) => {
      outputs = values
      return Promise.resolve()
    },
    writeSummary: (markdown) => {
      lines.push(markdown)
      return Promise.resolve()
    },
  }
  let error: unknown
  try {
    await run({
      runtime,
      sleep,
      forge: (settings, transport) =>
        createForge(settings, gateTransport(transport, gate, options), log),
    })
  } catch (caught) {
    error = caught
    lines.push(`ERROR: ${describeError(caught)}`)
  }
  // A killed run's requests still in flight settle before the server state is looked at.
  while (gate.inflight.size > 0) await Promise.allSettled([...gate.inflight])
  const output = lines.join('\n')
  return {
    exitCode: error === undefined ? 0 : 1,
    output,
    stdout: output,
    stderr: '',
    outputs,
    sleeps,
    ...(error === undefined ? {} : { error }),
    requestsSent: gate.count,
    uploads: gate.uploads,
    killed: gate.killed,
    sent: gate.sent,
  }
}
