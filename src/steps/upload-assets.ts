import type { Forge, RemoteAsset, RemoteRelease, UploadFile } from '../forges/forge.js'
import type { Logger } from '../log.js'
import type { AssetDecision } from '../plan/reconcile.js'
import type { PlannedFile } from '../plan/release-plan.js'
import { mapLimit } from './map-limit.js'
import { formatBytes } from '../assets/asset-size.js'
import { createProgressReporter } from './progress.js'

export interface UploadOptions {
  readonly maxParallel: number
  readonly log: Logger
  readonly progressIntervalMs: number
}

export function toUploadFile(file: PlannedFile): UploadFile {
  return {
    name: file.name,
    path: file.path,
    size: file.size,
    sha256: file.sha256,
    contentType: file.contentType,
  }
}

/**
 * SPEC step 4 (files): stores every file the reconciliation says is missing or different,
 * with bounded parallelism. Returns the stored asset of every planned file, kept or uploaded.
 */
export async function uploadAssets(
  forge: Forge,
  release: RemoteRelease | undefined,
  decisions: readonly AssetDecision[],
  options: UploadOptions,
): Promise<Map<string, RemoteAsset>> {
  const { log } = options
  const stored = new Map<string, RemoteAsset>()
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
    const asset = await forge.uploadAsset(release, toUploadFile(file), replacing, progress)
    stored.set(file.name, asset)
  })
  return stored
}
