import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'

import { parseSha256Sums } from '../assets/sha256sums.js'
import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import { CHECKSUMS_NAME } from '../plan/derived-names.js'
import { readAtMost } from '../read-at-most.js'
import type { RecoveryWaits } from './recovery-waits.js'

/** Small text assets (SHA256SUMS, evidence) are read whole; anything larger is not ours. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024
/** Reads of a file that is missing for now, while another job may be replacing it. */
const VANISHED_READS = 6

/**
 * The asset's bytes. A forge that cannot overwrite (Gongfeng) deletes a file before storing its
 * new version, so a job rewriting SHA256SUMS leaves it missing for a moment: read again.
 */
export async function openRemoteAsset(
  forge: Forge,
  asset: RemoteAsset,
  waits: RecoveryWaits,
  release?: RemoteRelease,
): Promise<Readable> {
  for (let read = 0; ; read++) {
    const body = await forge.openAsset(asset, release)
    if (body !== undefined) return body
    if (read + 1 >= VANISHED_READS) {
      throw new ReleaseError({
        code: 'NOT_FOUND',
        message: `${asset.name} is no longer attached to the release (404 Not Found).`,
        hint: 'Another job may have deleted it; re-running the job is safe.',
      })
    }
    await waits.pause(read)
  }
}

export async function readRemoteText(
  forge: Forge,
  asset: RemoteAsset,
  waits: RecoveryWaits,
): Promise<string> {
  const stream = await openRemoteAsset(forge, asset, waits)
  // Cut short past the cap: what was read then fails to parse, as a file that is not ours should.
  return (await readAtMost(stream, MAX_TEXT_BYTES)).bytes.toString('utf8')
}

/** The asset's sha256 and size, streamed through its download path (with `release`, the release's). */
export async function hashRemoteAsset(
  forge: Forge,
  asset: RemoteAsset,
  waits: RecoveryWaits,
  release?: RemoteRelease,
): Promise<{ sha256: string; size: number }> {
  const stream = await openRemoteAsset(forge, asset, waits, release)
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk)
    size += chunk.length
  }
  return { sha256: hash.digest('hex'), size }
}

/**
 * Fills in the sha256 of assets whose forge does not report one, from the release's own
 * SHA256SUMS (written by an earlier run).
 */
export async function addShasFromChecksums(
  forge: Forge,
  assets: readonly RemoteAsset[],
  waits: RecoveryWaits,
): Promise<RemoteAsset[]> {
  const sumsAsset = assets.find((a) => a.name === CHECKSUMS_NAME && a.stored)
  const needsSums = assets.some(
    (a) => a.stored && a.sha256 === undefined && a.name !== CHECKSUMS_NAME,
  )
  if (sumsAsset === undefined || !needsSums) return [...assets]
  const sums = parseSha256Sums(await readRemoteText(forge, sumsAsset, waits))
  return assets.map((a) => {
    const sha256 = a.sha256 ?? sums.get(a.name)
    return sha256 === undefined ? a : { ...a, sha256 }
  })
}

/**
 * Sets the sha256 of the stored files named in `names` that the server reports no sha256 of, by
 * downloading and hashing them (`verify: full`: bytes are the only proof, SHA256SUMS is not).
 */
export async function addShasFromDownloads(
  forge: Forge,
  assets: readonly RemoteAsset[],
  names: ReadonlySet<string>,
  waits: RecoveryWaits,
): Promise<RemoteAsset[]> {
  const result: RemoteAsset[] = []
  for (const asset of assets) {
    if (!asset.stored || asset.serverSha256 !== undefined || !names.has(asset.name)) {
      result.push(asset)
      continue
    }
    const measured = await hashRemoteAsset(forge, asset, waits)
    result.push({ ...asset, sha256: measured.sha256, size: measured.size })
  }
  return result
}
