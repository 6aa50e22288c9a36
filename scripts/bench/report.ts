/**
 * Turns the bench records into the results table (Markdown, printed and put into docs/benchmarks.md
 * between the bench markers) and the target checks.
 */
import { readFile, writeFile } from 'node:fs/promises'

import type { Traffic } from './traffic.js'

/** The raw transfer that also hashes the bytes it sends. */
export const RAW_HASHED = 'raw transfer + sha256'
export type RawTool = 'raw transfer' | typeof RAW_HASHED
export type Tool = 'forge-release' | RawTool | 'semantic-release' | 'python-gitlab'

export interface RunRecord {
  readonly forge: string
  readonly scenario: string
  readonly tool: Tool
  readonly repetition: number
  readonly exitCode: number
  readonly wallMs: number
  readonly peakRssBytes: number
  readonly maxRssSingleBytes: number | undefined
  readonly polledTreeRssBytes: number
  readonly maxProcesses: number
  /** User + system CPU of the tool's processes; undefined without GNU time. */
  readonly cpuMs: number | undefined
  /** CPU the bench process (the fake forge answering) spent during the run. */
  readonly serverCpuMs: number
  /** Asset bytes the scenario is about (for throughput). */
  readonly payloadBytes: number
  readonly traffic: Traffic
  /** Process start to the first request the fake saw. */
  readonly firstRequestMs: number | undefined
  /** 1-minute load average of the machine when the run started (other work shares it). */
  readonly loadAverage: number
  readonly error?: string
}

export interface SummaryRow {
  readonly forge: string
  readonly scenario: string
  readonly tool: Tool
  readonly runs: number
  readonly failedRuns: number
  /** Median over the runs. */
  readonly wallMs: number
  readonly minWallMs: number
  readonly maxWallMs: number
  /** Largest over the runs. */
  readonly peakRssBytes: number
  readonly payloadBytes: number
  /** Traffic, and the CPU figures below, of the run with the median wall time. */
  readonly traffic: Traffic
  readonly cpuMs: number | undefined
  readonly serverCpuMs: number
  readonly firstRequestMs: number | undefined
  /**
   * forge-release only: the median over repetitions of raw wall time ÷ forge-release wall time,
   * each pair run back to back (robust against load that drifts during the bench), per baseline.
   */
  readonly pairedRatios?: Partial<Record<RawTool, number>>
  readonly error?: string
}

export interface TargetCheck {
  readonly target: string
  readonly value: string
  readonly met: boolean | undefined
}

const MIB = 1024 * 1024

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

export function summarise(records: readonly RunRecord[]): SummaryRow[] {
  const groups = new Map<string, RunRecord[]>()
  for (const record of records) {
    const key = `${record.forge}\u0000${record.scenario}\u0000${record.tool}`
    groups.set(key, [...(groups.get(key) ?? []), record])
  }
  const rawRuns = (forge: string, scenario: string, baseline: RawTool): RunRecord[] =>
    groups.get(`${forge}\u0000${scenario}\u0000${baseline}`) ?? []
  return [...groups.values()].map((runs) => {
    const first = runs[0] as RunRecord
    const ok = runs.filter((r) => r.exitCode === 0)
    const basis = ok.length > 0 ? ok : runs
    const walls = basis.map((r) => r.wallMs)
    const mid = median(walls)
    const typical = [...basis].sort(
      (a, b) => Math.abs(a.wallMs - mid) - Math.abs(b.wallMs - mid),
    )[0] as RunRecord
    const firsts = basis.flatMap((r) => (r.firstRequestMs === undefined ? [] : [r.firstRequestMs]))
    const failed = runs.find((r) => r.exitCode !== 0)
    const pairedRatios: Partial<Record<RawTool, number>> = {}
    for (const baseline of ['raw transfer', RAW_HASHED] as const) {
      if (first.tool !== 'forge-release') break
      const pairs = ok.flatMap((r) => {
        const raw = rawRuns(r.forge, r.scenario, baseline).find(
          (w) => w.repetition === r.repetition && w.exitCode === 0,
        )
        return raw === undefined ? [] : [raw.wallMs / r.wallMs]
      })
      if (pairs.length > 0) pairedRatios[baseline] = median(pairs)
    }
    return {
      forge: first.forge,
      scenario: first.scenario,
      tool: first.tool,
      runs: runs.length,
      failedRuns: runs.length - ok.length,
      wallMs: mid,
      minWallMs: Math.min(...walls),
      maxWallMs: Math.max(...walls),
      peakRssBytes: Math.max(...basis.map((r) => r.peakRssBytes)),
      payloadBytes: first.payloadBytes,
      traffic: typical.traffic,
      cpuMs: typical.cpuMs,
      serverCpuMs: typical.serverCpuMs,
      firstRequestMs: firsts.length === 0 ? undefined : median(firsts),
      ...(Object.keys(pairedRatios).length === 0 ? {} : { pairedRatios }),
      ...(failed?.error === undefined ? {} : { error: failed.error }),
    }
  })
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} B`
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2)
const mib = (bytes: number): string => (bytes / MIB).toFixed(0)

function throughput(row: SummaryRow): string {
  if (row.payloadBytes < MIB || !(row.wallMs > 0)) return '–'
  return ((row.payloadBytes / MIB / row.wallMs) * 1000).toFixed(0)
}

function uploads(row: SummaryRow): string {
  const t = row.traffic
  const files = `${t.assetUploads} (${formatBytes(t.assetBytes)})`
  return t.derivedUploads === 0
    ? files
    : `${files} + derived ${t.derivedUploads} (${formatBytes(t.derivedBytes)})`
}

/** forge-release: the paired median ratio; peers: raw's median wall time ÷ theirs. */
export function ratioToRaw(
  row: SummaryRow,
  rows: readonly SummaryRow[],
  baseline: RawTool = 'raw transfer',
): number | undefined {
  if (row.tool === 'raw transfer' || row.tool === RAW_HASHED || row.failedRuns === row.runs) {
    return undefined
  }
  const paired = row.pairedRatios?.[baseline]
  if (paired !== undefined) return paired
  const raw = rows.find(
    (r) =>
      r.forge === row.forge &&
      r.scenario === row.scenario &&
      r.tool === baseline &&
      r.failedRuns < r.runs,
  )
  return raw === undefined ? undefined : raw.wallMs / row.wallMs
}

export const SCENARIOS: Readonly<Record<string, string>> = {
  '1': '1 large file',
  '2': '200 × 5 MiB',
  '2v': '2 with verify off',
  '3': 're-run of 2, nothing changed',
  '3v': 're-run of 2, verify off',
  '3v1': 're-run of 5, verify off',
  '4': 're-run of 2, one file changed',
  '5': 'start-up (one 1 KiB file)',
  '1n': '1 over a 1 Gbit/s link',
  '2n': '2 over a 1 Gbit/s link',
  '6': '998 × 64 KiB (1000 assets)',
  '7': 're-run of 6, nothing changed',
  '6s': '6 under GitHub’s secondary limit',
}

export function renderTable(rows: readonly SummaryRow[]): string {
  const lines = [
    '| forge | scenario | tool | wall s (min–max) | MiB/s | raw ÷ tool time | raw + sha256 ÷ tool time | peak RSS MiB | requests | body bytes sent | files uploaded | 1st request ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const row of rows) {
    const ratio = ratioToRaw(row, rows)
    const hashedRatio = ratioToRaw(row, rows, RAW_HASHED)
    const status =
      row.failedRuns === 0
        ? ''
        : row.failedRuns === row.runs
          ? ' **(failed)**'
          : ` (${row.failedRuns}/${row.runs} failed)`
    const spread = row.runs > 1 ? ` (${seconds(row.minWallMs)}–${seconds(row.maxWallMs)})` : ''
    lines.push(
      [
        '',
        row.forge,
        `${row.scenario}: ${SCENARIOS[row.scenario] ?? ''}`,
        `${row.tool}${status}`,
        `${seconds(row.wallMs)}${spread}`,
        throughput(row),
        ratio === undefined ? '' : ratio.toFixed(2),
        hashedRatio === undefined ? '' : hashedRatio.toFixed(2),
        mib(row.peakRssBytes),
        String(row.traffic.requests),
        formatBytes(row.traffic.bytesSent),
        uploads(row),
        row.firstRequestMs === undefined ? '' : row.firstRequestMs.toFixed(0),
        '',
      ]
        .join(' | ')
        .trim(),
    )
  }
  return lines.join('\n')
}

/**
 * Where forge-release's wall time goes, from the fake's request log: process start to the first
 * request (start-up; on a re-run also hashing the files the forge already holds), the upload
 * phase (first to last file upload, to compare with the raw transfer), and the rest (listing,
 * release, links, SHA256SUMS, evidence, verification, outputs).
 */
export function renderPhases(rows: readonly SummaryRow[]): string {
  const lines = [
    '| forge | scenario | to 1st request s | upload phase s (raw transfer s) | rest s | of which evidence wait s | total s |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const row of rows) {
    if (row.tool !== 'forge-release' || row.scenario === '3v1') continue
    const t = row.traffic
    const raw = rows.find(
      (r) => r.forge === row.forge && r.scenario === row.scenario && r.tool === 'raw transfer',
    )
    const first = row.firstRequestMs ?? 0
    const upload = t.uploadPhaseMs ?? 0
    const cell = (ms: number | undefined): string => (ms === undefined ? '–' : seconds(ms))
    lines.push(
      `| ${row.forge} | ${row.scenario} | ${cell(row.firstRequestMs)} | ${cell(t.uploadPhaseMs)}${raw === undefined ? '' : ` (${seconds(raw.wallMs)})`} | ${seconds(Math.max(0, row.wallMs - first - upload))} | ${cell(t.evidenceWaitMs)} | ${seconds(row.wallMs)} |`,
    )
  }
  return lines.join('\n')
}

/** The loopback throughput scenarios, where client and fake share the machine's cores. */
const CPU_BOUND_SCENARIOS = new Set(['1', '2'])

/**
 * What the CPU allows on the loopback, where the tool and the fake share `cores`: the tool's and
 * the fake's CPU seconds of one run, the cores they kept busy on average, and the floor, i.e. the
 * wall time of that much work with every core busy the whole time. The raw transfer's wall time
 * over forge-release's floor is the best ratio forge-release could reach without spending less
 * CPU.
 */
export function renderCpu(rows: readonly SummaryRow[], cores: number): string {
  const lines = [
    '| forge | scenario | tool | wall s | tool CPU s | fake server CPU s | cores busy | CPU floor s | raw ÷ floor |',
    '|---|---|---|---|---|---|---|---|---|',
  ]
  for (const row of rows) {
    if (!CPU_BOUND_SCENARIOS.has(row.scenario) || row.cpuMs === undefined) continue
    if (row.tool !== 'forge-release' && row.tool !== 'raw transfer' && row.tool !== RAW_HASHED) {
      continue
    }
    const busyMs = row.cpuMs + row.serverCpuMs
    const floorMs = busyMs / cores
    const raw = rows.find(
      (r) => r.forge === row.forge && r.scenario === row.scenario && r.tool === 'raw transfer',
    )
    const best =
      row.tool === 'forge-release' && raw !== undefined ? raw.wallMs / floorMs : undefined
    lines.push(
      `| ${row.forge} | ${row.scenario} | ${row.tool} | ${seconds(row.wallMs)} | ${seconds(row.cpuMs)} | ${seconds(row.serverCpuMs)} | ${(busyMs / row.wallMs).toFixed(2)} | ${seconds(floorMs)} | ${best === undefined ? '' : best.toFixed(2)} |`,
    )
  }
  return lines.join('\n')
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  const lines = ['| target | measured | met |', '|---|---|---|']
  for (const check of checks) {
    const met = check.met === undefined ? 'n/a' : check.met ? 'yes' : '**no**'
    lines.push(`| ${check.target} | ${check.value} | ${met} |`)
  }
  return lines.join('\n')
}

export const BENCH_START = '<!-- bench:start -->'
export const BENCH_END = '<!-- bench:end -->'

/** `text` with `section` between the bench markers (added at the end when missing). */
export function replaceBenchSection(text: string, section: string): string {
  const block = `${BENCH_START}\n${section.trim()}\n${BENCH_END}`
  const start = text.indexOf(BENCH_START)
  const end = text.indexOf(BENCH_END)
  if (start >= 0 && end > start) {
    return `${text.slice(0, start)}${block}${text.slice(end + BENCH_END.length)}`
  }
  return `${text.trimEnd()}\n\n${block}\n`
}

/** Replaces the text between the bench markers of docs/benchmarks.md (not the README). */
export async function updateBenchmarkDoc(file: string, section: string): Promise<void> {
  await writeFile(file, replaceBenchSection(await readFile(file, 'utf8'), section))
}
