/** Names of the assets the tool itself produces; user files may not take them. */
export const CHECKSUMS_NAME = 'SHA256SUMS'
export const EVIDENCE_NAME = 'release-evidence.intoto.json'
export const PROVENANCE_NAME = 'provenance.intoto.json'

/** The in-toto Statements the release carries, in the order they are written and signed. */
export const STATEMENT_NAMES: readonly string[] = [EVIDENCE_NAME, PROVENANCE_NAME]

/** The Sigstore bundle that signs a statement is named for it, as cosign and slsa-verifier expect. */
export function bundleNameOf(statement: string): string {
  return `${statement}.sigstore.json`
}

export const BUNDLE_NAMES: readonly string[] = STATEMENT_NAMES.map(bundleNameOf)

export const DERIVED_NAMES: readonly string[] = [
  CHECKSUMS_NAME,
  ...STATEMENT_NAMES,
  ...BUNDLE_NAMES,
]
