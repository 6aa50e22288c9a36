import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'

import { parseSha256Sums } from '../assets/sha256sums.js'
import type { Forge, RemoteAsset } from '../forges/forge.js'
import { CHECKSUMS_NAME } from './derived-names.js'

/** Small text assets (SHA256SUMS, evidence) are read whole; anything larger is not ours. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024

export async function readRemoteText(forge: Forge, asset: RemoteAsset): Promise<string> {
  const stream = await forge.openAsset(asset)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_TEXT_BYTES) {
      stream.destroy()
      break
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function hashRemoteAsset(
  forge: Forge,
  asset: RemoteAsset,
): Promise<{ sha256: string; size: number }> {
  const stream: Readable = await forge.openAsset(asset)
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
 * SHA256SUMS (written by an earlier run). Returns the assets and the SUMS entries read.
 */
export async function addShasFromChecksums(
  forge: Forge,
  assets: readonly RemoteAsset[],
): Promise<{ assets: RemoteAsset[]; sums: Map<string, string> }> {
  const sumsAsset = assets.find((a) => a.name === CHECKSUMS_NAME && a.stored)
  const needsSums = assets.some(
    (a) => a.stored && a.sha256 === undefined && a.name !== CHECKSUMS_NAME,
  )
  if (sumsAsset === undefined || !needsSums) return { assets: [...assets], sums: new Map() }
  const sums = parseSha256Sums(await readRemoteText(forge, sumsAsset))
  return {
    assets: assets.map((a) => {
      const sha256 = a.sha256 ?? sums.get(a.name)
      return sha256 === undefined ? a : { ...a, sha256 }
    }),
    sums,
  }
}
