import { createHash } from 'node:crypto'

import { checkIdentity, openPlannedFile, type FileIdentity } from './file-identity.js'
import type { LocalFile } from './local-file.js'

// Large reads keep syscall overhead low on multi-GB assets while memory stays flat.
const CHUNK_BYTES = 1024 * 1024

/** The two read buffers one hashing worker reuses, file after file. */
interface ReadBuffers {
  reading: Buffer
  spare: Buffer
}

const newReadBuffers = (): ReadBuffers => ({
  reading: Buffer.allocUnsafe(CHUNK_BYTES),
  spare: Buffer.allocUnsafe(CHUNK_BYTES),
})

/**
 * sha256 of a file as lower-case hex, streamed: the file is never held in memory.
 *
 * Two buffers, reused: the thread pool reads the next chunk into one while this thread hashes
 * the other, so reading overlaps hashing and nothing is allocated per chunk. (A read stream
 * allocated a fresh 1 MiB buffer per chunk: on a 1 GiB file the garbage collector then had 1024
 * of them to find, which `npm run bench` measured as about a third of the hashing time and a
 * 30 MiB RSS spike when they were finally collected.)
 */
export function hashFile(path: string, identity?: FileIdentity): Promise<string> {
  return hashWith(path, identity, newReadBuffers())
}

/**
 * With an identity, the file must still be the one planned when it is opened, and again once it
 * has been read, so that a file rewritten in place while it is read is not given a sha256 of
 * bytes from two versions.
 */
async function hashWith(
  path: string,
  identity: FileIdentity | undefined,
  buffers: ReadBuffers,
): Promise<string> {
  const hash = createHash('sha256')
  const handle = await openPlannedFile(path, identity)
  let pending: Promise<{ bytesRead: number }> | undefined
  try {
    let position = 0
    pending = handle.read(buffers.reading, 0, CHUNK_BYTES, position)
    for (;;) {
      const { bytesRead } = await pending
      pending = undefined
      if (bytesRead === 0) break
      position += bytesRead
      const full = buffers.reading
      buffers.reading = buffers.spare
      buffers.spare = full
      pending = handle.read(buffers.reading, 0, CHUNK_BYTES, position)
      hash.update(full.subarray(0, bytesRead))
    }
    if (identity !== undefined) await checkIdentity(handle, path, identity)
  } finally {
    // A read still in flight (only after a failure) must settle before its handle closes.
    await pending?.catch(() => undefined)
    await handle.close()
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
    // One pair of buffers per worker for all its files: hashing 200 files then allocates 8 MiB
    // (4 workers × 2 × 1 MiB) instead of 400 MiB for the garbage collector to find.
    const buffers = newReadBuffers()
    while (next < files.length) {
      const index = next++
      const file = files[index]
      if (file === undefined) continue
      results[index] = { ...file, sha256: await hashWith(file.path, file.identity, buffers) }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, work))
  return results
}
