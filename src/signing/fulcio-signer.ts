import { generateKeyPairSync, sign as signBytes } from 'node:crypto'

import type { Signature, Signer } from '@sigstore/sign'

import { ReleaseError } from '../errors.js'
import { HttpError } from '../http/http-error.js'
import type { Transport } from '../http/types.js'
import { challengeClaim, readTokenClaims } from './token-claims.js'

/** The part of Fulcio's answer the signer reads (API v2, "CreateSigningCertificate"). */
interface SigningCertificateResponse {
  readonly signedCertificateEmbeddedSct?: { readonly chain?: { readonly certificates?: string[] } }
  readonly signedCertificateDetachedSct?: { readonly chain?: { readonly certificates?: string[] } }
}

export interface FulcioSignerOptions {
  readonly http: Transport
  readonly fulcioUrl: string
  /** The identity token for this signature (asked for each time: tokens live minutes). */
  readonly identityToken: () => Promise<string>
}

/**
 * A @sigstore/sign Signer whose certificate request goes through the tool's own transport (its
 * proxies, `ca_file`, retry policy and timeouts): an ephemeral P-256 key is made for each
 * signature, Fulcio certifies it for the identity token's subject, and the key signs once and is
 * dropped. https://github.com/sigstore/fulcio/blob/main/docs/how-certificate-issuing-works.md
 */
export function createFulcioSigner(options: FulcioSignerOptions): Signer {
  return {
    async sign(data: Buffer): Promise<Signature> {
      const token = await options.identityToken()
      const claims = readTokenClaims(token)
      const challenge = claims === undefined ? undefined : challengeClaim(claims)
      if (challenge === undefined) {
        throw new ReleaseError({
          code: 'AUTH',
          input: 'identity_token',
          message: 'The identity token has no subject (sub or email claim) for Fulcio to certify.',
          hint: 'Give an OIDC identity token from the CI (audience sigstore).',
        })
      }
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString()
      const proofOfPossession = signBytes('sha256', Buffer.from(challenge), privateKey)
      const chain = await requestCertificate(options, {
        credentials: { oidcIdentityToken: token },
        publicKeyRequest: {
          publicKey: { algorithm: 'ECDSA', content: publicKeyPem },
          proofOfPossession: proofOfPossession.toString('base64'),
        },
      })
      const [leaf] = chain
      if (leaf === undefined) {
        throw new ReleaseError({
          code: 'HTTP',
          message: `Fulcio (${options.fulcioUrl}) answered without a certificate.`,
          hint: 'Check fulcio_url: it should be the root of a Fulcio instance.',
        })
      }
      return {
        signature: signBytes('sha256', data, privateKey),
        key: { $case: 'x509Certificate', certificate: leaf },
      }
    },
  }
}

async function requestCertificate(
  options: FulcioSignerOptions,
  request: unknown,
): Promise<string[]> {
  let body: SigningCertificateResponse | undefined
  try {
    const response = await options.http.request<SigningCertificateResponse | undefined>({
      method: 'POST',
      url: `${options.fulcioUrl}/api/v2/signingCert`,
      body: { kind: 'json', value: request },
      // Asking again for a certificate of the same key is harmless: each answer is a valid one.
      idempotent: true,
      label: 'request a signing certificate',
    })
    body = response.body
  } catch (error) {
    if (error instanceof HttpError && error.status >= 400 && error.status < 500) {
      throw new ReleaseError({
        code: 'AUTH',
        message: `Fulcio refused to certify the signing key: ${error.message}`,
        hint: 'The identity token must come from an OIDC issuer this Fulcio trusts, with audience sigstore, and be unexpired (re-run the job for a fresh one).',
        cause: error,
      })
    }
    throw error
  }
  const chain =
    body?.signedCertificateEmbeddedSct?.chain?.certificates ??
    body?.signedCertificateDetachedSct?.chain?.certificates ??
    []
  return chain
}
