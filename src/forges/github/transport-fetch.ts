import { ReleaseError } from '../../errors.js'
import type { HttpMethod, HttpRequest, RequestBody, Transport } from '../../http/types.js'
import { StreamedFile } from './streamed-file.js'

/** A request header that names the request in logs and errors; removed before sending. */
export const LABEL_HEADER = 'x-forge-release-label'

/** Statuses whose Response must not have a body (fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

const METHODS = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])

export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>

export interface TransportFetchOptions {
  readonly http: Transport
  /**
   * Whether the Authorization header Octokit puts on every request may go to `origin`. The
   * transport adds its own credentials for the API origin; anything else Octokit is asked to
   * call (the upload host) must be allowed here, or the header is dropped.
   */
  readonly mayAuthorize: (origin: string) => boolean
}

/**
 * Octokit's `request.fetch`, backed by the shared transport: every GitHub request gets the same
 * retry policy (rate limits, Retry-After, 5xx, network errors; a POST only when it certainly did
 * not land), inactivity timeout, proxies, CA bundle, credential pinning and redirect handling
 * (credentials dropped across origins) as GitLab and Gongfeng requests. A status the transport
 * does not accept arrives as its HttpError (a ReleaseError without headers): Octokit wraps it
 * in a RequestError whose `cause` the adapter rethrows.
 */
export function createTransportFetch(options: TransportFetchOptions): FetchFunction {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input.href
    const method = toMethod(init.method)
    const headers = toHeaderRecord(init.headers)
    const label = headers[LABEL_HEADER]
    delete headers[LABEL_HEADER]
    // The transport's own User-Agent (forge-release/<version>) is used for every forge.
    delete headers['user-agent']
    if (!options.mayAuthorize(new URL(url).origin)) delete headers['authorization']
    const body = toRequestBody(init.body)
    const request: HttpRequest = {
      method,
      url,
      headers,
      ...(body === undefined ? {} : { body: body.body }),
      ...(body?.onProgress === undefined ? {} : { onUploadProgress: body.onProgress }),
      // GitHub's PATCHes set fields to given values: repeating one is harmless.
      ...(method === 'PATCH' ? { idempotent: true } : {}),
      ...(label === undefined ? {} : { label }),
    }
    const response = await options.http.stream(request)
    const empty = method === 'HEAD' || NULL_BODY_STATUSES.has(response.status)
    // Read to its (empty) end: destroying an undici body reports an abort nobody listens to.
    if (empty) response.body.resume()
    // ReadableStream.from hands on undici's chunks as they are; Readable.toWeb copies each one,
    // which for a megabytes-long list of releases left as much again for the collector (a
    // 1000-file run after three such releases peaked 10-14 MiB higher).
    const answer = empty ? null : (ReadableStream.from(response.body) as ReadableStream)
    return new Response(answer, {
      status: response.status,
      headers: response.headers,
    })
  }
}

function toMethod(method: string | undefined): HttpMethod {
  const upper = (method ?? 'GET').toUpperCase()
  if (!METHODS.has(upper)) {
    throw new ReleaseError({ code: 'INTERNAL', message: `Unsupported HTTP method ${upper}` })
  }
  return upper as HttpMethod
}

function toHeaderRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {}
  if (headers === undefined) return record
  const entries: Iterable<[string, string]> =
    headers instanceof Headers
      ? headers.entries()
      : Array.isArray(headers)
        ? (headers as [string, string][])
        : Object.entries(headers as Record<string, string>)
  for (const [name, value] of entries) record[name.toLowerCase()] = String(value)
  return record
}

function toRequestBody(
  body: unknown,
): { body: RequestBody; onProgress?: (sent: number) => void } | undefined {
  if (body === undefined || body === null || body === '') return undefined
  if (body instanceof StreamedFile) {
    return {
      body: {
        kind: 'file',
        path: body.path,
        size: body.size,
        contentType: body.contentType,
        ...(body.observer === undefined ? {} : { observer: body.observer }),
      },
      ...(body.onProgress === undefined ? {} : { onProgress: body.onProgress }),
    }
  }
  if (typeof body === 'string') {
    // Octokit serialises parameters as JSON; the transport re-serialises them with an exact length.
    return { body: { kind: 'json', value: JSON.parse(body) as unknown } }
  }
  throw new ReleaseError({
    code: 'INTERNAL',
    message: 'A GitHub request body must be JSON parameters or a StreamedFile',
  })
}
