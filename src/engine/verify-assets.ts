import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import { DERIVED_NAMES } from '../plan/derived-names.js'
import { mapLimit } from './map-limit.js'
import { requireRelease, type RunContext, type RunState } from './run-context.js'
import { plural } from '../plural.js'

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
 * The verify step. A run that wrote nothing published nothing: its files were verified by the
 * run that published them.
 */
export async function verifyPublished(context: RunContext, state: RunState): Promise<void> {
  const { forge, log } = context
  if (state.writes === 0) {
    log.info(
      'Nothing was published by this run; its assets were verified by the run that published them',
    )
    return
  }
  const release = requireRelease(state, 'verify the assets')
  const sizes = new Map(context.plan.files.map((f) => [f.name, f.size]))
  const everyAsset = state.everyAsset ?? [...state.stored.values()]
  const expected = everyAsset
    .filter((a) => sizes.has(a.name) || DERIVED_NAMES.includes(a.name))
    .map((asset): ExpectedAsset => {
      const size = sizes.get(asset.name) ?? asset.size ?? 0
      if (!DERIVED_NAMES.includes(asset.name)) return { asset, size }
      // In a build matrix another job may rewrite SHA256SUMS and the evidence after this one
      // wrote them; a failed check of a file replaced since is that job's to make.
      const replacedSince = async (): Promise<boolean> => {
        const now = (await forge.listAssets(release, release.tagName)).find(
          (a) => a.name === asset.name && a.stored,
        )
        if (now === undefined) return true
        // A new version has a new id where the forge has ids; elsewhere only its size tells.
        return asset.handle === undefined
          ? now.size !== size
          : JSON.stringify(now.handle) !== JSON.stringify(asset.handle)
      }
      return { asset, size, replacedSince }
    })
  await verifyAssets(forge, release, expected, log)
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
      if (served !== size)
        failure = `the forge serves ${plural(served, 'byte')}, the file has ${size}`
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
  log.info(`Verified ${plural(expected.length, 'asset')} through the release's download links`)
}
