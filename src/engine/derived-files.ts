import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { defaultDirectAssetPath } from '../assets/asset-name.js'
import { renderSha256Sums } from '../assets/sha256sums.js'
import { ReleaseError } from '../errors.js'
import {
  buildEvidence,
  parseEvidence,
  sameEvidence,
  serialiseEvidence,
  sha256Hex,
  type EvidenceAsset,
} from '../evidence/build-evidence.js'
import {
  buildProvenance,
  parseProvenance,
  sameProvenance,
  serialiseProvenance,
} from '../evidence/build-provenance.js'
import { hasLinks, type RemoteAsset } from '../forges/forge.js'
import {
  CHECKSUMS_NAME,
  DERIVED_NAMES,
  EVIDENCE_NAME,
  PROVENANCE_NAME,
  bundleNameOf,
} from '../plan/derived-names.js'
import type { BundleFacts } from '../signing/bundle-facts.js'
import { describeIdentity } from '../signing/identity-policy.js'
import { IN_TOTO_PAYLOAD_TYPE, type SignerIdentity } from '../signing/statement-signer.js'
import { ensureLinks, linkSpec, linksOf } from './link-assets.js'
import { addShasFromChecksums, hashRemoteAsset, readRemoteText } from './read-remote.js'
import { requireRelease, type RunContext, type RunState } from './run-context.js'
import { storeFile, toUploadFile } from './upload-files.js'

/** Rounds of read, compare, write before leaving the derived files to the last job to finish. */
const MAX_ROUNDS = 8

type HashedAsset = RemoteAsset & { readonly sha256: string }

/** One round's view of the release: its files with their sha256, as the forge holds them. */
interface Round {
  current: RemoteAsset[]
  readonly files: readonly HashedAsset[]
  readonly sizes: Map<string, number>
  readonly shas: Map<string, string>
  wrote: boolean
}

/** A statement as the release holds it after this round. */
interface SettledStatement {
  readonly name: string
  readonly text: string
}

/**
 * The write-checksums, write-evidence, write-provenance and sign-evidence steps. SHA256SUMS and
 * the statements describe every file of the release, including files other jobs of a build
 * matrix added. Each round re-reads the release, computes the files and rewrites whichever
 * differs; it ends when a round finds the server already right, so the job that finishes last
 * always leaves files that list everything. Statements are signed in a round that found them
 * right, so a signature is never made for a version another job is about to replace.
 */
export async function writeDerivedFiles(context: RunContext, state: RunState): Promise<void> {
  const { log } = context
  await mkdir(context.outDir, { recursive: true })
  for (let round = 0; round < MAX_ROUNDS; round++) {
    try {
      const result = await derivedRound(context, state)
      if (!result.wrote) {
        state.everyAsset = [
          ...result.files,
          ...result.current
            .filter((a) => a.stored && DERIVED_NAMES.includes(a.name))
            .map((a) => ({
              ...a,
              size: result.sizes.get(a.name) ?? a.size,
              sha256: result.shas.get(a.name) ?? a.sha256,
            })),
        ]
        return
      }
    } catch (error) {
      // A file vanished while this round read it: another job is replacing it (forges that
      // cannot overwrite delete first). Read everything again next round.
      const vanished = error instanceof ReleaseError && error.code === 'NOT_FOUND'
      if (!vanished || round === MAX_ROUNDS - 1) throw error
      log.debug(`A file of the release changed while it was read (${error.message}); reading again`)
    }
    // The first check after a write is immediate; jobs still racing after that would rewrite
    // in lockstep, so the policy's jittered pause lets one of them lead.
    if (round > 0) await context.waits.pause(round)
  }
  log.warn(
    'SHA256SUMS and the evidence kept changing under other jobs; the last job to finish will complete them',
  )
}

async function derivedRound(context: RunContext, state: RunState): Promise<Round> {
  const { forge } = context
  const release = requireRelease(state, 'write SHA256SUMS and the evidence')
  const listed = await forge.listAssets(release, release.tagName)
  const current = await addShasFromChecksums(forge, listed, context.waits)
  const files = await resolveShas(
    context,
    state,
    current.filter((a) => a.stored && !DERIVED_NAMES.includes(a.name)),
  )
  const round: Round = { current, files, sizes: new Map(), shas: new Map(), wrote: false }
  const checksums = context.checksums ? await writeChecksums(context, state, round) : undefined
  if (!context.evidence) return round
  const subjects = subjectsOf(round, checksums)
  // Both describe the same subjects, so they are stored side by side.
  const statements = await Promise.all([
    writeEvidence(context, state, round, subjects),
    writeProvenance(context, state, round, subjects),
  ])
  if (context.signer !== undefined && !round.wrote && subjects.length > 0) {
    for (const statement of statements) {
      if (state.signingSkipped === undefined) await signStatement(context, state, round, statement)
    }
  }
  return round
}

async function writeChecksums(
  context: RunContext,
  state: RunState,
  round: Round,
): Promise<RemoteAsset> {
  const text = renderSha256Sums(round.files.map((f) => ({ name: f.name, sha256: f.sha256 })))
  round.sizes.set(CHECKSUMS_NAME, Buffer.byteLength(text))
  round.shas.set(CHECKSUMS_NAME, sha256Hex(text))
  const file = path.join(context.outDir, CHECKSUMS_NAME)
  await writeFile(file, text)
  let asset = round.current.find((a) => a.name === CHECKSUMS_NAME && a.stored)
  if (asset === undefined || !(await holdsText(context, asset, text))) {
    context.log.info(
      `${asset === undefined ? 'Uploading' : 'Updating'} ${CHECKSUMS_NAME} (${round.files.length} file${round.files.length === 1 ? '' : 's'})`,
    )
    asset = await storeText(context, state, round, CHECKSUMS_NAME, file, text, asset)
  }
  await linkDerived(context, state, asset, round.current)
  return asset
}

/** Every file of the release and SHA256SUMS: what both statements are about. */
function subjectsOf(round: Round, checksums: RemoteAsset | undefined): EvidenceAsset[] {
  const subjects: EvidenceAsset[] = round.files.map((f) => ({
    name: f.name,
    url: f.url,
    size: f.size,
    sha256: f.sha256,
  }))
  const checksumsSha = round.shas.get(CHECKSUMS_NAME)
  if (checksums !== undefined && checksumsSha !== undefined) {
    subjects.push({
      name: CHECKSUMS_NAME,
      url: checksums.url,
      size: round.sizes.get(CHECKSUMS_NAME),
      sha256: checksumsSha,
    })
  }
  return subjects
}

async function writeEvidence(
  context: RunContext,
  state: RunState,
  round: Round,
  subjects: readonly EvidenceAsset[],
): Promise<SettledStatement> {
  const release = requireRelease(state, 'write the evidence')
  const statement = buildEvidence({
    release,
    platform: context.plan.platform,
    assets: subjects,
    externalLinks: context.plan.externalLinks,
    ci: context.ci,
    collectedAt: context.now().toISOString(),
  })
  const settled = await writeStatement(context, state, round, {
    name: EVIDENCE_NAME,
    text: serialiseEvidence(statement),
    // Unchanged release: keep the evidence as first collected, so its sha stays the same.
    keeps: (server) => {
      const parsed = parseEvidence(server)
      return parsed !== undefined && sameEvidence(parsed, statement)
    },
  })
  state.evidenceFile = path.join(context.outDir, EVIDENCE_NAME)
  state.evidenceSha = sha256Hex(settled.text)
  return settled
}

async function writeProvenance(
  context: RunContext,
  state: RunState,
  round: Round,
  subjects: readonly EvidenceAsset[],
): Promise<SettledStatement> {
  const statement = buildProvenance({
    subjects,
    release: requireRelease(state, 'write the provenance'),
    ci: context.ci,
  })
  const settled = await writeStatement(context, state, round, {
    name: PROVENANCE_NAME,
    text: serialiseProvenance(statement),
    // The same files built the same way: a re-run (another run of the workflow) keeps it.
    keeps: (server) => {
      const parsed = parseProvenance(server)
      return parsed !== undefined && sameProvenance(parsed, statement)
    },
  })
  state.provenanceFile = path.join(context.outDir, PROVENANCE_NAME)
  return settled
}

/**
 * Writes a statement locally and to the release, unless the release already holds one that
 * says the same (`keeps`): then that version is kept, byte for byte, and written locally.
 */
async function writeStatement(
  context: RunContext,
  state: RunState,
  round: Round,
  wanted: { readonly name: string; readonly text: string; keeps(server: string): boolean },
): Promise<SettledStatement> {
  const { name } = wanted
  let asset = round.current.find((a) => a.name === name && a.stored)
  const serverText = asset === undefined ? undefined : await textOf(context, state, asset)
  const file = path.join(context.outDir, name)
  let text = wanted.text
  if (asset !== undefined && serverText !== undefined && wanted.keeps(serverText)) {
    text = serverText
    await writeFile(file, text)
  } else {
    await writeFile(file, text)
    context.log.info(`${asset === undefined ? 'Uploading' : 'Updating'} ${name}`)
    asset = await storeText(context, state, round, name, file, text, asset)
  }
  round.sizes.set(name, Buffer.byteLength(text))
  round.shas.set(name, sha256Hex(text))
  await linkDerived(context, state, asset, round.current)
  return { name, text }
}

/**
 * The sign-evidence step for one statement: the release keeps a bundle whose DSSE payload is
 * exactly the statement it holds (a re-run signs nothing); otherwise the statement is signed
 * and `<statement>.sigstore.json` uploaded.
 */
async function signStatement(
  context: RunContext,
  state: RunState,
  round: Round,
  statement: SettledStatement,
): Promise<void> {
  const { signer, log } = context
  if (signer === undefined) return
  const name = bundleNameOf(statement.name)
  let asset = round.current.find((a) => a.name === name && a.stored)
  const serverText = asset === undefined ? undefined : await textOf(context, state, asset)
  const facts = serverText === undefined ? undefined : await readBundleFactsLazily(serverText)
  const file = path.join(context.outDir, name)
  let text: string
  let identity: SignerIdentity | undefined
  if (
    asset !== undefined &&
    serverText !== undefined &&
    facts !== undefined &&
    !('problem' in facts) &&
    facts.payloadType === IN_TOTO_PAYLOAD_TYPE &&
    facts.payloadSha256 === sha256Hex(statement.text)
  ) {
    text = serverText
    identity = facts.identity
    await writeFile(file, text)
  } else {
    const outcome = await signer.sign(Buffer.from(statement.text), statement.name)
    if (outcome.kind === 'skipped') {
      state.signingSkipped = outcome.reason
      log.info(outcome.reason)
      return
    }
    text = outcome.bundle
    identity = outcome.identity
    await writeFile(file, text)
    log.info(
      `${asset === undefined ? 'Uploading' : 'Updating'} ${name}: ${statement.name} signed by ${describeIdentity(identity)}`,
    )
    asset = await storeText(context, state, round, name, file, text, asset)
  }
  round.sizes.set(name, Buffer.byteLength(text))
  round.shas.set(name, sha256Hex(text))
  await linkDerived(context, state, asset, round.current)
  state.bundles.set(statement.name, {
    name,
    statement: statement.name,
    asset,
    text,
    ...(identity === undefined ? {} : { identity }),
  })
}

/**
 * The sha256 of every file of the release: what this run stored, else what the forge or the
 * release's SHA256SUMS says, else the local file's, else (another job's file that nothing
 * describes) hashed through its download.
 */
async function resolveShas(
  context: RunContext,
  state: RunState,
  assets: readonly RemoteAsset[],
): Promise<HashedAsset[]> {
  const ours = new Map(context.plan.files.map((f) => [f.name, f]))
  const resolved: HashedAsset[] = []
  for (const asset of assets) {
    const local = ours.get(asset.name)
    const localSha = local?.sha256 ?? state.uploadedShas.get(asset.name)
    // What this run stored beats an older SHA256SUMS, unless the file changed since (its size).
    const mine = state.stored.get(asset.name)
    const mineSha =
      mine?.sha256 ?? (mine === undefined ? undefined : state.uploadedShas.get(asset.name))
    const fresh =
      mineSha !== undefined && (asset.size === undefined || asset.size === mine?.size)
        ? mineSha
        : undefined
    let sha256 = fresh ?? asset.sha256
    if (
      sha256 === undefined &&
      local !== undefined &&
      localSha !== undefined &&
      (asset.size === undefined || asset.size === local.size)
    ) {
      sha256 = localSha
    }
    if (sha256 === undefined) {
      const measured = await hashRemoteAsset(context.forge, asset, context.waits)
      resolved.push({ ...asset, sha256: measured.sha256, size: measured.size })
      continue
    }
    resolved.push({ ...asset, sha256 })
  }
  return resolved
}

async function holdsText(context: RunContext, asset: RemoteAsset, text: string): Promise<boolean> {
  if (asset.sha256 !== undefined) return asset.sha256 === sha256Hex(text)
  return (await readRemoteText(context.forge, asset, context.waits)) === text
}

/**
 * The text a stored derived file holds. Where the server reports its sha256 and that is the sha
 * of a text this run stored, it is that text: the round after a write reads no file back.
 */
async function textOf(context: RunContext, state: RunState, asset: RemoteAsset): Promise<string> {
  const known = asset.sha256 === undefined ? undefined : state.storedTexts.get(asset.sha256)
  return known ?? (await readRemoteText(context.forge, asset, context.waits))
}

async function storeText(
  context: RunContext,
  state: RunState,
  round: Round,
  name: string,
  file: string,
  text: string,
  replacing: RemoteAsset | undefined,
): Promise<RemoteAsset> {
  const upload = toUploadFile({
    name,
    path: file,
    size: Buffer.byteLength(text),
    sha256: sha256Hex(text),
    contentType: name === CHECKSUMS_NAME ? 'text/plain' : 'application/json',
    linkType: 'other',
  })
  const result = await storeFile(context, state.release, upload, replacing)
  state.storedTexts.set(sha256Hex(text), text)
  state.writes++
  // Whether ours or another job's version landed, the next round reads and compares again.
  round.wrote = true
  const previous = round.current.find((a) => a.name === name)
  const link = result.value.link ?? previous?.link
  round.current = [
    ...round.current.filter((a) => a.name !== name),
    link === undefined ? result.value : { ...result.value, link },
  ]
  return result.value
}

async function linkDerived(
  context: RunContext,
  state: RunState,
  asset: RemoteAsset,
  current: readonly RemoteAsset[],
): Promise<void> {
  if (!hasLinks(context.forge)) return
  const spec = linkSpec(asset, 'other', defaultDirectAssetPath(asset.name))
  await ensureLinks(context, state, [spec], linksOf(current))
}

/** bundle-facts.ts brings the Sigstore libraries: loaded by the runs that sign, only. */
async function readBundleFactsLazily(
  text: string,
): Promise<BundleFacts | { readonly problem: string }> {
  const { readBundleFacts } = await import(/* webpackMode: "eager" */ '../signing/bundle-facts.js')
  return readBundleFacts(text)
}
