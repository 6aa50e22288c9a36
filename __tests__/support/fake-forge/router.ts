/**
 * A tiny method + path router that matches on the RAW request path.
 *
 * Real forges route before decoding: GitLab's `:id` and `:tag_name` segments only match when a
 * `/` inside them is sent as `%2F`, so `/projects/group/app/releases` is a different (unknown)
 * route from `/projects/group%2Fapp/releases`. Splitting the raw path first and decoding each
 * captured parameter afterwards reproduces that.
 *
 * Pattern syntax, one token per `/`-separated segment:
 * - `literal`  must equal the raw segment;
 * - `:name`    captures one non-empty segment (decoded);
 * - `:name.json` captures one segment that ends with the literal suffix `.json`;
 * - `*name`    captures one or more segments, joined by `/` (each segment decoded), anywhere in
 *   the pattern (backtracking, so `/*project/-/releases/:tag` works for nested group paths).
 */

export type RouteParams = Readonly<Record<string, string>>

interface Token {
  readonly kind: 'literal' | 'param' | 'rest'
  readonly value: string
  readonly suffix: string
}

export interface RouteMatch<H> {
  readonly handler: H
  readonly params: RouteParams
  readonly pattern: string
}

interface Route<H> {
  readonly method: string
  readonly pattern: string
  readonly tokens: readonly Token[]
  readonly handler: H
}

const parsePattern = (pattern: string): Token[] =>
  pattern
    .split('/')
    .slice(1)
    .map((segment): Token => {
      if (segment.startsWith(':')) {
        const dot = segment.indexOf('.')
        return dot > 0
          ? { kind: 'param', value: segment.slice(1, dot), suffix: segment.slice(dot) }
          : { kind: 'param', value: segment.slice(1), suffix: '' }
      }
      if (segment.startsWith('*')) return { kind: 'rest', value: segment.slice(1), suffix: '' }
      return { kind: 'literal', value: segment, suffix: '' }
    })

/** Decodes one raw segment; a malformed escape makes the route not match (→ the forge's 404). */
const decodeSegment = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

const matchTokens = (
  tokens: readonly Token[],
  segments: readonly string[],
  ti: number,
  si: number,
  params: Record<string, string>,
): boolean => {
  if (ti === tokens.length) return si === segments.length
  const token = tokens[ti]
  if (token === undefined) return false
  if (token.kind === 'rest') {
    // Backtrack from the longest capture so a trailing `*path` takes everything.
    for (let end = segments.length; end > si; end--) {
      const taken = segments.slice(si, end).map(decodeSegment)
      if (taken.some((s) => s === undefined || s === '')) continue
      if (matchTokens(tokens, segments, ti + 1, end, params)) {
        params[token.value] = taken.join('/')
        return true
      }
    }
    return false
  }
  const segment = segments[si]
  if (segment === undefined) return false
  if (token.kind === 'literal') {
    return segment === token.value && matchTokens(tokens, segments, ti + 1, si + 1, params)
  }
  if (segment === '' || !segment.endsWith(token.suffix)) return false
  const decoded = decodeSegment(segment.slice(0, segment.length - token.suffix.length))
  if (decoded === undefined || decoded === '') return false
  if (!matchTokens(tokens, segments, ti + 1, si + 1, params)) return false
  params[token.value] = decoded
  return true
}

export class Router<H> {
  private readonly routes: Route<H>[] = []

  /** Registers a route; the first registered match wins. `HEAD` falls back to `GET` routes. */
  add(method: string, pattern: string, handler: H): this {
    this.routes.push({
      method: method.toUpperCase(),
      pattern,
      tokens: parsePattern(pattern),
      handler,
    })
    return this
  }

  get(pattern: string, handler: H): this {
    return this.add('GET', pattern, handler)
  }

  post(pattern: string, handler: H): this {
    return this.add('POST', pattern, handler)
  }

  put(pattern: string, handler: H): this {
    return this.add('PUT', pattern, handler)
  }

  delete(pattern: string, handler: H): this {
    return this.add('DELETE', pattern, handler)
  }

  /** `rawPathname` must be the path exactly as received (no query string, not decoded). */
  match(method: string, rawPathname: string): RouteMatch<H> | undefined {
    const segments = rawPathname.split('/').slice(1)
    const wanted = method.toUpperCase()
    const candidates = wanted === 'HEAD' ? ['HEAD', 'GET'] : [wanted]
    for (const candidate of candidates) {
      for (const route of this.routes) {
        if (route.method !== candidate) continue
        const params: Record<string, string> = {}
        if (matchTokens(route.tokens, segments, 0, 0, params)) {
          return { handler: route.handler, params, pattern: route.pattern }
        }
      }
    }
    return undefined
  }
}
