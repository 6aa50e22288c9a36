/**
 * What the signed-release suites of every forge check the same way: the bundle format on the
 * release, and the tampering an attacker with upload rights can do, with what `verify` says.
 * Each suite reads and replaces files through its own forge's API.
 */
import { createHash } from 'node:crypto'

import { startFakeSigstore, type FakeSigstore } from './fake-sigstore.js'
import { makeWorkspace } from './run-tool.js'
import { failures, type VerifyRun } from './run-verify.js'

/** The build the signed-release suites publish, VICTIM among its files. */
export const SIGNED_BUILD = {
  'dist/app-linux.tar.gz': 'linux build\n'.repeat(800),
  'dist/app-win.zip': 'windows build\n'.repeat(600),
}

/** A fake Sigstore, and a workspace holding SIGNED_BUILD and that Sigstore's trusted root. */
export async function startSigning(): Promise<{
  readonly sigstore: FakeSigstore
  readonly workspace: string
  readonly trustedRoot: string
}> {
  const sigstore = await startFakeSigstore()
  const workspace = await makeWorkspace(SIGNED_BUILD)
  return { sigstore, workspace, trustedRoot: await sigstore.writeTrustedRoot(workspace) }
}

/** A signed release on one forge, as its suite reaches it. */
export interface SignedRelease {
  /** Publishes the workspace's files, signed; fails the test unless the run succeeds. */
  publishSigned(): Promise<unknown>
  /** `forge-release verify` of that release, trusting the suite's Sigstore and signer. */
  verify(): Promise<VerifyRun>
  /** A file of the release as people download it. */
  downloaded(name: string): Promise<Buffer>
  /** What an attacker with upload rights does: another file stored under the name. */
  replace(name: string, content: string): Promise<void>
  /** The file gone from the release. */
  remove(name: string): Promise<void>
}

/**
 * The tests every forge's signed release passes alike, registered in the caller's `describe`:
 * the bundle format, and a replaced file, a rewritten statement and a missing bundle each failing
 * `verify` with its own message. `release` is read when each test runs.
 */
export function signedReleaseTests(release: () => SignedRelease): void {
  it('writes Sigstore bundle v0.3 with a DSSE envelope of the statement, as cosign and gh read it', async () => {
    const { publishSigned, downloaded } = release()
    await publishSigned()
    for (const statement of STATEMENTS) {
      expectBundleOf(await downloaded(`${statement}.sigstore.json`), await downloaded(statement))
    }
    const provenance = JSON.parse((await downloaded('provenance.intoto.json')).toString()) as {
      predicateType: string
    }
    // `cosign verify-blob-attestation --type slsaprovenance1` matches this predicate type.
    expect(provenance.predicateType).toBe('https://slsa.dev/provenance/v1')
  })

  it('fails verify when a file was replaced after signing', async () => {
    const { publishSigned, replace, verify } = release()
    await publishSigned()
    await replace(VICTIM, TROJAN)
    const verified = await verify()
    expect(verified.code).toBe(1)
    expect(failures(verified)).toEqual([expect.stringMatching(REPLACED_FILE_FAILURE)])
    expect(verified.stdout).toMatch(/^NOT VERIFIED: 1 of \d+ checks failed\.$/m)
  })

  it('fails verify when a statement was changed after signing, even with SHA256SUMS to match', async () => {
    const { publishSigned, downloaded, replace, verify } = release()
    await publishSigned()
    // The attacker replaces a file and rewrites SHA256SUMS and the evidence to match it.
    const forged = forgeToMatchTrojan(
      (await downloaded('SHA256SUMS')).toString(),
      (await downloaded('release-evidence.intoto.json')).toString(),
    )
    await replace(VICTIM, TROJAN)
    await replace('SHA256SUMS', forged.sums)
    await replace('release-evidence.intoto.json', forged.evidence)
    const verified = await verify()
    expect(verified.code).toBe(1)
    expect(failures(verified)).toEqual(FORGED_STATEMENT_FAILURES)
  })

  it('fails verify when a bundle is missing', async () => {
    const { publishSigned, remove, verify } = release()
    await publishSigned()
    await remove('provenance.intoto.json.sigstore.json')
    const verified = await verify()
    expect(verified.code).toBe(1)
    expect(failures(verified)).toEqual(
      expect.arrayContaining([expect.stringMatching(MISSING_BUNDLE_FAILURE)]),
    )
  })
}

/** The statements a signed release carries, each signed by `<statement>.sigstore.json`. */
const STATEMENTS = ['release-evidence.intoto.json', 'provenance.intoto.json'] as const

/** The file the tampering tests replace. */
const VICTIM = 'app-linux.tar.gz'
/** The bytes an attacker puts in VICTIM's place. */
const TROJAN = 'a trojan\n'

interface BundleJson {
  mediaType: string
  verificationMaterial: {
    certificate?: { rawBytes: string }
    x509CertificateChain?: unknown
    tlogEntries: {
      kindVersion: { kind: string; version: string }
      inclusionPromise?: { signedEntryTimestamp: string }
      inclusionProof?: { checkpoint: { envelope: string } }
    }[]
  }
  dsseEnvelope: { payloadType: string; payload: string; signatures: { sig: string }[] }
}

/**
 * A bundle as cosign (`verify-blob-attestation --bundle`) and `gh attestation verify` read it:
 * Sigstore bundle v0.3, one certificate, a `dsse` Rekor entry with its inclusion proof and
 * promise, and a DSSE envelope whose payload is the very bytes of the statement on the release.
 */
function expectBundleOf(bundleBytes: Buffer, statementBytes: Buffer): void {
  const bundle = JSON.parse(bundleBytes.toString('utf8')) as BundleJson
  expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json')
  // v0.3 carries the signing certificate alone, not a chain.
  expect(bundle.verificationMaterial.certificate?.rawBytes).toMatch(/^MII/)
  expect(bundle.verificationMaterial.x509CertificateChain).toBeUndefined()
  const [entry, ...others] = bundle.verificationMaterial.tlogEntries
  expect(others).toEqual([])
  expect(entry?.kindVersion).toEqual({ kind: 'dsse', version: '0.0.1' })
  expect(entry?.inclusionPromise?.signedEntryTimestamp).toBeTruthy()
  expect(entry?.inclusionProof?.checkpoint.envelope).toContain('\n')
  expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json')
  expect(bundle.dsseEnvelope.signatures).toHaveLength(1)
  expect(Buffer.from(bundle.dsseEnvelope.payload, 'base64')).toEqual(statementBytes)
}

/** What `verify` reports when VICTIM alone was replaced after signing. */
const REPLACED_FILE_FAILURE =
  /^app-linux\.tar\.gz: sha256 [0-9a-f]{64}, but SHA256SUMS says [0-9a-f]{64}; the signed release-evidence\.intoto\.json says [0-9a-f]{64}; the signed provenance\.intoto\.json says [0-9a-f]{64}$/

/**
 * SHA256SUMS and the evidence rewritten to name the trojan instead of VICTIM, as an attacker
 * with upload rights would leave them; only the signatures can tell.
 */
function forgeToMatchTrojan(
  sums: string,
  evidence: string,
): { readonly sums: string; readonly evidence: string } {
  const victimSha = new RegExp(`^([0-9a-f]{64}) {2}${VICTIM.replace(/\./g, '\\.')}$`, 'm').exec(
    sums,
  )?.[1]
  if (victimSha === undefined) throw new Error(`SHA256SUMS does not list ${VICTIM}`)
  const forgedSums = sums.replace(victimSha, sha256(TROJAN))
  return {
    sums: forgedSums,
    evidence: evidence
      .split(victimSha)
      .join(sha256(TROJAN))
      .split(sha256(sums))
      .join(sha256(forgedSums)),
  }
}

/** What `verify` reports for a release forged by forgeToMatchTrojan. */
const FORGED_STATEMENT_FAILURES = [
  'release-evidence.intoto.json: is not the statement release-evidence.intoto.json.sigstore.json signs: it was changed after signing',
  expect.stringMatching(/^SHA256SUMS: the signed provenance\.intoto\.json says [0-9a-f]{64}$/),
  expect.stringMatching(/^app-linux\.tar\.gz: sha256 .*the signed provenance\.intoto\.json says/),
]

/** What `verify` reports when the provenance's bundle is gone. */
const MISSING_BUNDLE_FAILURE =
  /^provenance\.intoto\.json\.sigstore\.json: missing: nothing signs provenance\.intoto\.json/

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
