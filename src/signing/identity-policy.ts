import type { SignerIdentity } from './statement-signer.js'

/** Who a verifier accepts as the signer, as cosign's --certificate-identity(-regexp) and --certificate-oidc-issuer say it. */
export interface IdentityPolicy {
  /** The exact subject alternative name. */
  readonly subject?: string
  /** A pattern the subject must match (anchored by whoever writes it). */
  readonly subjectPattern?: RegExp
  /** The exact OIDC issuer. */
  readonly issuer?: string
}

/** Why `identity` is not one the policy accepts, or undefined when it is. */
export function checkIdentity(
  identity: SignerIdentity,
  policy: IdentityPolicy,
): string | undefined {
  const expected = describePolicy(policy)
  if (policy.subject !== undefined && identity.subject !== policy.subject) {
    return `signed by ${identity.subject}, not ${expected}`
  }
  if (policy.subjectPattern !== undefined && !policy.subjectPattern.test(identity.subject)) {
    return `signed by ${identity.subject}, which does not match ${expected}`
  }
  if (policy.issuer !== undefined && identity.issuer !== policy.issuer) {
    return `the certificate's OIDC issuer is ${identity.issuer ?? '(none)'}, not ${policy.issuer}`
  }
  return undefined
}

export function describePolicy(policy: IdentityPolicy): string {
  const subject =
    policy.subject !== undefined
      ? policy.subject
      : policy.subjectPattern !== undefined
        ? `an identity matching ${policy.subjectPattern.source.replace(/\\\//g, '/')}`
        : 'any identity'
  return policy.issuer === undefined ? subject : `${subject} (issuer ${policy.issuer})`
}

export function describeIdentity(identity: SignerIdentity): string {
  return identity.issuer === undefined
    ? identity.subject
    : `${identity.subject} (issuer ${identity.issuer})`
}
