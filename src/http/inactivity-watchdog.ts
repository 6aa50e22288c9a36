import { formatDuration } from './format-duration.js'

export const INACTIVITY_TIMEOUT_CODE = 'ERR_FORGE_RELEASE_INACTIVITY'

/** The reason an attempt is aborted with when neither side moved a byte for too long. */
export class InactivityTimeout extends Error {
  readonly code = INACTIVITY_TIMEOUT_CODE
  readonly timeoutMs: number

  constructor(timeoutMs: number) {
    super(`no progress for ${formatDuration(timeoutMs)}`)
    this.name = 'InactivityTimeout'
    this.timeoutMs = timeoutMs
  }
}

export interface Watchdog {
  /** Aborted (with an InactivityTimeout reason) when `timeoutMs` pass without a touch. */
  readonly signal: AbortSignal
  /** Records progress: a byte sent or received. */
  touch(): void
  stop(): void
}

/**
 * Undici's headersTimeout is not reset by upload progress (a big upload to a slow reader trips
 * it) and its bodyTimeout only covers the response body, so neither can tell a hung server from
 * an upload that is still moving. This timer is reset on every chunk in either direction.
 */
export function startWatchdog(timeoutMs: number): Watchdog {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new InactivityTimeout(timeoutMs)), timeoutMs)
  return {
    signal: controller.signal,
    touch: () => {
      if (!controller.signal.aborted) timer.refresh()
    },
    stop: () => clearTimeout(timer),
  }
}
