/** The claims of an OIDC identity token that signing looks at. Never logged: a token is a secret. */
export interface TokenClaims {
  readonly iss?: string
  readonly sub?: string
  readonly email?: string
  readonly aud: readonly string[]
  /** Expiry, seconds since the epoch. */
  readonly exp?: number
  /** GitHub: `public`, `private` or `internal`. */
  readonly repositoryVisibility?: string
}

/**
 * The payload of a JWT, unverified: Fulcio verifies the token; the tool reads it only to say
 * early what Fulcio would refuse (wrong audience, expired) and to prove possession of the key.
 * Undefined when the text is not a JWT.
 */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || parts[1] === undefined) return undefined
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined
  const claims = payload as Record<string, unknown>
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : undefined
  const aud = claims.aud
  return {
    ...optional('iss', text(claims.iss)),
    ...optional('sub', text(claims.sub)),
    ...optional('email', text(claims.email)),
    aud: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter(isString) : [],
    ...optional('exp', typeof claims.exp === 'number' ? claims.exp : undefined),
    ...optional('repositoryVisibility', text(claims.repository_visibility)),
  }
}

/**
 * The claim Fulcio asks the signer to sign as proof that it holds the key: the email for email
 * identities, else the subject (https://github.com/sigstore/fulcio/blob/main/docs/how-certificate-issuing-works.md).
 */
export function challengeClaim(claims: TokenClaims): string | undefined {
  return claims.email ?? claims.sub
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
