import { formatBytes } from '../assets/asset-size.js'
import { FileDigest } from '../assets/file-digest.js'
import { hashFilesOnAllCores } from '../assets/hash-pool.js'
import type { LocalFile } from '../assets/local-file.js'
import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease, UploadFile } from '../forges/forge.js'
import type { Logger } from '../log.js'
import type { AssetDecision } from '../plan/reconcile.js'
import type { PlannedFile } from '../plan/release-plan.js'
import { mapLimit } from './map-limit.js'
import { createProgressReporter } from './progress.js'

export interface UploadOptions {
  readonly maxParallel: number
  readonly log: Logger
  readonly progressIntervalMs: number
}

export function toUploadFile(file: LocalFile): UploadFile {
  return {
    name: file.name,
    path: file.path,
    size: file.size,
    contentType: file.contentType,
    digest: new FileDigest(file.path, file.size, file.sha256, file.identity),
  }
}

export interface UploadResult {
  /** The stored asset of every planned file, kept or uploaded. */
  readonly stored: Map<string, RemoteAsset>
  /** The sha256 of every uploaded file, learnt from the bytes its upload read. */
  readonly uploadedShas: Map<string, string>
}

/**
 * SPEC step 4 (files): stores every file the reconciliation says is missing or different,
 * with bounded parallelism.
 */
export async function uploadAssets(
  forge: Forge,
  release: RemoteRelease | undefined,
  decisions: readonly AssetDecision[],
  options: UploadOptions,
): Promise<UploadResult> {
  const { log } = options
  const stored = new Map<string, RemoteAsset>()
  const uploadedShas = new Map<string, string>()
  const toUpload = decisions.filter((d) => d.kind === 'upload' || d.kind === 'replace')
  for (const decision of decisions) {
    if (decision.kind === 'keep') {
      log.info(`Keeping ${decision.file.name}: the same content is already there`)
      stored.set(decision.file.name, decision.existing)
    } else if (decision.kind === 'keep-other') {
      log.warn(
        `Keeping the existing ${decision.file.name}, which differs from the local file (if_asset_exists: skip)`,
      )
      stored.set(decision.file.name, decision.existing)
    }
  }
  await mapLimit(toUpload, options.maxParallel, async (decision) => {
    const { file } = decision
    const replacing = decision.kind === 'replace' ? decision.existing : undefined
    log.info(
      `${replacing === undefined ? 'Uploading' : 'Replacing'} ${file.name} (${formatBytes(file.size)})`,
    )
    const progress = createProgressReporter(file.name, file.size, log, options.progressIntervalMs)
    const upload = toUploadFile(file)
    const asset = await forge.uploadAsset(release, upload, replacing, progress)
    stored.set(file.name, asset)
    const sha256 = await upload.digest.value()
    uploadedShas.set(file.name, sha256)
    log.info(`Uploaded ${file.name}  sha256:${sha256}`)
  })
  return { stored, uploadedShas }
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
