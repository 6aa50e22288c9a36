import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import { DERIVED_NAMES } from '../plan/derived-names.js'
import type { VerifyMode } from '../plan/domain.js'
import { mapLimit } from './map-limit.js'
import { hashRemoteAsset } from './read-remote.js'
import type { RecoveryWaits } from './recovery-waits.js'
import { requireRelease, type RunContext, type RunState } from './run-context.js'
import { plural } from '../plural.js'

/**
 * Checks in flight at once. Most checks need no request; with `verify: full`, and where the
 * listing tells no size, each is a download or a one-byte ranged GET, so the wait is round trips:
 * 200 assets over a 100 ms link take 5 s eight at a time. Eight matches the transport's smallest
 * connection pool.
 */
const VERIFY_PARALLELISM = 8

export interface ExpectedAsset {
  /** The asset as this run stored or found it. */
  readonly asset: RemoteAsset
  /** What the file has: the size and, where known, the sha256 of the local bytes. */
  readonly size: number
  readonly sha256: string | undefined
  /**
   * For files other jobs may rewrite (SHA256SUMS, the evidence): whether the release holds
   * another version of it by now. A failed check of a file replaced since is not this run's.
   */
  readonly replacedSince?: () => Promise<boolean>
}

/** How one asset was checked, for the summary line. */
type Check = 'digest' | 'listed' | 'served' | 'download'

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
  const planned = new Map(context.plan.files.map((f) => [f.name, f]))
  const everyAsset = state.everyAsset ?? [...state.stored.values()]
  const expected = everyAsset.flatMap((asset): ExpectedAsset[] => {
    const local = planned.get(asset.name)
    if (local !== undefined) {
      if (state.foreign.has(asset.name)) {
        // Kept on purpose though it differs from the local file (if_asset_exists: skip, or
        // another job's version of the name): what it should hold is what the forge said.
        log.debug(`${asset.name} is another version than the local file; checked as listed`)
        if (asset.size === undefined) return []
        return [{ asset, size: asset.size, sha256: asset.sha256 }]
      }
      const sha256 = local.sha256 ?? state.uploadedShas.get(asset.name)
      return [{ asset, size: local.size, sha256 }]
    }
    if (!DERIVED_NAMES.includes(asset.name)) return []
    // In a build matrix another job may rewrite SHA256SUMS and the evidence after this one
    // wrote them; a failed check of a file replaced since is that job's to make.
    const size = asset.size ?? 0
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
    return [{ asset, size, sha256: asset.sha256, replacedSince }]
  })
  await verifyAssets(forge, release, expected, context.verify, log, context.waits)
}

/**
 * Checks every published file against the local one. The release is read afresh, and each file
 * is checked by the cheapest means that proves its content:
 *
 * - where the server reports the sha256 of the bytes it holds (GitHub's `digest`, GitLab's
 *   `file_sha256`), that is compared with the local sha256: no download, no HEAD;
 * - elsewhere the size the listing reports for the stored file, so that the check costs no request
 *   per file (a thousand assets are a thousand round trips); and once per run the size one file's
 *   download path serves, read with a documented request (a one-byte ranged GET), which proves the
 *   links and their redirects serve what the listing says. A file the listing tells no size of is
 *   checked that way too;
 * - with `verify: full` every file is downloaded through its download path and hashed.
 *
 * A mismatch names the asset; a re-run repairs it, because the engine replaces a stored file
 * whose sha256 differs from the local one.
 */
export async function verifyAssets(
  forge: Forge,
  release: RemoteRelease,
  expected: readonly ExpectedAsset[],
  mode: VerifyMode,
  log: Logger,
  waits: RecoveryWaits,
): Promise<void> {
  if (mode === 'off' || expected.length === 0) return
  const current = await forge.listAssets(release, release.tagName)
  const storedByName = new Map(current.filter((a) => a.stored).map((a) => [a.name, a]))
  const failures: string[] = []
  const checks = new Map<Check, number>()
  const probed = expected.find((wanted) => {
    const found = storedByName.get(wanted.asset.name)
    return found !== undefined && !(found.serverSha256 !== undefined && wanted.sha256 !== undefined)
  })
  await mapLimit(expected, VERIFY_PARALLELISM, async (wanted) => {
    const { asset, replacedSince } = wanted
    let failure: string | undefined
    try {
      const found = storedByName.get(asset.name)
      if (found === undefined) {
        failure = 'the release no longer holds it'
      } else {
        const how = mode === 'full' ? 'download' : wanted === probed ? 'served' : 'cheapest'
        const result = await checkOne(forge, release, found, wanted, how, waits)
        checks.set(result.check, (checks.get(result.check) ?? 0) + 1)
        failure = result.failure
      }
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
      message: `Published assets do not match the files:\n${failures
        .sort()
        .map((f) => `  - ${f}`)
        .join('\n')}`,
      hint: 'Run the job again: it replaces every stored file whose sha256 differs from the local file, and uploads what is missing (set verify: false to skip this check).',
    })
  }
  log.info(`Verified ${plural(expected.length, 'asset')}${describeChecks(checks)}`)
}

async function checkOne(
  forge: Forge,
  release: RemoteRelease,
  found: RemoteAsset,
  wanted: ExpectedAsset,
  how: 'download' | 'served' | 'cheapest',
  waits: RecoveryWaits,
): Promise<{ check: Check; failure?: string }> {
  if (how === 'download') {
    const served = await hashRemoteAsset(forge, found, waits, release)
    if (served.size !== wanted.size) {
      return {
        check: 'download',
        failure: `the forge serves ${plural(served.size, 'byte')}, the file has ${wanted.size}`,
      }
    }
    if (wanted.sha256 !== undefined && served.sha256 !== wanted.sha256) {
      return {
        check: 'download',
        failure: `the forge serves bytes with sha256 ${served.sha256}, the file has ${wanted.sha256}`,
      }
    }
    return { check: 'download' }
  }
  if (found.serverSha256 !== undefined && wanted.sha256 !== undefined) {
    return found.serverSha256 === wanted.sha256
      ? { check: 'digest' }
      : {
          check: 'digest',
          failure: `the forge holds bytes with sha256 ${found.serverSha256}, the file has ${wanted.sha256}`,
        }
  }
  if (how === 'cheapest' && found.size !== undefined) {
    return found.size === wanted.size
      ? { check: 'listed' }
      : {
          check: 'listed',
          failure: `the forge lists ${plural(found.size, 'byte')}, the file has ${wanted.size}`,
        }
  }
  const served = await forge.fetchAssetSize(release, found)
  return served === wanted.size
    ? { check: 'served' }
    : {
        check: 'served',
        failure: `the forge serves ${plural(served, 'byte')}, the file has ${wanted.size}`,
      }
}

function describeChecks(checks: ReadonlyMap<Check, number>): string {
  const parts: string[] = []
  const digest = checks.get('digest')
  const listed = checks.get('listed')
  const served = checks.get('served')
  const download = checks.get('download')
  if (digest !== undefined) parts.push(`${digest} by the server's sha256`)
  if (listed !== undefined) parts.push(`${listed} by the size the server lists`)
  if (served !== undefined) {
    parts.push(`${served} by the size ${served === 1 ? 'its' : 'their'} download link serves`)
  }
  if (download !== undefined) parts.push(`${download} downloaded and hashed`)
  return parts.length === 0 ? '' : `: ${parts.join(', ')}`
}
