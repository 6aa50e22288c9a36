import { type ErrorCode, ReleaseError } from '../errors.js'
import { redact } from '../secrets.js'
import type { HttpMethod } from './types.js'

export interface HttpErrorOptions {
  readonly method: HttpMethod
  /** Already credential-free (see sanitizeUrl). */
  readonly url: string
  readonly status: number
  readonly serverMessage?: string
  /** The parsed error body, kept so adapters can inspect structured validation errors. */
  readonly body?: unknown
  readonly label?: string
  /** Why the transport stopped retrying, when it did retry or could have. */
  readonly detail?: string
  readonly hint?: string
  readonly cause?: unknown
}

/**
 * The server answered with a status the caller did not accept. Carries method, status, a
 * credential-free URL and the server's own message; never request or response headers.
 */
export class HttpError extends ReleaseError {
  readonly status: number
  readonly method: HttpMethod
  readonly url: string
  readonly serverMessage: string | undefined
  readonly body: unknown

  constructor(options: HttpErrorOptions) {
    const server = options.serverMessage === undefined ? '' : `: ${options.serverMessage}`
    const detail = options.detail === undefined ? '' : ` (${options.detail})`
    const prefix = options.label === undefined ? '' : `${options.label}: `
    super({
      code: codeForStatus(options.status),
      message: redact(
        `${prefix}${options.method} ${options.url} failed with HTTP ${options.status}${server}${detail}.`,
      ),
      hint: options.hint ?? hintForStatus(options.status),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    })
    this.name = 'HttpError'
    this.status = options.status
    this.method = options.method
    this.url = redact(options.url)
    this.serverMessage = options.serverMessage
    this.body = redactDeep(options.body)
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'AUTH'
  if (status === 403) return 'FORBIDDEN'
  if (status === 404) return 'NOT_FOUND'
  return 'HTTP'
}

function hintForStatus(status: number): string | undefined {
  if (status === 401) {
    return 'Check that the token is valid, not expired, and that token_type matches it (private, job or bearer).'
  }
  if (status === 403) {
    return 'The token is valid but lacks permission for this action: give it the api scope (GitLab/Gongfeng) or contents: write (GitHub), or a role that may create releases.'
  }
  if (status === 404) {
    return 'Check api_url and project; a private project also answers 404 to a token that cannot see it.'
  }
  if (status === 429)
    return 'The server is rate limiting this token; re-run later or lower max_parallel_uploads.'
  if (status >= 500) return 'The server failed; re-running the job is safe.'
  return undefined
}

function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) return value.map(redactDeep)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redactDeep(entry)]))
  }
  return value
}
