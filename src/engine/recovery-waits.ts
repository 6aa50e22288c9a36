import { OutcomeUnknownError } from '../http/outcome-unknown-error.js'
import { classifyRetry, defaultRetryTiming, type RetryFailure } from '../http/retry-policy.js'
import type { RetryTiming } from '../http/types.js'
import type { Logger } from '../log.js'

/** Real time, for runs; tests inject their own. */
export function sleepFor(ms: number): Promise<void> {
  return new Promise<void>((done) => setTimeout(done, ms))
}

export interface RecoveryWaitOptions {
  /** The `retries` input: repeats of one write after a read showed it did not land. */
  readonly retries: number
  readonly log: Logger
  readonly sleep: (ms: number) => Promise<void>
  readonly random?: () => number
  readonly now?: () => number
  readonly timing?: Partial<RetryTiming>
}

/**
 * The engine's waits, all under the transport's one retry policy (exponential backoff with
 * full jitter, Retry-After and rate-limit headers honoured, within `retries` and a deadline):
 * before repeating a write that a read showed did not land, and between convergence rounds.
 */
export class RecoveryWaits {
  private readonly timing: RetryTiming
  private readonly random: () => number
  private readonly now: () => number

  constructor(private readonly options: RecoveryWaitOptions) {
    this.timing = { ...defaultRetryTiming, ...options.timing }
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
  }

  get retries(): number {
    return this.options.retries
  }

  /** Whether attempt `attempt` (0 = the first repeat) is still allowed. */
  allows(attempt: number): boolean {
    return attempt < this.options.retries
  }

  /**
   * Waits before repeating `what`, which failed with `cause` and was read back as not landed
   * (so repeating it is harmless); rethrows `cause` when the policy says to stop.
   */
  async beforeRepeat(attempt: number, cause: unknown, what: string): Promise<void> {
    const decision = classifyRetry(
      { attempt, failure: failureOf(cause), idempotent: true },
      { ...this.timing, retries: this.options.retries, random: this.random, now: this.now },
    )
    if (!decision.retry) throw cause
    this.options.log.warn(
      `Retrying ${what} in ${(decision.delayMs / 1000).toFixed(1)} s (attempt ${attempt + 2}): ${decision.reason}`,
    )
    await this.options.sleep(decision.delayMs)
  }

  /**
   * A pause between convergence rounds or polls: short at first, then growing, jittered so
   * that jobs racing on the same files stop rewriting in lockstep.
   */
  async pause(round: number): Promise<void> {
    const ceiling = Math.min(this.timing.capMs, (this.timing.baseMs / 2) * 2 ** round)
    await this.options.sleep(ceiling / 4 + this.random() * ceiling)
  }
}

/**
 * What the policy judges: the status of a lost answer, the network error, or, for a place another
 * write holds (a conflict), a busy server that asks us to come back.
 */
function failureOf(cause: unknown): RetryFailure {
  if (cause instanceof OutcomeUnknownError) {
    if (cause.status !== undefined) return { kind: 'response', status: cause.status, headers: {} }
    if (cause.cause !== undefined) return { kind: 'error', error: cause.cause }
  }
  return { kind: 'response', status: 503, headers: {} }
}
