import { formatBytes } from '../assets/asset-size.js'
import { FileDigest } from '../assets/file-digest.js'
import { hashFilesOnAllCores } from '../assets/hash-pool.js'
import type { LocalFile } from '../assets/local-file.js'
import { ReleaseError } from '../errors.js'
import {
  hasLabels,
  hasSameNameTwins,
  type ReadBack,
  type RemoteAsset,
  type RemoteRelease,
  type UploadFile,
} from '../forges/forge.js'
import type { PlannedFile } from '../plan/release-plan.js'
import { confirmWrite, type ConfirmedWrite } from './confirm-write.js'
import { createProgressReporter } from './progress.js'
import { requireRelease, type RunContext, type RunState } from './run-context.js'

export function toUploadFile(file: LocalFile): UploadFile {
  return {
    name: file.name,
    path: file.path,
    size: file.size,
    contentType: file.contentType,
    digest: new FileDigest(file.path, file.size, file.sha256, file.identity),
    ...(file.originalName === undefined ? {} : { originalName: file.originalName }),
  }
}

/**
 * Stores one file, once. A lost answer or a taken name is read back: our bytes there are kept;
 * another job's different version stays (replacing it would start a tug of war between jobs).
 */
export async function storeFile(
  context: RunContext,
  release: RemoteRelease | undefined,
  upload: UploadFile,
  replacing: RemoteAsset | undefined,
  onProgress: (sentBytes: number) => void = () => undefined,
): Promise<ConfirmedWrite<RemoteAsset>> {
  const { forge } = context
  return confirmWrite(
    {
      what: `upload ${upload.name}`,
      write: () => forge.uploadAsset(release, upload, replacing, onProgress),
      readBack: (situation) => forge.readBackAsset(release, upload, situation),
    },
    context.waits,
  )
}

/** The upload step of one planned file. */
export async function uploadPlannedFile(
  context: RunContext,
  state: RunState,
  file: LocalFile,
  replacing: RemoteAsset | undefined,
): Promise<void> {
  const { log } = context
  log.info(
    `${replacing === undefined ? 'Uploading' : 'Replacing'} ${file.name} (${formatBytes(file.size)})`,
  )
  const progress = createProgressReporter(file.name, file.size, log, context.progressIntervalMs)
  const upload = { ...toUploadFile(file), nameSettledLater: hasSameNameTwins(context.forge) }
  const result = await storeFile(context, state.release, upload, replacing, progress)
  state.stored.set(file.name, result.value)
  state.writes++
  if (result.how === 'other') {
    log.warn(`Another job stored a different ${file.name} at the same moment; keeping that one`)
    state.foreign.add(file.name)
    return
  }
  const sha256 = await upload.digest.value()
  state.uploadedShas.set(file.name, sha256)
  log.info(`Uploaded ${file.name}  sha256:${sha256}`)
}

/**
 * The settle-names step: after the uploads, one look at what holds each of their names (forges
 * that keep two files of one name). An upload that lost its name to another job's gives way as
 * a lost upload does; one whose name nothing holds any more is stored again.
 */
export async function settleUploadedNames(
  context: RunContext,
  state: RunState,
  names: readonly string[],
): Promise<void> {
  const { forge, log } = context
  if (!hasSameNameTwins(forge)) return
  const release = requireRelease(state, 'check the uploaded names')
  const settling = new Set(names)
  const files = context.plan.files.filter((file) => settling.has(file.name))
  const uploads = files.flatMap((file) => {
    const stored = state.stored.get(file.name)
    const ours = stored !== undefined && state.uploadedShas.has(file.name)
    return ours ? [{ file: toUploadFile(file), stored }] : []
  })
  const found = await forge.settleNames(release, uploads)
  for (const [i, { file }] of uploads.entries()) {
    const holder = await storedAgainIfAbsent(context, release, file, found[i])
    state.stored.set(file.name, holder.value)
    if (holder.kind === 'other') {
      log.warn(`Another job stored a different ${file.name} at the same moment; keeping that one`)
      state.uploadedShas.delete(file.name)
      state.foreign.add(file.name)
    }
  }
}

async function storedAgainIfAbsent(
  context: RunContext,
  release: RemoteRelease,
  file: UploadFile,
  found: ReadBack<RemoteAsset> | undefined,
): Promise<Exclude<ReadBack<RemoteAsset>, { kind: 'absent' }>> {
  if (found !== undefined && found.kind !== 'absent') return found
  context.log.warn(`${file.name} vanished from the release after its upload; storing it again`)
  const again = await storeFile(context, release, file, undefined)
  return { kind: again.how === 'other' ? 'other' : 'landed', value: again.value }
}

/**
 * The label step: a kept file the forge renamed gets the name it was given as its label. A forge
 * that refuses (a published immutable release) leaves it as it is, with a warning.
 */
export async function labelAsset(
  context: RunContext,
  state: RunState,
  asset: RemoteAsset,
  label: string,
): Promise<void> {
  const { forge, log } = context
  if (!hasLabels(forge)) return
  const release = requireRelease(state, `label ${asset.name}`)
  try {
    const labelled = await forge.labelAsset(release, asset, label)
    state.stored.set(asset.name, labelled)
    state.writes++
    log.info(`Labelled ${asset.name} with the name it was given: ${label}`)
  } catch (error) {
    if (!(error instanceof ReleaseError) || error.code !== 'FORBIDDEN') throw error
    log.warn(`Left ${asset.name} without the label ${label}: ${error.message}`)
  }
}

/** Records the files the forge already holds, for links, outputs and the derived files. */
export function keepStoredFiles(
  context: RunContext,
  state: RunState,
  kept: readonly { kind: 'keep' | 'keep-other'; file: LocalFile; existing: RemoteAsset }[],
): void {
  for (const decision of kept) {
    if (decision.kind === 'keep') {
      context.log.info(`Keeping ${decision.file.name}: the same content is already there`)
    } else {
      context.log.warn(
        `Keeping the existing ${decision.file.name}, which differs from the local file (if_asset_exists: skip)`,
      )
      state.foreign.add(decision.file.name)
    }
    state.stored.set(decision.file.name, decision.existing)
  }
}

/** Hashes the files that have no sha256 yet (those with one are returned as they are). */
export async function withHashes(
  files: readonly LocalFile[],
  known: ReadonlyMap<string, string> = new Map(),
): Promise<PlannedFile[]> {
  const missing = files.filter((f) => f.sha256 === undefined && !known.has(f.name))
  const hashed = new Map((await hashFilesOnAllCores(missing)).map((f) => [f.name, f.sha256]))
  return files.map((file) => {
    const sha256 = file.sha256 ?? known.get(file.name) ?? hashed.get(file.name)
    if (sha256 === undefined) {
      throw new ReleaseError({ code: 'INTERNAL', message: `${file.name} was not hashed` })
    }
    return { ...file, sha256 }
  })
}
