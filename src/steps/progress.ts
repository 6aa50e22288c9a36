import type { Logger } from '../log.js'
import { formatBytes } from '../assets/asset-size.js'

/** Files below this size upload too quickly for progress lines to help. */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024

/**
 * Progress of one upload as plain log lines (percentage, MB/s, ETA), at most one per interval,
 * so CI logs stay readable and free of control characters.
 */
export function createProgressReporter(
  name: string,
  total: number,
  log: Logger,
  intervalMs: number,
  now: () => number = Date.now,
): (sent: number) => void {
  if (total < PROGRESS_MIN_BYTES) return () => undefined
  const started = now()
  let lastReport = started
  return (sent: number) => {
    const time = now()
    if (time - lastReport < intervalMs || sent >= total) return
    lastReport = time
    const seconds = Math.max((time - started) / 1000, 0.001)
    const rate = sent / seconds
    const eta = rate > 0 ? Math.ceil((total - sent) / rate) : undefined
    const percent = Math.floor((sent / total) * 100)
    log.info(
      `Uploading ${name}: ${percent}% of ${formatBytes(total)}, ${(rate / 1e6).toFixed(1)} MB/s${eta === undefined ? '' : `, ${eta} s left`}`,
    )
  }
}
