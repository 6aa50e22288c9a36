import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import { mapLimit } from './map-limit.js'

/**
 * Checks in flight at once. Each is a HEAD or two (the download path and its redirect) with no
 * body, so the wait is round trips: 200 assets over a 100 ms link take 10 s four at a time.
 * Eight matches the transport's smallest connection pool.
 */
const VERIFY_PARALLELISM = 8

export interface ExpectedAsset {
  readonly asset: RemoteAsset
  readonly size: number
  /**
   * For files other jobs may rewrite (SHA256SUMS, the evidence): whether the release holds
   * another version of it by now. A failed check of a file replaced since is not this run's.
   */
  readonly replacedSince?: () => Promise<boolean>
}

/**
 * Fetches every published file through the forge's download path and compares its size with
 * the local file, so a release never ends with a dead or truncated link unnoticed.
 */
export async function verifyAssets(
  forge: Forge,
  release: RemoteRelease,
  expected: readonly ExpectedAsset[],
  log: Logger,
): Promise<void> {
  const failures: string[] = []
  await mapLimit(expected, VERIFY_PARALLELISM, async ({ asset, size, replacedSince }) => {
    let failure: string | undefined
    try {
      const served = await forge.fetchAssetSize(release, asset)
      if (served !== size) failure = `the forge serves ${served} bytes, the file has ${size}`
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error)
    }
    if (failure === undefined) return
    if (replacedSince !== undefined && (await replacedSince())) {
      log.debug(
        `${asset.name} was replaced by another job meanwhile (${failure}); not checked here`,
      )
      return
    }
    failures.push(`${asset.name}: ${failure}`)
  })
  if (failures.length > 0) {
    throw new ReleaseError({
      code: 'VERIFY_FAILED',
      message: `Published assets do not match the files:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
      hint: 'Run the job again to re-upload them (set verify: false to skip this check).',
    })
  }
  log.info(
    `Verified ${expected.length} asset${expected.length === 1 ? '' : 's'} through the release's download links`,
  )
}
