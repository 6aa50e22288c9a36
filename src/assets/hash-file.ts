import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { LocalFile } from './local-file.js'

// Large reads keep syscall overhead low on multi-GB assets while memory stays flat.
const CHUNK_BYTES = 1024 * 1024

/** sha256 of a file as lower-case hex, streamed: the file is never held in memory. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    hash.update(chunk as Buffer)
  }
  return hash.digest('hex')
}

/** Hashes every file, at most `concurrency` at a time; returns them in order with sha256 set. */
export async function hashFiles<T extends LocalFile>(
  files: readonly T[],
  concurrency: number,
): Promise<(T & { readonly sha256: string })[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`)
  }
  const results = new Array<T & { readonly sha256: string }>(files.length)
  let next = 0
  const work = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++
      const file = files[index]
      if (file === undefined) continue
      results[index] = { ...file, sha256: await hashFile(file.path) }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, work))
  return results
}
