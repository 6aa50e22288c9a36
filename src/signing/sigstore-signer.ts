import { bundleToJSON } from '@sigstore/bundle'
import { DSSEBundleBuilder } from '@sigstore/sign'

import { ReleaseError } from '../errors.js'
import type { Transport } from '../http/types.js'
import { readBundleFacts, type BundleFacts } from './bundle-facts.js'
import { createFulcioSigner } from './fulcio-signer.js'
import { describeIdentity } from './identity-policy.js'
import { createRekorWitness } from './rekor-witness.js'
import { IN_TOTO_PAYLOAD_TYPE, type SignOutcome, type StatementSigner } from './statement-signer.js'
import { readTokenClaims } from './token-claims.js'
import { describeVerificationError, verifyBundle, type TrustMaterial } from './verify-bundle.js'

export interface SigstoreSignerOptions {
  /** A transport without the forge's credentials: Fulcio and Rekor never see the forge token. */
  readonly http: Transport
  readonly fulcioUrl: string
  readonly rekorUrl: string
  readonly identity: {
    token(): Promise<string>
    /** The request that gets the token, if one does (dry runs list it). */
    readonly request?: string
  }
  /**
   * `sign: true`. Under `auto`, a token that says its repository is private or internal is not
   * sent to the public instance: its certificate, naming the repository and workflow, would be
   * published in the public transparency log for good.
   */
  readonly required: boolean
  readonly publicInstance: boolean
  /** Each new bundle is checked against this before it is uploaded (trusted_root). */
  readonly trust?: TrustMaterial
}

/**
 * Keyless Sigstore signing with the @sigstore/sign bundle builder, its Fulcio and Rekor calls
 * made through the tool's transport. The result is a Sigstore bundle v0.3 with a DSSE envelope
 * (payload type application/vnd.in-toto+json), the format cosign (`verify-blob-attestation
 * --bundle`), `gh attestation verify` and sigstore-js read.
 */
export function createSigstoreSigner(options: SigstoreSignerOptions): StatementSigner {
  return {
    async sign(statement: Buffer, name: string): Promise<SignOutcome> {
      const token = await options.identity.token()
      const visibility = readTokenClaims(token)?.repositoryVisibility
      if (
        !options.required &&
        options.publicInstance &&
        visibility !== undefined &&
        visibility !== 'public'
      ) {
        return {
          kind: 'skipped',
          reason: `Not signing: the repository is ${visibility}, and a signature from the public Sigstore instance would publish its name and workflow in the public Rekor log. Set sign: true to sign anyway, or fulcio_url, rekor_url and trusted_root for a private instance.`,
        }
      }
      const builder = new DSSEBundleBuilder({
        signer: createFulcioSigner({
          http: options.http,
          fulcioUrl: options.fulcioUrl,
          identityToken: () => Promise.resolve(token),
        }),
        witnesses: [createRekorWitness({ http: options.http, rekorUrl: options.rekorUrl })],
        // One certificate, not the chain: bundle v0.3.
        certificateChain: false,
      })
      const bundle = await builder.create({ data: statement, type: IN_TOTO_PAYLOAD_TYPE })
      const text = `${JSON.stringify(bundleToJSON(bundle))}\n`
      const facts = readBundleFacts(text)
      if ('problem' in facts || facts.identity === undefined) {
        throw new ReleaseError({
          code: 'INTERNAL',
          message: `The Sigstore bundle made for ${name} cannot be read back${'problem' in facts ? `: ${facts.problem}` : ' (no certificate identity)'}.`,
        })
      }
      if (options.trust !== undefined) checkAgainstRoot(facts, options.trust, name)
      return { kind: 'signed', bundle: text, identity: facts.identity }
    },

    describe(name: string): string[] {
      return [
        ...(options.identity.request === undefined ? [] : [options.identity.request]),
        `POST ${options.fulcioUrl}/api/v2/signingCert (a certificate for this run's identity)`,
        `POST ${options.rekorUrl}/api/v1/log/entries (the signature of ${name})`,
      ]
    },
  }
}

function checkAgainstRoot(facts: BundleFacts, trust: TrustMaterial, name: string): void {
  try {
    const verified = verifyBundle(facts, trust)
    if (verified.identity.subject !== facts.identity?.subject) throw new Error('identity changed')
  } catch (error) {
    throw new ReleaseError({
      code: 'VERIFY_FAILED',
      input: 'trusted_root',
      message: `The signature just made for ${name}${facts.identity === undefined ? '' : ` as ${describeIdentity(facts.identity)}`} does not verify against the trusted root: ${describeVerificationError(error)}. Nothing was uploaded for it.`,
      hint: 'fulcio_url and rekor_url must belong to the Sigstore instance whose trusted_root.json is given.',
    })
  }
}
