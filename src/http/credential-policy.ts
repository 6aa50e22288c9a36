import { ReleaseError } from '../errors.js'
import type { Credentials } from './types.js'

/** Headers that carry a credential on any forge, whatever the configured ones are. */
const ALWAYS_CREDENTIAL = ['private-token', 'job-token', 'authorization', 'cookie']

export interface CredentialPolicy {
  /** The credential headers for `url`: all of them for a pinned origin, none otherwise. */
  headersFor(url: URL): Readonly<Record<string, string>>
  /** Whether a header (any case) carries a credential and must not cross origins. */
  isCredentialHeader(name: string): boolean
}

/**
 * Token pinning (STYLE.md, HTTP): the configured headers go only to the listed origins, compared
 * as scheme://host:port after URL normalisation, so `https://gitlab.com:443` pins
 * `https://gitlab.com` and `http://` never matches an `https://` pin.
 */
export function createCredentialPolicy(credentials: Credentials | undefined): CredentialPolicy {
  const origins = new Set((credentials?.origins ?? []).map(normaliseOrigin))
  const headers = credentials?.headers ?? {}
  const names = new Set([...ALWAYS_CREDENTIAL, ...Object.keys(headers).map((n) => n.toLowerCase())])
  return {
    headersFor: (url) => (origins.has(url.origin) ? headers : {}),
    isCredentialHeader: (name) => names.has(name.toLowerCase()),
  }
}

/**
 * Whether following a redirect from `from` to `to` must drop credentials: another origin, which
 * includes https → http on the same host (actions/http-client does the same).
 */
export function crossesOrigin(from: URL, to: URL): boolean {
  return from.origin !== to.origin
}

function normaliseOrigin(origin: string): string {
  try {
    const url = new URL(origin)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin
  } catch {
    // reported below
  }
  throw new ReleaseError({
    code: 'INTERNAL',
    message: `Credential origin ${origin} is not an http(s) origin`,
    hint: 'Pin credentials to scheme://host[:port], e.g. https://gitlab.example.com.',
  })
}
