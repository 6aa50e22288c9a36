import { Readable } from 'node:stream'

import type { Dispatcher } from 'undici'

import { ReleaseError } from '../errors.js'
import { redact } from '../secrets.js'
import { createCredentialPolicy, crossesOrigin } from './credential-policy.js'
import { createDispatcher } from './create-dispatcher.js'
import { formatDuration } from './format-duration.js'
import { RequestPacer } from './request-pacer.js'
import { HttpError } from './http-error.js'
import { startWatchdog, type Watchdog } from './inactivity-watchdog.js'
import { NetworkError } from './network-error.js'
import { OutcomeUnknownError } from './outcome-unknown-error.js'
import { prepareBody, type OpenedBody, type PreparedBody } from './request-body.js'
import {
  classifyRetry,
  isRateLimitAnswer,
  defaultRetryTiming,
  isCertificateError,
  isTimeoutError,
  type RetryDecision,
  type RetryFailure,
  type RetryPolicyOptions,
} from './retry-policy.js'
import { sanitizeUrl } from './sanitize-url.js'
import { renderServerMessage } from './server-message.js'
import type {
  HttpMethod,
  HttpRequest,
  HttpResponse,
  ResponseType,
  Transport,
  TransportOptions,
} from './types.js'
import { plural } from '../plural.js'

const DEFAULT_CONNECTIONS = 16
const MAX_REDIRECTS = 5
/** Enough for any API error message; a bigger error body is cut, not buffered. */
const ERROR_BODY_LIMIT = 1024 * 1024
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
const IDEMPOTENT: Readonly<Record<HttpMethod, boolean>> = {
  GET: true,
  HEAD: true,
  PUT: true,
  DELETE: true,
  POST: false,
  PATCH: false,
}

/** One attempt's end: a usable response, or a status the retry policy has to judge. */
type AttemptResult =
  | { readonly kind: 'done'; readonly response: HttpResponse<unknown> }
  | {
      readonly kind: 'failed'
      readonly status: number
      readonly headers: Readonly<Record<string, string>>
      readonly text: string
      readonly url: URL
    }

/**
 * The HTTP transport for GitLab and Gongfeng, on undici: streamed bodies with exact lengths,
 * retries per retry-policy.ts, an inactivity watchdog, token pinning across redirects, proxies
 * from the environment and an extra CA bundle. See types.ts for the contract.
 */
export function createTransport(options: TransportOptions): Transport {
  return new UndiciTransport(options)
}

/**
 * The state one transport keeps: its connection pools, credential policy, retry policy, pacer
 * and counters. Methods, not closures, so each part reads on its own.
 */
class UndiciTransport implements Transport {
  readonly stats = { requests: 0, bytesSent: 0, retries: 0 }
  private readonly dispatcher: Dispatcher
  private readonly credentials: ReturnType<typeof createCredentialPolicy>
  private readonly policy: RetryPolicyOptions
  private readonly sleep: (ms: number) => Promise<void>
  private readonly pacer: RequestPacer

  constructor(private readonly options: TransportOptions) {
    this.dispatcher = createDispatcher({
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      bodyTimeoutMs: options.timeoutMs,
      env: options.env ?? process.env,
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    })
    this.credentials = createCredentialPolicy(options.credentials)
    this.policy = {
      ...defaultRetryTiming,
      ...options.retryTiming,
      retries: options.retries,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
    }
    this.sleep = options.sleep ?? defaultSleep
    this.pacer = new RequestPacer({
      writeWindows: options.writeWindows ?? [],
      now: this.policy.now,
      sleep: this.sleep,
      onWait: (message, waitMs) => options.onPace?.(message, waitMs),
    })
  }

  request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    return this.execute(request, request.responseType ?? 'json') as Promise<HttpResponse<T>>
  }

  stream(request: HttpRequest): Promise<HttpResponse<Readable>> {
    return this.execute(request, 'stream') as Promise<HttpResponse<Readable>>
  }

  close(): Promise<void> {
    return this.dispatcher.close()
  }

  private debug(message: string): void {
    this.options.debug?.(redact(message))
  }

  private async execute(
    request: HttpRequest,
    responseType: ResponseType,
  ): Promise<HttpResponse<unknown>> {
    const target = parseRequestUrl(request)
    const safeUrl = sanitizeUrl(target)
    const idempotent = request.idempotent ?? IDEMPOTENT[request.method]
    const prepared = request.body === undefined ? undefined : prepareBody(request.body)
    // Waits a rate limit asked for do not use up `retries`: the limit is waited out, not failed.
    let rateLimited = 0
    for (let attempt = 0; ; attempt++) {
      let failure: RetryFailure
      let failed: Extract<AttemptResult, { kind: 'failed' }> | undefined
      try {
        const result = await this.attemptOnce(request, target, prepared, responseType)
        if (result.kind === 'done') return result.response
        failed = result
        failure = {
          kind: 'response',
          status: result.status,
          headers: result.headers,
          bodyText: result.text,
        }
      } catch (error) {
        // Our own errors (a file that changed, too many redirects) are already final.
        if (error instanceof ReleaseError) throw error
        failure = { kind: 'error', error }
      }
      if (isRateLimited(failure) && rateLimited < MAX_RATE_LIMIT_WAITS) rateLimited += 1
      const decision = classifyRetry(
        { attempt: attempt - Math.min(rateLimited, attempt), failure, idempotent },
        this.policy,
      )
      if (decision.retry) {
        this.stats.retries += 1
        const label = redact(request.label ?? `${request.method} ${safeUrl}`)
        const info = {
          label,
          attempt: attempt + 1,
          delayMs: decision.delayMs,
          reason: redact(decision.reason),
        }
        this.debug(
          `Retrying ${label} in ${formatDuration(decision.delayMs)} (${info.reason}), retry ${info.attempt} of ${this.options.retries}`,
        )
        this.options.onRetry?.(info)
        await this.sleep(decision.delayMs)
        continue
      }
      if (failed !== undefined && request.acceptStatus?.includes(failed.status) === true) {
        return acceptedResponse(failed, responseType)
      }
      throw this.buildError(request, safeUrl, decision, failure, failed)
    }
  }

  private async attemptOnce(
    request: HttpRequest,
    target: URL,
    prepared: PreparedBody | undefined,
    responseType: ResponseType,
  ): Promise<AttemptResult> {
    const watchdog = startWatchdog(this.options.timeoutMs)
    let opened: OpenedBody | undefined
    let url = target
    // Sticky: once a redirect left the origin, a later hop back does not earn the token again.
    let credentialsDropped = false
    try {
      for (let hop = 0; ; hop++) {
        let sent = 0
        opened = await prepared?.open((bytes) => {
          sent += bytes
          this.stats.bytesSent += bytes
          watchdog.touch()
          request.onUploadProgress?.(sent)
        })
        if (hop === 0) await this.pacer.beforeRequest(request.method)
        this.stats.requests += 1
        const size = prepared === undefined ? '' : ` (${plural(prepared.length, 'byte')})`
        this.debug(`${request.method} ${sanitizeUrl(url)}${size}`)
        const response = await this.dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: this.buildHeaders(request, url, prepared, responseType, credentialsDropped),
          body: opened?.body ?? null,
          signal: watchdog.signal,
        })
        watchdog.touch()
        const status = response.statusCode
        this.debug(`${request.method} ${sanitizeUrl(url)} answered ${status}`)
        const next = readRedirect(request, response, url)
        if (next !== undefined) {
          await response.body.dump()
          opened?.close()
          if (hop >= MAX_REDIRECTS) {
            throw new HttpError({
              method: request.method,
              url: sanitizeUrl(url),
              status,
              detail: `more than ${MAX_REDIRECTS} redirects`,
              hint: 'Check api_url: it should point at the API itself, not at a page that redirects.',
              ...labelOf(request),
            })
          }
          if (crossesOrigin(url, next)) credentialsDropped = true
          url = next
          continue
        }
        const headers = flattenHeaders(response.headers)
        if (status >= 200 && status < 300) {
          this.pacer.observe(headers)
          return {
            kind: 'done',
            response: await readSuccess(request, response, url, headers, responseType, watchdog),
          }
        }
        const text = await readText(response.body, watchdog, ERROR_BODY_LIMIT)
        return { kind: 'failed', status, headers, text, url }
      }
    } finally {
      watchdog.stop()
      opened?.close()
    }
  }

  private buildHeaders(
    request: HttpRequest,
    url: URL,
    prepared: PreparedBody | undefined,
    responseType: ResponseType,
    credentialsDropped: boolean,
  ): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent }
    if (responseType === 'json') headers['accept'] = 'application/json'
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (credentialsDropped && this.credentials.isCredentialHeader(name)) continue
      headers[name.toLowerCase()] = value
    }
    if (!credentialsDropped) {
      for (const [name, value] of Object.entries(this.credentials.headersFor(url))) {
        headers[name.toLowerCase()] = value
      }
    }
    // The body's own type and exact length win: a wrong length corrupts the upload.
    Object.assign(headers, prepared?.headers)
    return headers
  }

  private buildError(
    request: HttpRequest,
    safeUrl: string,
    decision: Extract<RetryDecision, { retry: false }>,
    failure: RetryFailure,
    failed: Extract<AttemptResult, { kind: 'failed' }> | undefined,
  ): ReleaseError {
    const label = labelOf(request)
    const detail =
      decision.why === 'exhausted' && this.options.retries > 0
        ? {
            detail: `gave up after ${this.options.retries} ${this.options.retries === 1 ? 'retry' : 'retries'}`,
          }
        : {}
    if (failed === undefined) {
      const error = failure.kind === 'error' ? failure.error : undefined
      const timeout = isTimeoutError(error)
      if (decision.why === 'outcome-unknown') {
        return new OutcomeUnknownError({
          method: request.method,
          url: safeUrl,
          code: timeout ? 'TIMEOUT' : 'NETWORK',
          reason: `${decision.reason} after the request was sent`,
          cause: error,
          ...label,
        })
      }
      return new NetworkError({
        method: request.method,
        url: safeUrl,
        reason: decision.reason,
        timeout,
        cause: error,
        ...label,
        ...detail,
        ...(isCertificateError(error)
          ? { hint: 'Set ca_file to the PEM bundle of the CA that signed the server certificate.' }
          : {}),
      })
    }
    const body = parseLoosely(failed.text)
    const serverMessage = renderServerMessage(body)
    const failedUrl = sanitizeUrl(failed.url)
    if (decision.why === 'outcome-unknown') {
      return new OutcomeUnknownError({
        method: request.method,
        url: failedUrl,
        code: 'HTTP',
        status: failed.status,
        reason: `HTTP ${failed.status}${serverMessage === undefined ? '' : ` (${serverMessage})`}`,
        ...label,
      })
    }
    const tooLong =
      decision.why === 'wait-too-long' && decision.serverWaitMs !== undefined
        ? {
            detail: `the server asked to wait ${formatDuration(decision.serverWaitMs)}, longer than the ${formatDuration(this.policy.maxWaitMs)} this tool waits`,
            hint: 'The server is rate limiting or in maintenance; re-run the job later.',
          }
        : {}
    return new HttpError({
      method: request.method,
      url: failedUrl,
      status: failed.status,
      body,
      ...optionalMessage(serverMessage),
      ...label,
      ...detail,
      ...tooLong,
    })
  }
}

function parseRequestUrl(request: HttpRequest): URL {
  try {
    const url = new URL(request.url)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url
  } catch {
    // reported below
  }
  throw new ReleaseError({
    code: 'INTERNAL',
    message: `${request.method} ${sanitizeUrl(request.url)}: not an absolute http(s) URL`,
  })
}

/** Redirects are followed for GET and HEAD only, and never when the caller accepts the 3xx. */
function readRedirect(
  request: HttpRequest,
  response: Dispatcher.ResponseData,
  from: URL,
): URL | undefined {
  const status = response.statusCode
  if (!REDIRECT_STATUSES.has(status)) return undefined
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
  if (request.acceptStatus?.includes(status) === true) return undefined
  const location = response.headers['location']
  const value = Array.isArray(location) ? location[0] : location
  if (value === undefined || value === '') return undefined
  let next: URL
  try {
    next = new URL(value, from)
  } catch {
    return undefined
  }
  return next.protocol === 'http:' || next.protocol === 'https:' ? next : undefined
}

async function readSuccess(
  request: HttpRequest,
  response: Dispatcher.ResponseData,
  url: URL,
  headers: Readonly<Record<string, string>>,
  responseType: ResponseType,
  watchdog: Watchdog,
): Promise<HttpResponse<unknown>> {
  const base = { status: response.statusCode, headers, url: sanitizeUrl(url) }
  // Undici's bodyTimeout (paused while the consumer applies backpressure) guards the stream.
  if (responseType === 'stream') return { ...base, body: response.body }
  if (responseType === 'none' || request.method === 'HEAD') {
    await response.body.dump()
    return { ...base, body: undefined }
  }
  const text = await readText(response.body, watchdog, Number.POSITIVE_INFINITY)
  if (responseType === 'text') return { ...base, body: text }
  if (text.trim() === '') return { ...base, body: undefined }
  try {
    return { ...base, body: JSON.parse(text) as unknown }
  } catch (error) {
    throw new HttpError({
      method: request.method,
      url: base.url,
      status: response.statusCode,
      detail: `the answer is not JSON (${headers['content-type'] ?? 'no content type'})`,
      hint: 'Check api_url: it should be the API root (…/api/v4 or …/api/v3), and no proxy or login page should answer instead.',
      ...optionalMessage(renderServerMessage(text.slice(0, 1000))),
      cause: error,
      ...labelOf(request),
    })
  }
}

function acceptedResponse(
  failed: Extract<AttemptResult, { kind: 'failed' }>,
  responseType: ResponseType,
): HttpResponse<unknown> {
  const base = { status: failed.status, headers: failed.headers, url: sanitizeUrl(failed.url) }
  switch (responseType) {
    case 'stream':
      return { ...base, body: Readable.from([Buffer.from(failed.text, 'utf8')]) }
    case 'none':
      return { ...base, body: undefined }
    case 'text':
      return { ...base, body: failed.text }
    case 'json':
      return { ...base, body: parseLoosely(failed.text) }
  }
}

/** Error bodies are JSON from the API and text from proxies and throttles (`Retry later`). */
function parseLoosely(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

async function readText(body: Readable, watchdog: Watchdog, limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    watchdog.touch()
    const buffer = chunk as Buffer
    size += buffer.length
    chunks.push(buffer)
    // Leaving the loop destroys the body: the rest is not worth a connection's time.
    if (size >= limit) break
  }
  return Buffer.concat(chunks).toString('utf8')
}

function flattenHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function optionalMessage(serverMessage: string | undefined): { serverMessage?: string } {
  return serverMessage === undefined ? {} : { serverMessage }
}

function labelOf(request: HttpRequest): { label?: string } {
  return request.label === undefined ? {} : { label: request.label }
}

/** A rate limit that keeps answering is given up on after this many waits all the same. */
const MAX_RATE_LIMIT_WAITS = 20

function isRateLimited(failure: RetryFailure): boolean {
  return (
    failure.kind === 'response' &&
    (failure.status === 429 || isRateLimitAnswer(failure.status, failure.headers, failure.bodyText))
  )
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
