import { TrustedRoot } from '@sigstore/protobuf-specs'
import {
  Verifier,
  toSignedEntity,
  toTrustMaterial,
  VerificationError,
  type TrustMaterial,
} from '@sigstore/verify'

import type { BundleFacts } from './bundle-facts.js'
import type { SignerIdentity } from './statement-signer.js'

export type { TrustMaterial }

/** The keys and certificates signatures are checked against, from a trusted_root.json. */
export function trustMaterialOf(root: TrustedRoot): TrustMaterial {
  return toTrustMaterial(root)
}

/** A trusted_root.json document (https://github.com/sigstore/protobuf-specs, TrustedRoot). */
export function parseTrustedRoot(json: unknown): TrustedRoot {
  return TrustedRoot.fromJSON(json)
}

export interface VerifiedBundle {
  readonly identity: SignerIdentity
  /** Where the signature is in the transparency log. */
  readonly logIndex?: string
  readonly integratedTime?: Date
}

/**
 * Checks a bundle the way cosign and `gh attestation verify` do: the certificate chains to the
 * trusted root's Fulcio (with its SCT), the Rekor entry's inclusion proof, checkpoint and signed
 * entry timestamp hold and match the envelope, the certificate was valid when it was logged, and
 * the envelope's signature verifies with the certificate's key. Throws a VerificationError
 * (`describeVerificationError` puts it in words) when anything fails; who signed is the caller's
 * to judge (identity-policy.ts).
 */
export function verifyBundle(facts: BundleFacts, trust: TrustMaterial): VerifiedBundle {
  const verifier = new Verifier(trust)
  const signer = verifier.verify(toSignedEntity(facts.bundle))
  const subject = signer.identity?.subjectAlternativeName
  if (subject === undefined) {
    throw new VerificationError({
      code: 'CERTIFICATE_ERROR',
      message: 'the signing certificate names no identity',
    })
  }
  const issuer = signer.identity?.extensions?.issuer
  const entry = facts.bundle.verificationMaterial.tlogEntries[0]
  return {
    identity: issuer === undefined ? { subject } : { subject, issuer },
    ...(entry === undefined
      ? {}
      : {
          logIndex: entry.logIndex,
          integratedTime: new Date(Number(entry.integratedTime) * 1000),
        }),
  }
}

/** What failed, in words a person verifying a download can act on. */
export function describeVerificationError(error: unknown): string {
  if (!(error instanceof VerificationError)) {
    return error instanceof Error ? error.message : String(error)
  }
  const what: Record<string, string> = {
    CERTIFICATE_ERROR: 'the signing certificate does not chain to the trusted root',
    TLOG_INCLUSION_PROOF_ERROR: 'the transparency log inclusion proof does not hold',
    TLOG_INCLUSION_PROMISE_ERROR: 'the transparency log signed entry timestamp does not hold',
    TLOG_MISSING_INCLUSION_ERROR: 'the transparency log entry has no proof of inclusion',
    TLOG_BODY_ERROR: 'the transparency log entry does not match the signature',
    TLOG_ERROR: 'the signature is not in the transparency log',
    SIGNATURE_ERROR: 'the signature does not match the signed statement',
    TIMESTAMP_ERROR: 'the signature has no trusted timestamp',
    PUBLIC_KEY_ERROR: 'the signing key is not trusted',
  }
  const summary = what[error.code] ?? 'the signature does not verify'
  return `${summary} (${error.code}: ${error.message})`
}
