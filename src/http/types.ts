import type { Readable } from 'node:stream'

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

import type { FileReadObserver } from '../assets/read-tap.js'
import type { WriteWindow } from './request-pacer.js'

export type { FileReadObserver, ReadTap } from '../assets/read-tap.js'

/** A request body. Files are always streamed from disk (reopened on every attempt), never buffered. */
export type RequestBody =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'form'; readonly fields: Readonly<Record<string, string | readonly string[]>> }
  | {
      readonly kind: 'file'
      readonly path: string
      readonly size: number
      readonly contentType?: string
      readonly observer?: FileReadObserver
    }
  | {
      readonly kind: 'multipart'
      /** Form field carrying the file (e.g. `file`). */
      readonly field: string
      readonly path: string
      readonly size: number
      readonly filename: string
      readonly contentType?: string
      readonly fields?: Readonly<Record<string, string>>
      readonly observer?: FileReadObserver
    }

export type ResponseType = 'json' | 'text' | 'stream' | 'none'

export interface HttpRequest {
  readonly method: HttpMethod
  /** Absolute URL. */
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: RequestBody
  /**
   * Non-2xx statuses the caller handles itself: they are returned (after retries of retryable
   * statuses are exhausted) instead of thrown as HttpError. Example: [404] to probe existence.
   */
  readonly acceptStatus?: readonly number[]
  /** Default 'json' (an empty body parses to undefined). */
  readonly responseType?: ResponseType
  /**
   * Whether a repeat of this request is harmless. Defaults: GET, HEAD, PUT, DELETE true; POST,
   * PATCH false. A non-idempotent request is retried only when it certainly did not reach the
   * server (connection refused, 429); when the outcome is unknown (reset or timeout after
   * sending, 5xx) the transport throws OutcomeUnknownError so the caller can read, then decide.
   */
  readonly idempotent?: boolean
  /**
   * Called with the body bytes sent so far in this attempt (multipart framing included, so the
   * last call equals the Content-Length); a retry starts again from 0. Throttling is the caller's.
   */
  readonly onUploadProgress?: (sentBytes: number) => void
  /** Short label for logs and errors, e.g. "upload app.tar.gz". */
  readonly label?: string
}

export interface HttpResponse<T = unknown> {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** Parsed per responseType; a Readable for 'stream'. */
  readonly body: T
  /** Final URL after redirects (credentials never included). */
  readonly url: string
}

export interface Transport {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>
  /** Like request with responseType 'stream'; the caller must consume or destroy the stream. */
  stream(request: HttpRequest): Promise<HttpResponse<Readable>>
  /** Counters for the summary and the benchmark. */
  readonly stats: { requests: number; bytesSent: number; retries: number }
  close(): Promise<void>
}

export interface Credentials {
  /** Header(s) that carry the token, e.g. { 'PRIVATE-TOKEN': token }. */
  readonly headers: Readonly<Record<string, string>>
  /** Origins (scheme://host:port) that may receive the headers; any other gets none. */
  readonly origins: readonly string[]
}

export interface TransportOptions {
  readonly credentials?: Credentials
  /** Retries per request on retryable failures. */
  readonly retries: number
  /** A request that makes no progress (no bytes sent or received) for this long is aborted. */
  readonly timeoutMs: number
  /** Extra CA bundle (PEM file path) trusted besides the system store. */
  readonly caFile?: string
  readonly userAgent: string
  /** Upper bound of concurrent connections per origin. */
  readonly connections?: number
  /** Injected so tests can run retries at full speed. */
  readonly sleep?: (ms: number) => Promise<void>
  readonly random?: () => number
  readonly now?: () => number
  readonly onRetry?: (info: {
    label: string
    attempt: number
    delayMs: number
    reason: string
  }) => void
  readonly debug?: (message: string) => void
  /**
   * Environment read for HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) and
   * NODE_EXTRA_CA_CERTS. Defaults to process.env; tests inject their own.
   */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Backoff tuning; defaults: base 500 ms, cap 30 s, server-requested waits up to 5 min. */
  readonly retryTiming?: Partial<RetryTiming>
  /** The forge's documented limits on content-creating requests, paced before they are hit. */
  readonly writeWindows?: readonly WriteWindow[]
  /** Told when a request waits for a rate limit, and why. */
  readonly onPace?: (message: string, waitMs: number) => void
}

export interface RetryTiming {
  /** First backoff ceiling; doubles on every retry. */
  readonly baseMs: number
  /** Largest backoff ceiling. */
  readonly capMs: number
  /** Longest wait a server may ask for (Retry-After, rate-limit reset) before we give up. */
  readonly maxWaitMs: number
}
