/**
 * Runs forge-release the two ways tests need: in this process (fast, measured by coverage) and
 * as the shipped bundle `dist/index.js` in a child process, exactly as CI systems run it.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { describeError } from '../../src/errors.js'
import type { Forge } from '../../src/forges/forge.js'
import { run } from '../../src/main.js'
import type { OutputValues, Runtime } from '../../src/runtime/runtime.js'
import { createTextLogger } from '../../src/runtime/text-logger.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const bundlePath = path.join(repoRoot, 'dist/index.js')

export type Env = Record<string, string | undefined>

export interface ToolResult {
  readonly exitCode: number
  /** Everything the run printed (stdout and stderr together for in-process runs). */
  readonly output: string
  readonly stdout: string
  readonly stderr: string
  readonly outputs: OutputValues
  readonly error?: unknown
  /** Waits the run asked for (retry back-off), in milliseconds. */
  readonly sleeps: number[]
}

export async function makeWorkspace(files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-release-test-'))
  const { mkdir, writeFile } = await import('node:fs/promises')
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, content)
  }
  return dir
}

/** Time that passes only when the run sleeps: limits measured in minutes, tested in milliseconds. */
export class VirtualClock {
  private offset = 0
  constructor(private readonly start = Date.now()) {}
  now(): number {
    return this.start + this.offset
  }
  advance(ms: number): void {
    this.offset += ms
  }
  /** Virtual milliseconds since the clock started. */
  elapsed(): number {
    return this.offset
  }
}

/** Runs the engine in this process with a GitLab-CI-like text runtime. */
export async function runInProcess(
  env: Env,
  cwd: string,
  options: { readonly forge?: Forge; readonly clock?: VirtualClock } = {},
): Promise<ToolResult> {
  const lines: string[] = []
  const sleeps: number[] = []
  let outputs: OutputValues = {}
  const log = createTextLogger({
    write: (line) => lines.push(line),
    sections: 'gitlab',
    debugEnabled: true,
  })
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
  try {
    const { forge, clock } = options
    await run({
      runtime,
      ...(forge === undefined ? {} : { forge: () => forge }),
      ...(clock === undefined ? {} : { clock: () => clock.now() }),
      sleep: (ms) => {
        sleeps.push(ms)
        clock?.advance(ms)
        return Promise.resolve()
      },
    })
    const output = lines.join('\n')
    return { exitCode: 0, output, stdout: output, stderr: '', outputs, sleeps }
  } catch (error) {
    lines.push(`ERROR: ${describeError(error)}`)
    const output = lines.join('\n')
    return { exitCode: 1, output, stdout: output, stderr: '', outputs, error, sleeps }
  }
}

/** Runs dist/index.js as a child process with exactly `env` (plus PATH). */
export function runBundle(
  env: Env,
  cwd: string,
  args: readonly string[] = [],
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    // CI sets FORGE_RELEASE_TEST_NODE to run the same bundle tests under Node 24 as well.
    const node = process.env.FORGE_RELEASE_TEST_NODE ?? process.execPath
    const child = spawn(node, [bundlePath, ...args], {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({
        exitCode: code ?? -1,
        output: `${stdout}${stderr}`,
        stdout,
        stderr,
        outputs: {},
        sleeps: [],
      }),
    )
  })
}

/** Every file under `dir`, for scanning what a run wrote. */
export async function readAllFiles(dir: string): Promise<Map<string, string>> {
  const result = new Map<string, string>()
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current)) {
      const full = path.join(current, entry)
      const info = await stat(full)
      if (info.isDirectory()) await walk(full)
      else if (info.size < 10 * 1024 * 1024) result.set(full, await readFile(full, 'utf8'))
    }
  }
  await walk(dir)
  return result
}

/** The forms a token could leak in: plain, URL-encoded and base64 (also inside Basic auth). */
export function tokenForms(token: string): string[] {
  return [
    token,
    encodeURIComponent(token),
    Buffer.from(token).toString('base64'),
    Buffer.from(`gitlab-ci-token:${token}`).toString('base64'),
  ]
}

export async function expectNoTokenLeak(
  token: string,
  result: ToolResult,
  workspace: string,
): Promise<void> {
  const texts: [string, string][] = [
    ['output', result.output],
    ['stdout', result.stdout],
    ['stderr', result.stderr],
    ['outputs', JSON.stringify(result.outputs)],
  ]
  if (result.error instanceof Error)
    texts.push(['error', `${result.error.message}\n${result.error.stack ?? ''}`])
  for (const [file, content] of await readAllFiles(workspace)) texts.push([file, content])
  for (const form of tokenForms(token)) {
    for (const [where, text] of texts) {
      const at = text.indexOf(form)
      if (at >= 0) {
        const context = text.slice(Math.max(0, at - 80), at + form.length + 20)
        throw new Error(
          `The token leaked into ${where} in the form ${JSON.stringify(form)}: …${context}…`,
        )
      }
    }
  }
}

export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const at = line.indexOf('=')
    if (at > 0) values[line.slice(0, at)] = line.slice(at + 1)
  }
  return values
}

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` heredoc blocks or `name=value`). */
export function parseGitHubOutput(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc !== null) {
      const [, name, delimiter] = heredoc
      const body: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i] ?? '')
      values[name ?? ''] = body.join('\n')
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}
