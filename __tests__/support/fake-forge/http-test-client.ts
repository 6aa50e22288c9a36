/** A bare HTTP helper for the fake forge's own tests: one call, the parsed answer, nothing hidden. */

export interface CallOptions {
  /** Sent as `PRIVATE-TOKEN` unless `auth` says otherwise. */
  readonly token?: string
  readonly auth?: 'private' | 'job' | 'bearer'
  /** JSON body (sets Content-Type). */
  readonly json?: unknown
  /** Form body (`application/x-www-form-urlencoded`). */
  readonly form?: string
  readonly body?: Buffer | string | FormData
  readonly headers?: Record<string, string>
  /** A browser session cookie (`_gitlab_session`) for GitLab's web pages, which take no token. */
  readonly session?: string
  readonly signal?: AbortSignal
  readonly redirect?: FetchInit['redirect']
}

export interface CallResult {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly body: unknown
  /** The body as a loose record, for property assertions. */
  readonly json: Record<string, unknown>
}

type FetchInit = NonNullable<Parameters<typeof fetch>[1]>

const AUTH_HEADER = { private: 'PRIVATE-TOKEN', job: 'JOB-TOKEN' } as const

export const call = async (
  url: string,
  method: string,
  options: CallOptions = {},
): Promise<CallResult> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.session !== undefined) headers.cookie = `_gitlab_session=${options.session}`
  if (options.token !== undefined) {
    if (options.auth === 'bearer') headers.authorization = `Bearer ${options.token}`
    else headers[AUTH_HEADER[options.auth ?? 'private']] = options.token
  }
  let body: FetchInit['body']
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = options.form
  } else if (options.body !== undefined) {
    body = options.body
  }
  const res = await fetch(url, {
    method,
    headers,
    body,
    signal: options.signal,
    redirect: options.redirect ?? 'manual',
  })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  const json =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
  return { status: res.status, headers: res.headers, text, body: parsed, json }
}
