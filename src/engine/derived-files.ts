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
import { hasLinks, type RemoteAsset } from '../forges/forge.js'
import { CHECKSUMS_NAME, DERIVED_NAMES, EVIDENCE_NAME } from '../plan/derived-names.js'
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

/**
 * The write-checksums and write-evidence steps. SHA256SUMS and the evidence describe every file
 * of the release, including files other jobs of a build matrix added. Each round re-reads the
 * release, computes both files and rewrites whichever differs; it ends when a round finds the
 * server already right, so the job that finishes last always leaves files that list everything.
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
  if (context.evidence) await writeEvidence(context, state, round, checksums)
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

async function writeEvidence(
  context: RunContext,
  state: RunState,
  round: Round,
  checksums: RemoteAsset | undefined,
): Promise<void> {
  const release = requireRelease(state, 'write the evidence')
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
  const statement = buildEvidence({
    release,
    platform: context.plan.platform,
    assets: subjects,
    externalLinks: context.plan.externalLinks,
    ci: context.ci,
    collectedAt: context.now().toISOString(),
  })
  let text = serialiseEvidence(statement)
  let asset = round.current.find((a) => a.name === EVIDENCE_NAME && a.stored)
  const serverText =
    asset === undefined ? undefined : await readRemoteText(context.forge, asset, context.waits)
  const serverStatement = serverText === undefined ? undefined : parseEvidence(serverText)
  const file = path.join(context.outDir, EVIDENCE_NAME)
  if (
    asset !== undefined &&
    serverText !== undefined &&
    serverStatement !== undefined &&
    sameEvidence(serverStatement, statement)
  ) {
    // Unchanged release: keep the evidence as first collected, so its sha stays the same.
    text = serverText
    await writeFile(file, text)
  } else {
    await writeFile(file, text)
    context.log.info(`${asset === undefined ? 'Uploading' : 'Updating'} ${EVIDENCE_NAME}`)
    asset = await storeText(context, state, round, EVIDENCE_NAME, file, text, asset)
  }
  state.evidenceFile = file
  state.evidenceSha = sha256Hex(text)
  round.sizes.set(EVIDENCE_NAME, Buffer.byteLength(text))
  round.shas.set(EVIDENCE_NAME, state.evidenceSha)
  await linkDerived(context, state, asset, round.current)
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
