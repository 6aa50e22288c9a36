/**
 * What the engine needs from signing: statement bytes in, a Sigstore bundle out. The Sigstore
 * client behind it (Fulcio, Rekor, the identity token) is I/O the engine never sees.
 */

/** The DSSE payload type of an in-toto Statement (https://github.com/in-toto/attestation/blob/main/spec/v1/envelope.md). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

/** Who signed: the identity Fulcio put in the certificate. */
export interface SignerIdentity {
  /** The certificate's subject alternative name: a workflow or pipeline URI, or an email. */
  readonly subject: string
  /** The OIDC issuer that vouched for it (the certificate's 1.3.6.1.4.1.57264.1.8 extension). */
  readonly issuer?: string
}

export type SignOutcome =
  | {
      readonly kind: 'signed'
      /** The Sigstore bundle (v0.3 JSON) as it is uploaded: `<statement>.sigstore.json`. */
      readonly bundle: string
      readonly identity: SignerIdentity
    }
  /** `sign: auto` declined once it saw the identity (a private repository on the public log). */
  | { readonly kind: 'skipped'; readonly reason: string }

export interface StatementSigner {
  /**
   * Signs the exact bytes of an in-toto Statement as a DSSE envelope with a short-lived
   * certificate for the run's identity, and records the signature in the transparency log.
   */
  sign(statement: Buffer, name: string): Promise<SignOutcome>
  /** The requests one signature makes, for dry runs. */
  describe(name: string): string[]
}
