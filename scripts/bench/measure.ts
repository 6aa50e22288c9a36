/**
 * Runs one command as its own process and measures it: wall time, peak resident memory and the
 * moment it was started (so the caller can compare with the first request the fake server saw).
 *
 * Peak memory comes from two sources, both kept:
 * - GNU time (`/usr/bin/time -f %M`), when installed: the exact high-water mark (ru_maxrss) of
 *   the largest single process of the job, read by the kernel at exit;
 * - polling `/proc/<pid>/status` VmRSS of the whole process tree every `pollMs`: the largest sum
 *   seen, which is what counts for jobs that run several processes at once (xargs -P 4).
 * The reported peak is the larger of the two.
 *
 * CPU time comes from GNU time too (user + system, the process and the children it waited for),
 * and this process's own CPU over the same span is kept beside it: the fake forges run in this
 * process, so that is what the server spent answering the run (plus the polling, a few ms).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

const GNU_TIME = '/usr/bin/time'
const OUTPUT_TAIL = 4000

export interface Measurement {
  readonly exitCode: number
  /** `Date.now()` just before the process was spawned. */
  readonly startedAt: number
  readonly wallMs: number
  /** Bytes; the larger of GNU time's ru_maxrss and the polled process-tree sum. */
  readonly peakRssBytes: number
  /** Bytes, from GNU time; undefined when it is not installed. */
  readonly maxRssSingleBytes: number | undefined
  /** Bytes: the largest sum of VmRSS over the process tree seen while polling. */
  readonly polledTreeRssBytes: number
  /** How many processes were alive at most at one poll (1 for forge-release). */
  readonly maxProcesses: number
  /** User + system CPU of the command, from GNU time; undefined when it is not installed. */
  readonly cpuMs: number | undefined
  /** User + system CPU of this process (the fake forges) while the command ran. */
  readonly hostCpuMs: number
  readonly stdoutTail: string
  readonly stderrTail: string
}

export interface MeasureOptions {
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly pollMs?: number
  /** Kill the job after this long (the bench must stop by itself). */
  readonly timeoutMs?: number
}

export const hasGnuTime = (): boolean => existsSync(GNU_TIME)

export async function measure(
  command: string,
  args: readonly string[],
  options: MeasureOptions,
): Promise<Measurement> {
  const pollMs = options.pollMs ?? 20
  const useTime = hasGnuTime()
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'forge-release-bench-'))
  const timeFile = path.join(tmp, 'time.txt')
  const [file, argv] = useTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]]
    : [command, [...args]]
  const startedAt = Date.now()
  const started = performance.now()
  const hostCpuBefore = process.cpuUsage()
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-OUTPUT_TAIL)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-OUTPUT_TAIL)
  })
  let polledTreeRssBytes = 0
  let maxProcesses = 0
  const poll = (): void => {
    if (child.pid === undefined) return
    const { rss, processes } = treeRss(child.pid, useTime)
    if (rss > polledTreeRssBytes) polledTreeRssBytes = rss
    if (processes > maxProcesses) maxProcesses = processes
  }
  const timer = setInterval(poll, pollMs)
  const killer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? -1 : 128)))
  })
  const wallMs = performance.now() - started
  const hostCpu = process.cpuUsage(hostCpuBefore)
  clearInterval(timer)
  if (killer !== undefined) clearTimeout(killer)
  const timed = useTime ? parseGnuTime(await readFile(timeFile, 'utf8').catch(() => '')) : {}
  await rm(tmp, { recursive: true, force: true })
  return {
    exitCode,
    startedAt,
    wallMs,
    peakRssBytes: Math.max(timed.maxRssBytes ?? 0, polledTreeRssBytes),
    maxRssSingleBytes: timed.maxRssBytes,
    polledTreeRssBytes,
    maxProcesses,
    cpuMs: timed.cpuMs,
    hostCpuMs: (hostCpu.user + hostCpu.system) / 1000,
    stdoutTail: stdout,
    stderrTail: stderr,
  }
}

/** GNU time's `%M %U %S` line: max RSS in KiB, user and system seconds. */
export function parseGnuTime(text: string): { maxRssBytes?: number; cpuMs?: number } {
  // GNU time writes "Command exited with non-zero status N" before the figures on failure.
  const [kib, user, system] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number)
  return {
    ...(kib !== undefined && Number.isFinite(kib) && kib > 0 ? { maxRssBytes: kib * 1024 } : {}),
    ...(user !== undefined && system !== undefined && Number.isFinite(user + system)
      ? { cpuMs: (user + system) * 1000 }
      : {}),
  }
}

/** Sum of VmRSS over `root`'s descendants (and root itself unless it is GNU time's wrapper). */
function treeRss(root: number, skipRoot: boolean): { rss: number; processes: number } {
  let rss = 0
  let processes = 0
  const visit = (pid: number, counted: boolean): void => {
    if (counted) {
      const value = vmRss(pid)
      if (value !== undefined) {
        rss += value
        processes += 1
      }
    }
    for (const child of childrenOf(pid)) visit(child, true)
  }
  visit(root, !skipRoot)
  return { rss, processes }
}

function vmRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status)
    return match === null ? undefined : Number(match[1]) * 1024
  } catch {
    return undefined
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number)
  } catch {
    return []
  }
}
