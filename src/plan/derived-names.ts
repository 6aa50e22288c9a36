/** Names of the assets the tool itself produces; user files may not take them. */
export const CHECKSUMS_NAME = 'SHA256SUMS'
export const EVIDENCE_NAME = 'release-evidence.intoto.json'
export const DERIVED_NAMES: readonly string[] = [CHECKSUMS_NAME, EVIDENCE_NAME]
