/**
 * Every request the fake server received, in arrival order, so tests can assert on what the
 * client actually sent: "no request at all" for bad input, "no write" for a dry run, how many
 * uploads happened, and that no header ever carried the token to the wrong place.
 */

export interface LoggedRequest {
  readonly method: string
  /** Raw path with query string, exactly as sent (not decoded). */
  readonly path: string
  /** Lower-cased header names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  /** Body bytes the server has read so far (final once the response has been sent). */
  bodyBytes: number
  /** `Date.now()` when the request line arrived. */
  readonly startedAt: number
  /** Status of the response, once its headers were written. */
  status?: number
  /** Set when an injected fault handled this request (e.g. `status:429`, `reset:mid-body`). */
  fault?: string
}

export interface RequestFilter {
  readonly method?: string
  /** A string must equal the raw pathname (no query); a RegExp is tested on path + query. */
  readonly path?: string | RegExp
}

const READ_METHODS = new Set(['GET', 'HEAD'])

export const pathnameOf = (rawPath: string): string => {
  const q = rawPath.indexOf('?')
  return q === -1 ? rawPath : rawPath.slice(0, q)
}

export const matchesPath = (rawPath: string, wanted: string | RegExp | undefined): boolean => {
  if (wanted === undefined) return true
  if (typeof wanted === 'string') return pathnameOf(rawPath) === wanted
  wanted.lastIndex = 0
  return wanted.test(rawPath)
}

export class RequestLog {
  private readonly entries: LoggedRequest[] = []

  record(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry)
    return entry
  }

  /** A snapshot of every request so far. */
  all(): LoggedRequest[] {
    return [...this.entries]
  }

  get length(): number {
    return this.entries.length
  }

  filter(filter: RequestFilter = {}): LoggedRequest[] {
    const method = filter.method?.toUpperCase()
    return this.entries.filter(
      (e) => (method === undefined || e.method === method) && matchesPath(e.path, filter.path),
    )
  }

  count(filter: RequestFilter = {}): number {
    return this.filter(filter).length
  }

  /** Requests that could change state: everything but GET and HEAD. */
  writeRequests(): LoggedRequest[] {
    return this.entries.filter((e) => !READ_METHODS.has(e.method))
  }

  /** Requests carrying `header` (any value), e.g. to prove a token never left the API origin. */
  withHeader(header: string): LoggedRequest[] {
    const name = header.toLowerCase()
    return this.entries.filter((e) => e.headers[name] !== undefined)
  }

  clear(): void {
    this.entries.length = 0
  }
}
