import { ReleaseError } from '../errors.js'
import { HttpError } from '../http/http-error.js'
import { sanitizeUrl } from '../http/sanitize-url.js'
import type { Transport } from '../http/types.js'
import { registerSecret } from '../secrets.js'
import { SIGSTORE_AUDIENCE, type IdentitySource } from '../settings/read-signing.js'

export interface IdentityProvider {
  /** A token for Fulcio; asked for each signature, since a CI token lives minutes. */
  token(): Promise<string>
  /** The request that gets it, for dry runs. */
  readonly request?: string
}

/**
 * The run's OIDC identity for signing: the token it was given (identity_token,
 * SIGSTORE_ID_TOKEN from GitLab's `id_tokens:`), or one GitHub Actions' OIDC provider issues
 * with audience `sigstore`, as @actions/core's getIDToken asks for it.
 */
export function createIdentityProvider(
  identity: IdentitySource,
  http: Transport,
): IdentityProvider {
  if (identity.kind === 'token') return { token: () => Promise.resolve(identity.token) }
  registerSecret(identity.requestToken)
  const url = new URL(identity.requestUrl)
  url.searchParams.set('audience', SIGSTORE_AUDIENCE)
  return {
    request: `GET ${sanitizeUrl(url)} (an identity token from ${identity.provider})`,
    async token(): Promise<string> {
      let value: unknown
      try {
        const response = await http.request<{ value?: unknown } | undefined>({
          method: 'GET',
          url: url.href,
          headers: { authorization: `Bearer ${identity.requestToken}` },
          label: `request an identity token from ${identity.provider}`,
        })
        value = response.body?.value
      } catch (error) {
        if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
          throw new ReleaseError({
            code: 'AUTH',
            input: 'sign',
            message: `${identity.provider} refused an identity token: ${error.message}`,
            hint: 'Give the job `permissions: id-token: write`.',
            cause: error,
          })
        }
        throw error
      }
      if (typeof value !== 'string' || value === '') {
        throw new ReleaseError({
          code: 'AUTH',
          input: 'sign',
          message: `${identity.provider} answered the identity token request without a token.`,
          hint: 'Re-run the job; give it `permissions: id-token: write`.',
        })
      }
      registerSecret(value)
      return value
    },
  }
}
