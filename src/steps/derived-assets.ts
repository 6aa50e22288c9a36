import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

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
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import type { ReleasePlan } from '../plan/release-plan.js'
import type { CiContext } from '../settings/settings.js'
import { CHECKSUMS_NAME, DERIVED_NAMES, EVIDENCE_NAME } from './derived-names.js'
import { addShasFromChecksums, hashRemoteAsset, readRemoteText } from './read-remote.js'
import { toUploadFile } from './upload-assets.js'
import { plural } from '../plural.js'

/** Rounds of read, compare, write before giving up on a release other jobs keep changing. */
const MAX_ROUNDS = 8

export interface DerivedOptions {
  readonly forge: Forge
  readonly release: RemoteRelease
  readonly plan: ReleasePlan
  readonly checksums: boolean
  readonly evidence: boolean
  readonly ci: CiContext
  readonly outDir: string
  readonly log: Logger
  readonly now: () => Date
  readonly sleep: (ms: number) => Promise<void>
  /** Called after a derived file is stored (GitLab links it). */
  readonly afterStore: (asset: RemoteAsset, current: readonly RemoteAsset[]) => Promise<void>
  /**
   * The files this run stored or kept, with their sha256. On forges that report no sha256
   * (Gongfeng) the release's old SHA256SUMS would otherwise supply the sha of a file this run
   * just replaced, and the new SHA256SUMS would list the old content's sha.
   */
  readonly stored?: ReadonlyMap<string, RemoteAsset>
}

export interface DerivedResult {
  /** Every file of the release with its sha256 (derived files included), as the forge holds them. */
  readonly assets: readonly RemoteAsset[]
  readonly evidenceFile?: string
  readonly evidenceSha?: string
  readonly uploads: number
}

/**
 * SHA256SUMS and the evidence describe every file of the release, including files other jobs
 * of a build matrix added. Each round reads the release, computes both files and rewrites
 * whichever differs; it ends when a round finds the server already right. A job that finishes
 * last therefore always leaves files that list everything (every job re-checks after its writes).
 */
export async function publishDerivedAssets(options: DerivedOptions): Promise<DerivedResult> {
  const { forge, release, plan, log } = options
  await mkdir(options.outDir, { recursive: true })
  const ours = new Map(plan.files.map((f) => [f.name, f]))
  let uploads = 0
  for (let round = 0; round < MAX_ROUNDS; round++) {
    try {
      const listed = await forge.listAssets(release, release.tagName)
      const { assets: remote } = await addShasFromChecksums(forge, listed)
      const files = await resolveShas(
        forge,
        remote.filter((a) => a.stored && !DERIVED_NAMES.includes(a.name)),
        ours,
        options.stored,
      )
      let wrote = false
      let current = remote

      let checksumsAsset = remote.find((a) => a.name === CHECKSUMS_NAME && a.stored)
      const derivedSizes = new Map<string, number>()
      // Forges that report no sha256 of their files (Gongfeng) still get one in the outputs.
      const derivedShas = new Map<string, string>()
      if (options.checksums) {
        const text = renderSha256Sums(files.map((f) => ({ name: f.name, sha256: f.sha256 })))
        derivedSizes.set(CHECKSUMS_NAME, Buffer.byteLength(text))
        derivedShas.set(CHECKSUMS_NAME, sha256Hex(text))
        const file = path.join(options.outDir, CHECKSUMS_NAME)
        await writeFile(file, text)
        if (checksumsAsset === undefined || !(await holdsText(forge, checksumsAsset, text))) {
          log.info(
            `${checksumsAsset === undefined ? 'Uploading' : 'Updating'} ${CHECKSUMS_NAME} (${plural(files.length, 'file')})`,
          )
          checksumsAsset = await storeText(
            forge,
            release,
            CHECKSUMS_NAME,
            file,
            text,
            checksumsAsset,
          )
          uploads++
          wrote = true
          current = upsert(current, checksumsAsset)
        }
        await options.afterStore(checksumsAsset, current)
      }

      let evidenceFile: string | undefined
      let evidenceSha: string | undefined
      if (options.evidence) {
        const subjects: EvidenceAsset[] = files.map((f) => ({
          name: f.name,
          url: f.url,
          size: f.size,
          sha256: f.sha256,
        }))
        const checksumsSha = derivedShas.get(CHECKSUMS_NAME)
        if (checksumsAsset !== undefined && checksumsSha !== undefined) {
          subjects.push({
            name: CHECKSUMS_NAME,
            url: checksumsAsset.url,
            size: derivedSizes.get(CHECKSUMS_NAME),
            sha256: checksumsSha,
          })
        }
        const statement = buildEvidence({
          release,
          platform: plan.platform,
          assets: subjects,
          externalLinks: plan.externalLinks,
          ci: options.ci,
          collectedAt: options.now().toISOString(),
        })
        let text = serialiseEvidence(statement)
        let evidenceAsset = remote.find((a) => a.name === EVIDENCE_NAME && a.stored)
        const serverText =
          evidenceAsset === undefined ? undefined : await readRemoteText(forge, evidenceAsset)
        const serverStatement = serverText === undefined ? undefined : parseEvidence(serverText)
        evidenceFile = path.join(options.outDir, EVIDENCE_NAME)
        if (
          evidenceAsset !== undefined &&
          serverText !== undefined &&
          serverStatement !== undefined &&
          sameEvidence(serverStatement, statement)
        ) {
          // Unchanged release: keep the evidence as first collected, so its sha stays the same.
          text = serverText
          await writeFile(evidenceFile, text)
        } else {
          await writeFile(evidenceFile, text)
          log.info(`${evidenceAsset === undefined ? 'Uploading' : 'Updating'} ${EVIDENCE_NAME}`)
          evidenceAsset = await storeText(
            forge,
            release,
            EVIDENCE_NAME,
            evidenceFile,
            text,
            evidenceAsset,
          )
          uploads++
          wrote = true
          current = upsert(current, evidenceAsset)
        }
        evidenceSha = sha256Hex(text)
        derivedSizes.set(EVIDENCE_NAME, Buffer.byteLength(text))
        derivedShas.set(EVIDENCE_NAME, evidenceSha)
        await options.afterStore(evidenceAsset, current)
      }

      if (!wrote) {
        const all = [
          ...files,
          ...current
            .filter((a) => a.stored && DERIVED_NAMES.includes(a.name))
            .map((a) => ({
              ...a,
              size: derivedSizes.get(a.name) ?? a.size,
              sha256: derivedShas.get(a.name) ?? a.sha256,
            })),
        ]
        return {
          assets: all,
          uploads,
          ...(evidenceFile === undefined ? {} : { evidenceFile }),
          ...(evidenceSha === undefined ? {} : { evidenceSha }),
        }
      }
    } catch (error) {
      // A file vanished while this round read it: another job is replacing it (forges that
      // cannot overwrite, like Gongfeng, delete first). Or another job stored SHA256SUMS or the
      // evidence under the same name a moment before this one (GitHub: 422 already_exists).
      // Read everything again next round.
      const vanished =
        error instanceof ReleaseError &&
        (error.code === 'NOT_FOUND' || error.code === 'ASSET_EXISTS')
      if (!vanished || round === MAX_ROUNDS - 1) throw error
      log.debug(`A file of the release changed while it was read (${error.message}); reading again`)
    }
    // The first check after a write is immediate. Jobs still racing on the same files after
    // that would rewrite in lockstep; a random pause lets one of them lead.
    if (round > 0) await options.sleep(100 + Math.floor(Math.random() * 400))
  }
  log.warn(
    'SHA256SUMS and the evidence kept changing under other jobs; the last job to finish will complete them',
  )
  return { assets: [], uploads }
}

async function resolveShas(
  forge: Forge,
  assets: readonly RemoteAsset[],
  ours: ReadonlyMap<string, { sha256: string; size: number }>,
  stored: ReadonlyMap<string, RemoteAsset> | undefined,
): Promise<(RemoteAsset & { sha256: string })[]> {
  const resolved: (RemoteAsset & { sha256: string })[] = []
  for (const asset of assets) {
    const local = ours.get(asset.name)
    // What this run stored beats an older SHA256SUMS, unless the file changed since (its size).
    const mine = stored?.get(asset.name)
    const fresh =
      mine?.sha256 !== undefined && (asset.size === undefined || asset.size === mine.size)
        ? mine.sha256
        : undefined
    let sha256 = fresh ?? asset.sha256
    if (
      sha256 === undefined &&
      local !== undefined &&
      (asset.size === undefined || asset.size === local.size)
    ) {
      sha256 = local.sha256
    }
    if (sha256 === undefined) {
      // Another job's file that neither the forge nor SHA256SUMS describes: hash it ourselves.
      const measured = await hashRemoteAsset(forge, asset)
      resolved.push({ ...asset, sha256: measured.sha256, size: measured.size })
      continue
    }
    resolved.push({ ...asset, sha256 })
  }
  return resolved
}

async function holdsText(forge: Forge, asset: RemoteAsset, text: string): Promise<boolean> {
  if (asset.sha256 !== undefined) return asset.sha256 === sha256Hex(text)
  return (await readRemoteText(forge, asset)) === text
}

async function storeText(
  forge: Forge,
  release: RemoteRelease,
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
    directAssetPath: `/${name}`,
  })
  return forge.uploadAsset(release, upload, replacing, () => undefined)
}

/** Puts a freshly stored file in place of its namesake, keeping the link the old one had. */
function upsert(assets: readonly RemoteAsset[], asset: RemoteAsset): RemoteAsset[] {
  const previous = assets.find((a) => a.name === asset.name)
  const link = asset.link ?? previous?.link
  return [
    ...assets.filter((a) => a.name !== asset.name),
    link === undefined ? asset : { ...asset, link },
  ]
}
