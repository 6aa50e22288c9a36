import type { Logger } from '../log.js'
import { formatBytes } from '../assets/asset-size.js'
import { formatDuration } from '../http/format-duration.js'

/** Files below this size upload too quickly for progress lines to help. */
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024

/**
 * A logger that can show progress in place (an interactive terminal's status line). Progress
 * shown there is transient: `undefined` removes the entry.
 */
interface LiveProgress {
  showProgress(id: string, text: string | undefined): void
}

function hasLiveProgress(log: Logger): log is Logger & LiveProgress {
  return typeof (log as Partial<LiveProgress>).showProgress === 'function'
}

/**
 * Progress of one upload: percentage, rate and time left, at most once per interval. In CI logs
 * these are plain log lines (no control characters, no redraws), so the log stays readable; on
 * an interactive terminal they update a status line in place. A retry sends the file again
 * from its first byte, so a drop in `sent` restarts the rate measurement.
 */
export function createProgressReporter(
  name: string,
  total: number,
  log: Logger,
  intervalMs: number,
  now: () => number = Date.now,
): (sent: number) => void {
  if (total < PROGRESS_MIN_BYTES) return () => undefined
  const live = hasLiveProgress(log) ? log : undefined
  let started = now()
  let lastReport = started
  let lastSent = 0
  return (sent: number) => {
    const time = now()
    if (sent < lastSent) {
      started = time
      lastReport = time
    }
    lastSent = sent
    if (sent >= total) {
      live?.showProgress(name, undefined)
      return
    }
    if (time - lastReport < intervalMs) return
    lastReport = time
    const text = describeProgress(sent, total, (time - started) / 1000)
    if (live !== undefined) live.showProgress(name, `${name} ${text}`)
    else log.info(`Uploading ${name}: ${text}`)
  }
}

/** `42% of 120.0 MiB, 12.3 MiB/s, 6 s left`; no rate or time left before any byte went out. */
export function describeProgress(sent: number, total: number, seconds: number): string {
  const percent = Math.floor((sent / total) * 100)
  const head = `${percent}% of ${formatBytes(total)}`
  if (sent <= 0 || seconds <= 0) return head
  const rate = sent / seconds
  const left = formatDuration(((total - sent) / rate) * 1000)
  return `${head}, ${formatBytes(Math.round(rate))}/s, ${left} left`
}
