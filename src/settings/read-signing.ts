import { inputError, type ReleaseError } from '../errors.js'
import { readTokenClaims } from '../signing/token-claims.js'
import { readVariable, type CiSystem } from './ci-environment.js'
import { readInput, type Environment } from './read-input.js'

export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev'
export const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev'
/** The audience Fulcio's public instance accepts. */
export const SIGSTORE_AUDIENCE = 'sigstore'
/** The `id_tokens:` variable the GitLab template and component declare; cosign reads it too. */
export const SIGSTORE_TOKEN_VARIABLE = 'SIGSTORE_ID_TOKEN'

/** Where the OIDC identity that Fulcio certifies comes from. */
export type IdentitySource =
  /** A token given as `identity_token` or in SIGSTORE_ID_TOKEN (GitLab CI `id_tokens:`). */
  | { readonly kind: 'token'; readonly token: string; readonly from: string }
  /**
   * GitHub Actions' OIDC provider, asked when signing (a token lives minutes; uploads may take
   * longer): https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
   * Forgejo Actions offers the same endpoint to a job allowed to request a token.
   */
  | {
      readonly kind: 'github-actions'
      readonly requestUrl: string
      readonly requestToken: string
      /** Whose Actions answer: named in messages. */
      readonly provider: 'GitHub Actions' | 'Forgejo/Gitea Actions'
    }

export interface SigningSettings {
  /** `sign: true`: signing may not be skipped. `auto` skips it where signing would leak a private project's name. */
  readonly required: boolean
  readonly identity: IdentitySource
  readonly fulcioUrl: string
  readonly rekorUrl: string
  /** Trusted root to check each new bundle against (private deployments). */
  readonly trustedRoot?: string
}

export interface SigningFindings {
  readonly signing?: SigningSettings
  readonly problems: readonly ReleaseError[]
  readonly notices: readonly string[]
  readonly warnings: readonly string[]
}

/**
 * The `sign` input and what it needs, read purely from the environment: whether the run signs,
 * with which identity, and every problem that would make signing fail, found before any request.
 */
export function readSigning(
  env: Environment,
  options: {
    readonly system: CiSystem
    /** The GitHub-style job runs in Forgejo or Gitea Actions. */
    readonly giteaActions?: boolean
    readonly evidence: boolean
    /** The clock an expired token is judged by; without it expiry is left to Fulcio. */
    readonly now?: Date
  },
): SigningFindings {
  const problems: ReleaseError[] = []
  const notices: string[] = []
  const warnings: string[] = []
  const given = (name: string): string | undefined => readInput(env, name)?.value
  const mode = given('sign') ?? 'auto'
  // Other values are reported by the enum reader of read-settings.
  if (mode !== 'auto' && mode !== 'true') return { problems, notices, warnings }
  const required = mode === 'true'
  if (!options.evidence) {
    if (required) {
      problems.push(
        inputError(
          'sign',
          'is true, but evidence is false: the evidence and provenance statements are what is signed.',
          'Set evidence: true, or sign: false.',
        ),
      )
    }
    return { problems, notices, warnings }
  }

  const fulcioUrl = readServiceUrl(env, 'fulcio_url', PUBLIC_FULCIO_URL, problems, warnings)
  const rekorUrl = readServiceUrl(env, 'rekor_url', PUBLIC_REKOR_URL, problems, warnings)
  const trustedRoot = given('trusted_root')
  const giteaActions = options.giteaActions === true
  const identity = findIdentity(env, giteaActions)
  const hint = giteaActions ? GITEA_ACTIONS_HINT : identityHint(options.system)
  if (identity === undefined) {
    if (required) {
      problems.push(
        inputError('sign', 'is true, but this run has no OIDC identity to sign with.', hint),
      )
    } else {
      notices.push(
        `Not signing the evidence: this run has no OIDC identity. ${hint} Set sign: false to publish unsigned without this notice.`,
      )
    }
    return { problems, notices, warnings }
  }
  if (giteaActions && !required && fulcioUrl === PUBLIC_FULCIO_URL) {
    // The public Fulcio certifies only the issuers it lists; under `auto` a token it refuses
    // must not fail a release that was never asked to be signed.
    notices.push(
      `Not signing the evidence: the public Sigstore instance does not certify a Forgejo or Gitea server's Actions tokens unless it lists that server as an issuer. Set sign: true to try, or fulcio_url, rekor_url and trusted_root for a Sigstore instance that trusts this server; sign: false publishes unsigned without this notice.`,
    )
    return { problems, notices, warnings }
  }
  if (identity.kind === 'token') {
    problems.push(...checkToken(identity, fulcioUrl === PUBLIC_FULCIO_URL, options.now))
  }
  return {
    signing: {
      required,
      identity,
      fulcioUrl: fulcioUrl ?? PUBLIC_FULCIO_URL,
      rekorUrl: rekorUrl ?? PUBLIC_REKOR_URL,
      ...(trustedRoot === undefined ? {} : { trustedRoot }),
    },
    problems,
    notices,
    warnings,
  }
}

/** The identity token's variables, all redacted before anything is printed. */
export const IDENTITY_SECRET_VARIABLES = [
  'INPUT_IDENTITY_TOKEN',
  'FORGE_RELEASE_IDENTITY_TOKEN',
  SIGSTORE_TOKEN_VARIABLE,
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
]

function findIdentity(env: Environment, giteaActions: boolean): IdentitySource | undefined {
  const input = readInput(env, 'identity_token')
  if (input !== undefined) return { kind: 'token', token: input.value, from: 'identity_token' }
  const variable = readVariable(env, SIGSTORE_TOKEN_VARIABLE)
  if (variable !== undefined) {
    return { kind: 'token', token: variable, from: SIGSTORE_TOKEN_VARIABLE }
  }
  const requestUrl = readVariable(env, 'ACTIONS_ID_TOKEN_REQUEST_URL')
  const requestToken = readVariable(env, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN')
  if (requestUrl !== undefined && requestToken !== undefined) {
    return {
      kind: 'github-actions',
      requestUrl,
      requestToken,
      provider: giteaActions ? 'Forgejo/Gitea Actions' : 'GitHub Actions',
    }
  }
  return undefined
}

const GITEA_ACTIONS_HINT =
  'Let the job request an OIDC token where the Forgejo or Gitea server offers them (ACTIONS_ID_TOKEN_REQUEST_URL), or pass one with audience sigstore as identity_token or SIGSTORE_ID_TOKEN.'

function identityHint(system: CiSystem): string {
  switch (system) {
    case 'github-actions':
      return 'Give the job `permissions: id-token: write` (and `attestations: write`, so that `gh attestation verify` finds it).'
    case 'gitlab-ci':
      return 'Declare `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore` in the job (the template and the component do).'
    case 'none':
      return 'Pass an OIDC token with audience sigstore as --identity_token or SIGSTORE_ID_TOKEN.'
  }
}

/** Says now what Fulcio would refuse after the release was written. Never quotes the token. */
function checkToken(
  identity: Extract<IdentitySource, { kind: 'token' }>,
  publicFulcio: boolean,
  now: Date | undefined,
): ReleaseError[] {
  const input = identity.from === 'identity_token' ? 'identity_token' : 'sign'
  const source = identity.from === 'identity_token' ? '' : ` (${identity.from})`
  const claims = readTokenClaims(identity.token)
  if (claims === undefined) {
    return [
      inputError(
        input,
        `The identity token${source} is not a JWT.`,
        'Give the OIDC identity token itself (three base64url parts separated by dots).',
      ),
    ]
  }
  const problems: ReleaseError[] = []
  // A private Fulcio may accept other audiences (its configured client id).
  if (publicFulcio && !claims.aud.includes(SIGSTORE_AUDIENCE)) {
    problems.push(
      inputError(
        input,
        `The identity token${source} is for audience ${claims.aud.map((a) => JSON.stringify(a)).join(', ') || '(none)'}, not "sigstore".`,
        'Request it with `aud: sigstore` (GitLab: `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`).',
      ),
    )
  }
  if (claims.exp !== undefined && now !== undefined && claims.exp * 1000 <= now.getTime()) {
    problems.push(
      inputError(
        input,
        `The identity token${source} expired at ${new Date(claims.exp * 1000).toISOString()}.`,
        'Get a fresh token: re-run the job (GitLab issues a new one to every job).',
      ),
    )
  }
  return problems
}

function readServiceUrl(
  env: Environment,
  name: 'fulcio_url' | 'rekor_url',
  fallback: string,
  problems: ReleaseError[],
  warnings: string[],
): string | undefined {
  const value = readInput(env, name)?.value
  if (value === undefined) return fallback
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push(
      inputError(name, `${JSON.stringify(value)} is not a URL.`, 'Give an https:// URL.'),
    )
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(
      inputError(name, `${JSON.stringify(value)} is not an http(s) URL.`, 'Give an https:// URL.'),
    )
    return undefined
  }
  if (url.protocol === 'http:' && !/^(localhost|127\.[\d.]+|\[::1\])$/.test(url.hostname)) {
    warnings.push(`${name} ${url.origin} uses plain http.`)
  }
  return url.href.replace(/\/+$/, '')
}
