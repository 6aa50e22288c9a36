import { type ErrorCode, ReleaseError } from '../errors.js'
import { redact } from '../secrets.js'
import type { HttpMethod } from './types.js'

export interface OutcomeUnknownErrorOptions {
  readonly method: HttpMethod
  /** Already credential-free (see sanitizeUrl). */
  readonly url: string
  /** What happened after the request may have reached the server. */
  readonly reason: string
  /** The status when the server answered (a 5xx), undefined when the connection broke. */
  readonly status?: number
  readonly code: Extract<ErrorCode, 'HTTP' | 'NETWORK' | 'TIMEOUT'>
  readonly label?: string
  readonly cause?: unknown
}

/**
 * A non-idempotent write (POST, PATCH) failed after it may have reached the server, so it may or
 * may not have been applied. The transport never repeats it blindly: the caller reads the
 * current state, then decides (see STYLE.md, "Idempotency and races live in one place").
 */
export class OutcomeUnknownError extends ReleaseError {
  readonly method: HttpMethod
  readonly url: string
  readonly status: number | undefined
  readonly reason: string

  constructor(options: OutcomeUnknownErrorOptions) {
    const prefix = options.label === undefined ? '' : `${options.label}: `
    super({
      code: options.code,
      message: redact(
        `${prefix}${options.method} ${options.url} may or may not have been applied: ${options.reason}.`,
      ),
      hint: 'Re-running the job is safe: it reads the current state before writing again.',
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    })
    this.name = 'OutcomeUnknownError'
    this.method = options.method
    this.url = redact(options.url)
    this.status = options.status
    this.reason = redact(options.reason)
  }
}
