import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'

import { hashFile } from '../assets/hash-file.js'
import { parseSha256Sums } from '../assets/sha256sums.js'
import { compareNames } from '../evidence/build-evidence.js'
import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import {
  CHECKSUMS_NAME,
  DERIVED_NAMES,
  EVIDENCE_NAME,
  STATEMENT_NAMES,
  bundleNameOf,
} from '../plan/derived-names.js'
import { readBundleFacts } from '../signing/bundle-facts.js'
import {
  checkIdentity,
  describeIdentity,
  describePolicy,
  type IdentityPolicy,
} from '../signing/identity-policy.js'
import { IN_TOTO_PAYLOAD_TYPE, type SignerIdentity } from '../signing/statement-signer.js'
import {
  describeVerificationError,
  verifyBundle,
  type TrustMaterial,
} from '../signing/verify-bundle.js'
import { readAtMost } from '../read-at-most.js'
import { expectedSigner } from './expected-signer.js'
import type { ReleaseAddress } from './release-address.js'

/** The statements and SHA256SUMS are small; a larger file of those names is not ours. */
const MAX_DERIVED_BYTES = 16 * 1024 * 1024

export interface VerifyOptions {
  readonly address: ReleaseAddress
  /** A read-only adapter for the release's forge. */
  readonly forge: Forge
  readonly trust: TrustMaterial
  /** Who the user accepts as signer; what is not given defaults to the release's own project CI. */
  readonly signer: IdentityPolicy
  /** Files the user downloaded, checked instead of downloading the release's files. */
  readonly localFiles: readonly string[]
  readonly log: Logger
}

/** One thing that holds or not, about one file. */
export interface VerifyCheck {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

export interface VerifyReport {
  readonly release: string
  /** Who the release had to be signed by. */
  readonly expectedSigner: string
  /** Who signed it, when a signature verified. */
  readonly signer?: SignerIdentity
  readonly checks: readonly VerifyCheck[]
  readonly ok: boolean
}

/** A statement whose signature verified: the subjects it vouches for. */
interface SignedStatement {
  readonly subjects: ReadonlyMap<string, string>
  readonly json: Record<string, unknown>
}

/**
 * `forge-release verify`: whether a release's files are the ones its CI signed. Every file is
 * checked against SHA256SUMS and against the subjects of both signed statements; each statement
 * against the DSSE payload of its Sigstore bundle; each bundle against the trusted root (the
 * certificate chain to Fulcio, the Rekor entry and its inclusion proof) and the expected signer.
 * The report lists every check; it is `ok` only when all of them hold.
 */
export async function verifyRelease(options: VerifyOptions): Promise<VerifyReport> {
  const { forge, address, log } = options
  const checks: VerifyCheck[] = []
  const pass = (name: string, detail: string): void => void checks.push({ name, ok: true, detail })
  const fail = (name: string, detail: string): void => void checks.push({ name, ok: false, detail })

  await forge.connect()
  const release = await forge.findRelease(address.tagName)
  if (release === undefined) {
    throw new ReleaseError({
      code: 'NOT_FOUND',
      message: `${address.project} has no release ${address.tagName} (${address.apiUrl}).`,
      hint: 'Check the release URL (or --project and --tag_name); a private project needs --token or FORGE_RELEASE_TOKEN.',
    })
  }
  const label = `${address.project} ${address.tagName} (${release.webUrl})`
  log.info(`Verifying release ${label}`)
  const remote = await forge.listAssets(release, address.tagName)
  const byName = new Map(remote.map((asset) => [asset.name, asset]))
  const local = new Map(options.localFiles.map((file) => [path.basename(file), file]))

  const policy = signerPolicy(options.signer, address, release)
  const expected = 'problem' in policy ? policy.problem : describePolicy(policy)
  const readDerived = async (name: string): Promise<Buffer | undefined> => {
    const file = local.get(name)
    if (file !== undefined) return readFile(file)
    const asset = byName.get(name)
    return asset === undefined ? undefined : download(forge, asset, release)
  }

  // The statements: each is what its bundle signs, signed by whom the user expects.
  const signed = new Map<string, SignedStatement>()
  let signer: SignerIdentity | undefined
  for (const name of STATEMENT_NAMES) {
    const bundleName = bundleNameOf(name)
    const statement = await readDerived(name)
    const bundleBytes = await readDerived(bundleName)
    if (statement === undefined) {
      fail(name, 'missing: the release has no such file')
      continue
    }
    if (bundleBytes === undefined) {
      fail(
        bundleName,
        `missing: nothing signs ${name}, so nothing vouches for it (the release is not signed)`,
      )
      continue
    }
    const facts = readBundleFacts(bundleBytes.toString('utf8'))
    if ('problem' in facts) {
      fail(bundleName, `unusable: ${facts.problem}`)
      continue
    }
    let verified
    try {
      verified = verifyBundle(facts, options.trust)
    } catch (error) {
      fail(bundleName, `the signature does not verify: ${describeVerificationError(error)}`)
      continue
    }
    if ('problem' in policy) {
      fail(bundleName, `signed by ${describeIdentity(verified.identity)}, but ${policy.problem}`)
      continue
    }
    const wrongSigner = checkIdentity(verified.identity, policy)
    if (wrongSigner !== undefined) {
      fail(bundleName, `not signed by the expected identity: ${wrongSigner}`)
      continue
    }
    if (facts.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      fail(bundleName, `signs a ${facts.payloadType}, not an in-toto statement`)
      continue
    }
    signer = verified.identity
    const logged =
      verified.logIndex === undefined
        ? ''
        : `, logged in Rekor as entry ${verified.logIndex} at ${verified.integratedTime?.toISOString() ?? '?'}`
    pass(bundleName, `signature verified${logged}`)
    if (!facts.payload.equals(statement)) {
      fail(name, `is not the statement ${bundleName} signs: it was changed after signing`)
      continue
    }
    const parsed = parseStatement(facts.payload)
    if (parsed === undefined) {
      fail(name, 'the signed statement is not an in-toto statement with subjects')
      continue
    }
    pass(name, `is the signed statement (${parsed.subjects.size} subjects)`)
    signed.set(name, parsed)
  }

  const evidence = signed.get(EVIDENCE_NAME)
  const signedTag = (evidence?.json.predicate as { release?: { tag_name?: unknown } } | undefined)
    ?.release?.tag_name
  if (evidence !== undefined && signedTag !== address.tagName) {
    fail(
      EVIDENCE_NAME,
      `the signed evidence is for release ${String(signedTag)}, not ${address.tagName}`,
    )
  }

  // SHA256SUMS: itself a subject of the statements, so the signature vouches for it.
  let sums: Map<string, string> | undefined
  const sumsBytes = await readDerived(CHECKSUMS_NAME)
  const signedSums = [...signed.values()].some((s) => s.subjects.has(CHECKSUMS_NAME))
  if (sumsBytes === undefined) {
    if (signedSums) fail(CHECKSUMS_NAME, 'missing, though the signed statements list it')
  } else {
    const problems = subjectProblems(CHECKSUMS_NAME, sha256(sumsBytes), signed)
    if (problems.length > 0) fail(CHECKSUMS_NAME, problems.join('; '))
    else pass(CHECKSUMS_NAME, 'matches the signed statements')
    sums = parseSha256Sums(sumsBytes.toString('utf8'))
  }

  // The files themselves: the ones given, or every file of the release.
  const givenFiles = options.localFiles.filter(
    (file) => !DERIVED_NAMES.includes(path.basename(file)),
  )
  // A file of the release: stored with it, or named as a subject by a verified statement (on
  // GitLab a link is only a URL, and the signature says which links are files).
  const subjectNames = new Set([...signed.values()].flatMap((s) => [...s.subjects.keys()]))
  const isFile = (asset: RemoteAsset): boolean => isStored(asset) || subjectNames.has(asset.name)
  const targets =
    givenFiles.length > 0
      ? givenFiles.map((file) => ({ name: path.basename(file), sha256: () => hashFile(file) }))
      : remote
          .filter((asset) => !DERIVED_NAMES.includes(asset.name) && isFile(asset))
          .map((asset) => ({ name: asset.name, sha256: () => hashDownload(forge, asset, release) }))
  targets.sort((a, b) => compareNames(a.name, b.name))
  for (const target of targets) {
    const sha = await target.sha256()
    if (sha === undefined) {
      fail(target.name, 'listed on the release, but its download is not there (404)')
      continue
    }
    const problems: string[] = []
    if (sums !== undefined) {
      const listed = sums.get(target.name)
      if (listed === undefined) problems.push(`${CHECKSUMS_NAME} does not list it`)
      else if (listed !== sha) problems.push(`${CHECKSUMS_NAME} says ${listed}`)
    }
    problems.push(...subjectProblems(target.name, sha, signed))
    if (signed.size === 0) problems.push('no verified signature vouches for it')
    if (problems.length > 0) fail(target.name, `sha256 ${sha}, but ${problems.join('; ')}`)
    else pass(target.name, `sha256 ${sha} matches ${CHECKSUMS_NAME} and the signed statements`)
  }
  if (givenFiles.length === 0) {
    reportMissingSubjects(signed, byName, fail)
    checkExternalLinks(
      remote.filter((asset) => !isFile(asset)),
      evidence,
      pass,
      fail,
    )
  }

  const ok = checks.length > 0 && checks.every((check) => check.ok)
  return {
    release: label,
    expectedSigner: expected,
    ...(signer === undefined ? {} : { signer }),
    checks,
    ok,
  }
}

/** The user's policy, completed with the release's own project CI for what the user left out. */
function signerPolicy(
  given: IdentityPolicy,
  address: ReleaseAddress,
  release: RemoteRelease,
): IdentityPolicy | { readonly problem: string } {
  const namesSubject = given.subject !== undefined || given.subjectPattern !== undefined
  if (namesSubject && given.issuer !== undefined) return given
  const fallback = expectedSigner(address.platform, release.webUrl)
  if ('problem' in fallback) return namesSubject ? given : fallback
  return {
    ...(namesSubject ? given : fallback),
    ...(given.issuer !== undefined
      ? { issuer: given.issuer }
      : fallback.issuer === undefined
        ? {}
        : { issuer: fallback.issuer }),
  }
}

function subjectProblems(
  name: string,
  sha: string,
  signed: ReadonlyMap<string, SignedStatement>,
): string[] {
  const problems: string[] = []
  for (const [statement, { subjects }] of signed) {
    const listed = subjects.get(name)
    if (listed === undefined) problems.push(`the signed ${statement} does not list it`)
    else if (listed !== sha) problems.push(`the signed ${statement} says ${listed}`)
  }
  return problems
}

/** A subject the signature vouches for that the release does not hold: a file was removed. */
function reportMissingSubjects(
  signed: ReadonlyMap<string, SignedStatement>,
  byName: ReadonlyMap<string, RemoteAsset>,
  fail: (name: string, detail: string) => void,
): void {
  const missing = new Map<string, string>()
  for (const [statement, { subjects }] of signed) {
    for (const name of subjects.keys()) {
      if (!byName.has(name) && !missing.has(name)) missing.set(name, statement)
    }
  }
  for (const [name, statement] of missing) {
    fail(name, `the signed ${statement} lists it, but the release has no such file`)
  }
}

/**
 * Links to things not stored with the release (GitLab `asset_links`) are not subjects: the
 * signed evidence lists them with their URLs, and a link it does not list is reported.
 */
function checkExternalLinks(
  links: readonly RemoteAsset[],
  evidence: SignedStatement | undefined,
  pass: (name: string, detail: string) => void,
  fail: (name: string, detail: string) => void,
): void {
  const signedLinks =
    (evidence?.json.predicate as { links?: { name?: unknown; url?: unknown }[] } | undefined)
      ?.links ?? []
  for (const asset of links) {
    if (DERIVED_NAMES.includes(asset.name)) continue
    const listed = signedLinks.some((l) => l.name === asset.name && l.url === asset.url)
    if (listed) pass(asset.name, `a link to ${asset.url}, as the signed evidence lists it`)
    else fail(asset.name, `a link to ${asset.url} that the signed evidence does not list`)
  }
}

/** Stored with the release (GitHub, Gongfeng) or linked to the forge's own storage (GitLab). */
function isStored(asset: RemoteAsset): boolean {
  return asset.stored || asset.link === undefined
}

function parseStatement(payload: Buffer): SignedStatement | undefined {
  try {
    const json = JSON.parse(payload.toString('utf8')) as Record<string, unknown>
    const subject = json.subject
    if (!Array.isArray(subject)) return undefined
    const subjects = new Map<string, string>()
    for (const entry of subject as { name?: unknown; digest?: { sha256?: unknown } }[]) {
      if (typeof entry.name === 'string' && typeof entry.digest?.sha256 === 'string') {
        subjects.set(entry.name, entry.digest.sha256.toLowerCase())
      }
    }
    return { subjects, json }
  } catch {
    return undefined
  }
}

/** The asset's bytes as users download them: through the release's own download path where the forge has one. */
async function download(
  forge: Forge,
  asset: RemoteAsset,
  release: RemoteRelease,
): Promise<Buffer | undefined> {
  const stream = await forge.openAsset(asset, release)
  if (stream === undefined) return undefined
  const { bytes, complete } = await readAtMost(stream, MAX_DERIVED_BYTES)
  if (!complete) {
    throw new ReleaseError({
      code: 'VERIFY_FAILED',
      message: `${asset.name} is larger than ${MAX_DERIVED_BYTES} bytes: not a file forge-release wrote.`,
    })
  }
  return bytes
}

async function hashDownload(
  forge: Forge,
  asset: RemoteAsset,
  release: RemoteRelease,
): Promise<string | undefined> {
  const stream: Readable | undefined = await forge.openAsset(asset, release)
  if (stream === undefined) return undefined
  const hash = createHash('sha256')
  for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk)
  return hash.digest('hex')
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}
