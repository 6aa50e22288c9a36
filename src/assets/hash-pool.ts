import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

import {
  describeChange,
  fileChangedError,
  READ_FLAGS,
  type FileIdentity,
  type ObservedFile,
} from './file-identity.js'
import { hashFiles } from './hash-file.js'
import type { LocalFile } from './local-file.js'

/** Below this many bytes, starting worker threads costs more than hashing on this one. */
const WORKER_THRESHOLD_BYTES = 64 * 1024 * 1024
const MAX_WORKERS = 4
/** Files hashed at once on the main thread (reading overlaps hashing). */
const MAIN_THREAD_CONCURRENCY = 4

/**
 * The worker, as source: the bundle is one file, so the worker cannot be a module of its own.
 * It reads with one reused 1 MiB buffer and answers `{ id, sha256 }`, `{ id, error, code }`, or
 * `{ id, changed }` with what the handle showed when the file is not the one planned (checked
 * on opening and again after reading, as hash-file.ts does; the message is made here).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { openSync, readSync, closeSync, fstatSync } = require('node:fs')
const buffer = Buffer.allocUnsafe(1024 * 1024)
const observe = (fd) => {
  const s = fstatSync(fd)
  return { dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, regular: s.isFile() }
}
const differs = (seen, expected) =>
  !seen.regular || seen.dev !== expected.dev || seen.ino !== expected.ino ||
  seen.size !== expected.size || seen.mtimeMs !== expected.mtimeMs
parentPort.on('message', ({ id, path, flags, identity }) => {
  let fd
  try {
    fd = openSync(path, flags)
    if (identity) {
      const seen = observe(fd)
      if (differs(seen, identity)) return parentPort.postMessage({ id, changed: seen })
    }
    const hash = createHash('sha256')
    let position = 0
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, position)
      if (bytesRead === 0) break
      position += bytesRead
      hash.update(buffer.subarray(0, bytesRead))
    }
    if (identity) {
      const seen = observe(fd)
      if (differs(seen, identity)) return parentPort.postMessage({ id, changed: seen })
    }
    parentPort.postMessage({ id, sha256: hash.digest('hex') })
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message), code: error && error.code })
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
})
`

type WorkerAnswer =
  | { readonly id: number; readonly sha256: string }
  | { readonly id: number; readonly changed: ObservedFile }
  | { readonly id: number; readonly error: string; readonly code?: string }

/**
 * Hashes files on every core. sha256 runs at about 1.9 GB/s on one core here, so hashing the
 * 1000 MiB of a 200-file re-run on the main thread alone took most of the re-run; worker
 * threads spread it over the cores (`npm run bench`, scenario 3). Small sets stay on the main
 * thread, where no worker has to start.
 */
export async function hashFilesOnAllCores<T extends LocalFile>(
  files: readonly T[],
  options: { readonly cores?: number; readonly thresholdBytes?: number } = {},
): Promise<(T & { readonly sha256: string })[]> {
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0)
  const cores = options.cores ?? Math.min(availableParallelism(), MAX_WORKERS)
  const workers = Math.min(cores, files.length)
  if (workers < 2 || totalBytes < (options.thresholdBytes ?? WORKER_THRESHOLD_BYTES)) {
    return hashFiles(files, MAIN_THREAD_CONCURRENCY)
  }
  const shas = new Array<string>(files.length)
  const pool = Array.from({ length: workers }, () => new Worker(WORKER_SOURCE, { eval: true }))
  try {
    // Largest first, so one big file does not start last and leave the other cores idle.
    const order = files.map((_, index) => index).sort((a, b) => files[b]!.size - files[a]!.size)
    let next = 0
    await Promise.all(
      pool.map(async (worker) => {
        while (next < order.length) {
          const index = order[next++]!
          shas[index] = await hashOn(worker, index, files[index]!)
        }
      }),
    )
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()))
  }
  return files.map((file, index) => ({ ...file, sha256: shas[index]! }))
}

function hashOn(
  worker: Worker,
  id: number,
  file: { readonly path: string; readonly identity?: FileIdentity },
): Promise<string> {
  const { path, identity } = file
  return new Promise((resolve, reject) => {
    const onMessage = (answer: WorkerAnswer): void => {
      if (answer.id !== id) return
      worker.off('message', onMessage)
      worker.off('error', reject)
      if ('sha256' in answer) resolve(answer.sha256)
      else if ('changed' in answer) {
        const change = identity === undefined ? undefined : describeChange(identity, answer.changed)
        reject(fileChangedError(path, change ?? 'it changed while it was read'))
      } else reject(Object.assign(new Error(answer.error), { code: answer.code, path }))
    }
    worker.on('message', onMessage)
    worker.once('error', reject)
    worker.postMessage({ id, path, flags: READ_FLAGS, identity })
  })
}
