import { formatDuration } from './format-duration.js'
import type { HttpMethod } from './types.js'

/** At most `limit` writes in any `windowMs`: a limit a forge documents but does not announce. */
export interface WriteWindow {
  readonly limit: number
  readonly windowMs: number
}

export interface RequestPacerOptions {
  /** The forge's documented limits on requests that create content (POST, PATCH, PUT, DELETE). */
  readonly writeWindows: readonly WriteWindow[]
  readonly now: () => number
  readonly sleep: (ms: number) => Promise<void>
  /** Told why and how long the next request waits. */
  readonly onWait: (message: string, waitMs: number) => void
  /**
   * Requests kept in hand from the announced budget (`x-ratelimit-remaining`,
   * `ratelimit-remaining`): below it, requests wait for the reset instead of being refused.
   */
  readonly reserve?: number
}

const WRITES: ReadonlySet<HttpMethod> = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
const DEFAULT_RESERVE = 8
const MIN_MARGIN_MS = 250

/**
 * Slows requests down before a limit, not after: the budget a forge announces in its rate-limit
 * headers, and the write limits it documents without announcing (GitHub's secondary limit of 80
 * content-creating requests a minute, 500 an hour). A request that would cross either waits until
 * it would not.
 */
export class RequestPacer {
  private readonly writes: number[] = []
  private budget: { remaining: number; resetAt: number } | undefined
  private readonly longestWindow: number
  /** The end of the last wait: time has passed at least that far, whatever the clock says. */
  private waitedUntil = 0

  constructor(private readonly options: RequestPacerOptions) {
    this.longestWindow = Math.max(
      0,
      ...options.writeWindows.map((w) => w.windowMs * 1.01 + MIN_MARGIN_MS),
    )
  }

  /** Waits until `method` may be sent, then counts it. */
  async beforeRequest(method: HttpMethod): Promise<void> {
    for (;;) {
      const wait = this.waitBefore(method)
      if (wait === undefined) break
      this.options.onWait(wait.reason, wait.ms)
      const until = this.now() + wait.ms
      await this.options.sleep(wait.ms)
      // Only once the wait is over: set before, it would move "now" ahead for the requests
      // that ask meanwhile, and let them through a window that is still full.
      this.waitedUntil = Math.max(this.waitedUntil, until)
    }
    // Counted in the same tick as the check, so parallel requests cannot both take the last slot.
    if (WRITES.has(method)) this.writes.push(this.now())
    if (this.budget !== undefined) this.budget.remaining -= 1
  }

  /**
   * Learns the announced budget from a successful response's headers (a refusal's wait is the
   * retry policy's to honour, once).
   */
  observe(headers: Readonly<Record<string, string>>): void {
    const remaining = readNumber(headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining'])
    const reset = readNumber(headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'])
    if (remaining === undefined || reset === undefined) return
    const now = this.now()
    // Epoch seconds (GitHub, GitLab), or seconds from now (the IETF RateLimit draft).
    const resetAt = reset > 1e9 ? reset * 1000 : now + reset * 1000
    this.budget = { remaining, resetAt }
  }

  private now(): number {
    return Math.max(this.options.now(), this.waitedUntil)
  }

  private waitBefore(method: HttpMethod): { ms: number; reason: string } | undefined {
    const now = this.now()
    const reserve = this.options.reserve ?? DEFAULT_RESERVE
    if (this.budget !== undefined && this.budget.remaining <= reserve) {
      if (this.budget.resetAt > now) {
        return {
          ms: this.budget.resetAt - now,
          reason: `the server's rate limit has ${Math.max(0, this.budget.remaining)} requests left until it resets`,
        }
      }
      this.budget = undefined
    }
    if (!WRITES.has(method)) return undefined
    while (this.writes.length > 0 && (this.writes[0] ?? 0) <= now - this.longestWindow) {
      this.writes.shift()
    }
    for (const window of this.options.writeWindows) {
      // A write reaches the server a little after it is counted here: keep a margin so that
      // the server's count of a window never sees one more than ours.
      const span = window.windowMs + Math.max(MIN_MARGIN_MS, window.windowMs / 100)
      const inWindow = this.writes.length - firstAfter(this.writes, now - span)
      if (inWindow < window.limit) continue
      const oldest = this.writes[this.writes.length - window.limit] ?? now
      return {
        ms: oldest + span - now,
        reason: `the forge allows ${window.limit} writes per ${formatDuration(window.windowMs)}`,
      }
    }
    return undefined
  }
}

/**
 * The index of the first time after `time` in ascending `times` (binary search: a thousand
 * uploads each checking an hour's window must not copy the list each time).
 */
function firstAfter(times: readonly number[], time: number): number {
  let low = 0
  let high = times.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((times[middle] ?? 0) > time) high = middle
    else low = middle + 1
  }
  return low
}

function readNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined
  return Number(value)
}
