/**
 * Rack::Attack as GitLab configures it (lib/gitlab/rack_attack.rb): a fixed window per
 * `period`, every request counted (throttled ones too); over the limit → 429 `text/plain`
 * `Retry later` with RateLimit-* headers and `Retry-After` = seconds to the window's end.
 */
import type { HeaderMap } from '../exchange.js'
import type { GitLabThrottle } from './context.js'

export const RETRY_LATER = 'Retry later'

/** The throttled response's headers (doc/administration/settings/user_and_ip_rate_limits.md). */
export const rateLimitHeaders = (
  name: string,
  limit: number,
  periodSeconds: number,
  observed: number,
  nowMs: number,
  retryAfterSeconds: number,
): HeaderMap => {
  const resetEpoch = Math.floor(nowMs / 1000) + retryAfterSeconds
  return {
    'content-type': 'text/plain',
    'ratelimit-name': name,
    'ratelimit-limit': String(Math.ceil((limit * 60) / periodSeconds)),
    'ratelimit-observed': String(observed),
    'ratelimit-remaining': String(Math.max(limit - observed, 0)),
    'ratelimit-reset': String(resetEpoch),
    'ratelimit-resettime': new Date(resetEpoch * 1000).toUTCString(),
    'retry-after': String(retryAfterSeconds),
  }
}

export class Throttle {
  private windowStart = -1
  private observed = 0

  /** Counts one request; returns the 429 headers when it is over the limit. */
  hit(config: GitLabThrottle, nowMs: number): HeaderMap | undefined {
    const nowSec = Math.floor(nowMs / 1000)
    const start = nowSec - (nowSec % config.periodSeconds)
    if (start !== this.windowStart) {
      this.windowStart = start
      this.observed = 0
    }
    this.observed += 1
    if (this.observed <= config.limit) return undefined
    const retryAfter = config.periodSeconds - (nowSec % config.periodSeconds)
    return rateLimitHeaders(
      config.name ?? 'throttle_authenticated_api',
      config.limit,
      config.periodSeconds,
      this.observed,
      nowMs,
      retryAfter,
    )
  }

  reset(): void {
    this.windowStart = -1
    this.observed = 0
  }
}
