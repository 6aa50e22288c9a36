import { formatDuration } from './format-duration.js'
import { INACTIVITY_TIMEOUT_CODE } from './inactivity-watchdog.js'
import type { RetryTiming } from './types.js'

/**
 * The one retry policy, shared by the undici transport (GitLab, Gongfeng) and the Octokit
 * adapter (GitHub). Pure: time and randomness come in through the options.
 *
 * Retryable: network errors, our inactivity timeout, 408, 429, 500, 502, 503, 504, and GitHub's
 * rate-limit 403. Everything else is final.
 *
 * Non-idempotent requests (POST, PATCH) are retried only when the server certainly did not
 * act on them: the connection was never made (refused, DNS, connect timeout, unreachable), or
 * the server said it did not process it: 408, 429, GitHub's rate-limit 403, and 503 *with*
 * Retry-After. That last one is a judgement call: RFC 9110 §15.6.4 defines 503 as "unable to
 * handle the request", and a Retry-After means the server (or its load balancer, as in GitLab's
 * maintenance mode) is asking us to come back, not reporting a half-done job. A bare 503, 500,
 * 502, 504, a reset or a timeout after sending may have landed: `outcome-unknown`.
 */

export const defaultRetryTiming: RetryTiming = {
  baseMs: 500,
  capMs: 30_000,
  maxWaitMs: 5 * 60_000,
}

export interface RetryPolicyOptions extends RetryTiming {
  /** Retries allowed after the first attempt. */
  readonly retries: number
  /** In [0, 1), like Math.random. */
  readonly random: () => number
  /** Epoch milliseconds, like Date.now. */
  readonly now: () => number
}

export type HeaderValue = string | number | readonly string[] | undefined
/** Response headers in any case; Octokit's (string | number) and undici's (string | string[]) both fit. */
export type ResponseHeaders = Readonly<Record<string, HeaderValue>>

export type RetryFailure =
  | { readonly kind: 'error'; readonly error: unknown }
  | {
      readonly kind: 'response'
      readonly status: number
      readonly headers: ResponseHeaders
      /** The start of the body, to recognise GitHub's secondary rate limit. */
      readonly bodyText?: string
    }

export interface RetryInput {
  /** Retries already made for this request: 0 after the first attempt failed. */
  readonly attempt: number
  readonly failure: RetryFailure
  /** Whether repeating the request is harmless (GET, HEAD, PUT, DELETE). */
  readonly idempotent: boolean
}

/**
 * Why a failure is not retried:
 * - `final`: not a transient failure (4xx, TLS trust, malformed request);
 * - `exhausted`: transient, but the retries are used up;
 * - `wait-too-long`: the server asked to wait longer than maxWaitMs (see serverWaitMs);
 * - `outcome-unknown`: a non-idempotent request may have been applied.
 */
export type GiveUpReason = 'final' | 'exhausted' | 'wait-too-long' | 'outcome-unknown'

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number; readonly reason: string }
  | {
      readonly retry: false
      readonly why: GiveUpReason
      /** The failure in words, e.g. `HTTP 503` or `connection reset (ECONNRESET)`. */
      readonly reason: string
      /** What the server asked for, when it asked (always set for `wait-too-long`). */
      readonly serverWaitMs?: number
    }

export function classifyRetry(input: RetryInput, options: RetryPolicyOptions): RetryDecision {
  const failure = describeFailure(input.failure, options.now())
  const { reason } = failure
  if (!failure.retryable) return { retry: false, why: 'final', reason }
  if (!input.idempotent && !failure.unprocessed) {
    return { retry: false, why: 'outcome-unknown', reason }
  }
  const waitMs = failure.serverWaitMs
  const withWait = waitMs === undefined ? {} : { serverWaitMs: waitMs }
  if (input.attempt >= options.retries)
    return { retry: false, why: 'exhausted', reason, ...withWait }
  if (waitMs !== undefined && waitMs > options.maxWaitMs) {
    return { retry: false, why: 'wait-too-long', reason, serverWaitMs: waitMs }
  }
  const random = clampUnit(options.random())
  if (waitMs !== undefined) {
    // A little jitter on top, so parallel uploads told the same instant do not return in a herd.
    const jitter = random * Math.min(options.baseMs, 1000)
    return {
      retry: true,
      delayMs: waitMs + jitter,
      reason: `${reason}, server asked to wait ${formatDuration(waitMs)}`,
    }
  }
  // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** input.attempt)
  return { retry: true, delayMs: random * ceiling, reason }
}

/**
 * GitHub's rate limits answer 403 (or 429) with `x-ratelimit-remaining: 0` (primary) or a body
 * mentioning the secondary rate limit; a plain 403 is a permission problem and final.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export function isRateLimitAnswer(
  status: number,
  headers: ResponseHeaders,
  bodyText: string | undefined,
): boolean {
  if (status !== 403 && status !== 429) return false
  if (readHeader(headers, 'x-ratelimit-remaining') === '0') return true
  return bodyText !== undefined && SECONDARY_LIMIT.test(bodyText)
}

/**
 * How long the server asked us to wait, in ms: Retry-After (seconds or HTTP-date), else on a
 * rate-limited answer GitHub's x-ratelimit-reset (epoch seconds, when remaining is 0) or
 * GitLab's RateLimit-Reset (epoch seconds), else one minute for GitHub's secondary limit (its
 * documented minimum). Undefined when the server did not say.
 */
export function readServerWaitMs(
  status: number,
  headers: ResponseHeaders,
  bodyText: string | undefined,
  now: number,
): number | undefined {
  const retryAfter = parseRetryAfter(readHeader(headers, 'retry-after'), now)
  if (retryAfter !== undefined) return retryAfter
  const rateLimited = isRateLimitAnswer(status, headers, bodyText)
  if (status !== 429 && !rateLimited) return undefined
  if (readHeader(headers, 'x-ratelimit-remaining') === '0') {
    const reset = parseReset(readHeader(headers, 'x-ratelimit-reset'), now)
    if (reset !== undefined) return reset
  }
  const gitLabReset = parseReset(readHeader(headers, 'ratelimit-reset'), now)
  if (gitLabReset !== undefined) return gitLabReset
  if (bodyText !== undefined && SECONDARY_LIMIT.test(bodyText)) return 60_000
  return undefined
}

/**
 * The classifier's input for a thrown error, in particular Octokit's RequestError: one with a
 * `response` (status, headers, data) is judged by its status; one without (Octokit reports a
 * failed fetch as status 500 with no response) by the network error in its cause chain.
 */
export function failureFromError(error: unknown): RetryFailure {
  const response = (error as { response?: unknown } | null)?.response
  if (typeof response === 'object' && response !== null) {
    const { status, headers, data } = response as {
      status?: unknown
      headers?: unknown
      data?: unknown
    }
    if (typeof status === 'number') {
      const bodyText =
        typeof data === 'string' ? data : data === undefined ? undefined : JSON.stringify(data)
      return {
        kind: 'response',
        status,
        headers:
          typeof headers === 'object' && headers !== null ? (headers as ResponseHeaders) : {},
        ...(bodyText === undefined ? {} : { bodyText }),
      }
    }
  }
  return { kind: 'error', error }
}

/** Whether a thrown error is a timeout (ours or undici's), for the TIMEOUT error code. */
export function isTimeoutError(error: unknown): boolean {
  const code = findErrorCode(error)
  return code !== undefined && TIMEOUT_CODES.has(code)
}

/** Whether a thrown error is a TLS trust failure, which `ca_file` fixes. */
export function isCertificateError(error: unknown): boolean {
  const code = findErrorCode(error)
  return code !== undefined && (CERTIFICATE_CODES.has(code) || code.startsWith('ERR_TLS_CERT'))
}

/** A thrown error in words, e.g. `connection refused (ECONNREFUSED)`. */
export function describeNetworkError(error: unknown): string {
  const code = findErrorCode(error)
  if (code === INACTIVITY_TIMEOUT_CODE && error instanceof Error) return error.message
  const known = code === undefined ? undefined : CODE_WORDS[code]
  if (known !== undefined) return `${known} (${code})`
  const message = error instanceof Error ? error.message : String(error)
  return code === undefined || message.includes(code) ? message : `${message} (${code})`
}

interface DescribedFailure {
  readonly retryable: boolean
  /** Certainly not acted on by the server. */
  readonly unprocessed: boolean
  readonly reason: string
  readonly serverWaitMs?: number
}

function describeFailure(failure: RetryFailure, now: number): DescribedFailure {
  if (failure.kind === 'error') {
    const code = findErrorCode(failure.error)
    const retryable = code !== undefined && (RETRYABLE_CODES.has(code) || UNSENT_CODES.has(code))
    return {
      retryable: retryable || hasHangUpMessage(failure.error),
      unprocessed: code !== undefined && UNSENT_CODES.has(code),
      reason: describeNetworkError(failure.error),
    }
  }
  const { status, headers, bodyText } = failure
  const waitMs = readServerWaitMs(status, headers, bodyText, now)
  const withWait = waitMs === undefined ? {} : { serverWaitMs: waitMs }
  if (status === 429 || status === 408) {
    return { retryable: true, unprocessed: true, reason: `HTTP ${status}`, ...withWait }
  }
  if (isRateLimitAnswer(status, headers, bodyText)) {
    return {
      retryable: true,
      unprocessed: true,
      reason: `HTTP ${status} (rate limited)`,
      ...withWait,
    }
  }
  if (status === 503) {
    const askedToWait = readHeader(headers, 'retry-after') !== undefined && waitMs !== undefined
    return { retryable: true, unprocessed: askedToWait, reason: `HTTP ${status}`, ...withWait }
  }
  if (status === 500 || status === 502 || status === 504) {
    return { retryable: true, unprocessed: false, reason: `HTTP ${status}`, ...withWait }
  }
  return { retryable: false, unprocessed: false, reason: `HTTP ${status}` }
}

const SECONDARY_LIMIT = /secondary rate limit|abuse detection/i

/** Failures before a connection existed: the request never left. */
const UNSENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
])

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  INACTIVITY_TIMEOUT_CODE,
])

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  INACTIVITY_TIMEOUT_CODE,
])

const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
])

const CODE_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ENETDOWN: 'network down',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'connection aborted',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'server certificate not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'server certificate issuer not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed server certificate',
  CERT_HAS_EXPIRED: 'server certificate expired',
}

/** The first recognisable `code` on the error, its causes, or an AggregateError's members. */
function findErrorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof code === 'string' && isKnownCode(code)) return code
  const fromCause = findErrorCode(cause, depth + 1)
  if (fromCause !== undefined) return fromCause
  if (Array.isArray(errors)) {
    for (const member of errors) {
      const fromMember = findErrorCode(member, depth + 1)
      if (fromMember !== undefined) return fromMember
    }
  }
  return typeof code === 'string' ? code : undefined
}

function isKnownCode(code: string): boolean {
  return (
    RETRYABLE_CODES.has(code) ||
    UNSENT_CODES.has(code) ||
    CERTIFICATE_CODES.has(code) ||
    code.startsWith('ERR_TLS_CERT')
  )
}

function hasHangUpMessage(error: unknown, depth = 0): boolean {
  if (depth > 5 || !(error instanceof Error)) return false
  if (/socket hang up|other side closed/i.test(error.message)) return true
  return hasHangUpMessage(error.cause, depth + 1)
}

function readHeader(headers: ResponseHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : value[0]
    return text?.trim()
  }
  return undefined
}

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value === '') return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Epoch seconds per both vendors' docs; a small number is read as seconds-from-now, which is
 * what the IETF RateLimit header draft (and some proxies in front of GitLab) send.
 */
function parseReset(value: string | undefined, now: number): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined
  const seconds = Number(value)
  return seconds > 1e9 ? Math.max(0, seconds * 1000 - now) : seconds * 1000
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0
}
