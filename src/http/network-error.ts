import { ReleaseError } from '../errors.js'
import { redact } from '../secrets.js'
import type { HttpMethod } from './types.js'

export interface NetworkErrorOptions {
  readonly method: HttpMethod
  /** Already credential-free (see sanitizeUrl). */
  readonly url: string
  /** What went wrong, e.g. `ECONNREFUSED` or `no progress for 10 s`. */
  readonly reason: string
  readonly timeout: boolean
  readonly label?: string
  readonly detail?: string
  readonly hint?: string
  readonly cause?: unknown
}

/** No usable answer: the connection failed, broke, or made no progress for too long. */
export class NetworkError extends ReleaseError {
  readonly method: HttpMethod
  readonly url: string
  readonly reason: string

  constructor(options: NetworkErrorOptions) {
    const prefix = options.label === undefined ? '' : `${options.label}: `
    const detail = options.detail === undefined ? '' : ` (${options.detail})`
    super({
      code: options.timeout ? 'TIMEOUT' : 'NETWORK',
      message: redact(
        `${prefix}${options.method} ${options.url} failed: ${options.reason}${detail}.`,
      ),
      hint:
        options.hint ??
        (options.timeout
          ? 'The server stopped responding; raise timeout_seconds or re-run the job.'
          : 'Check that the server is reachable from this runner (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).'),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    })
    this.name = 'NetworkError'
    this.method = options.method
    this.url = redact(options.url)
    this.reason = redact(options.reason)
  }
}
