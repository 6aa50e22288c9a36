import { createHash } from 'node:crypto'

import { bundleFromJSON, type Bundle } from '@sigstore/bundle'
import { X509Certificate } from '@sigstore/core'

import type { SignerIdentity } from './statement-signer.js'

/** Fulcio's issuer extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). */
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8'
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1'

/** What a Sigstore bundle says, read without verifying it (verify-bundle.ts verifies). */
export interface BundleFacts {
  readonly bundle: Bundle
  readonly mediaType: string
  /** The DSSE envelope's payload type and payload: the statement that was signed. */
  readonly payloadType: string
  readonly payload: Buffer
  readonly payloadSha256: string
  /** The signing certificate's identity (a keyless signature always has one). */
  readonly identity?: SignerIdentity
}

/**
 * The facts of a bundle holding a DSSE envelope, or the reason it is no such bundle (not JSON,
 * not a Sigstore bundle, a plain message signature).
 */
export function readBundleFacts(text: string): BundleFacts | { readonly problem: string } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { problem: 'it is not JSON' }
  }
  let bundle: Bundle
  try {
    bundle = bundleFromJSON(json)
  } catch (error) {
    return {
      problem: `it is not a Sigstore bundle (${error instanceof Error ? error.message : String(error)})`,
    }
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    return { problem: 'it signs a message, not a DSSE envelope holding a statement' }
  }
  const envelope = bundle.content.dsseEnvelope
  const identity = certificateIdentity(bundle)
  return {
    bundle,
    mediaType: bundle.mediaType,
    payloadType: envelope.payloadType,
    payload: envelope.payload,
    payloadSha256: createHash('sha256').update(envelope.payload).digest('hex'),
    ...(identity === undefined ? {} : { identity }),
  }
}

/** The leaf certificate's identity: its SAN and the OIDC issuer extension. */
export function certificateIdentity(bundle: Bundle): SignerIdentity | undefined {
  const content = bundle.verificationMaterial.content
  const raw =
    content.$case === 'certificate'
      ? content.certificate.rawBytes
      : content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates[0]?.rawBytes
        : undefined
  if (raw === undefined) return undefined
  try {
    const certificate = X509Certificate.parse(Buffer.from(raw))
    const subject = certificate.subjectAltName
    if (subject === undefined) return undefined
    const issuer = issuerOf(certificate)
    return issuer === undefined ? { subject } : { subject, issuer }
  } catch {
    return undefined
  }
}

function issuerOf(certificate: X509Certificate): string | undefined {
  // v2 holds a DER UTF8String; v1 (older certificates) the raw string.
  const v2 = certificate.extension(OID_ISSUER_V2)
  if (v2 !== undefined) return v2.valueObj.subs[0]?.value.toString('utf8')
  return certificate.extension(OID_ISSUER_V1)?.value.toString('utf8')
}
