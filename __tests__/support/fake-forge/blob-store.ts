/**
 * Where uploaded bytes go. Bodies are streamed and hashed as they arrive — never buffered
 * whole — because the benchmark pushes gigabytes through the fake.
 *
 * - `disk` (default): bytes are written to a temp directory (removed by `close()`), so
 *   downloads return exactly what was uploaded.
 * - `discard`: only size and sha256 are kept. Reads of a discarded blob yield `size` zero
 *   bytes, so Content-Length and HEAD answers stay right while the content does not.
 * - `discard-large` (the benchmark's): like `discard` for blobs over 1 MiB, while smaller ones
 *   keep their bytes in memory. Clients read small files back (forge-release re-reads
 *   SHA256SUMS and its evidence to decide whether to rewrite them); zeros there would make a
 *   publish loop on rewriting them, which is not what a real server makes it do.
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'

export type StorageMode = 'disk' | 'discard' | 'discard-large'

export interface StoredBlob {
  readonly id: string
  readonly size: number
  /** Lower-case hex. */
  readonly sha256: string
  /** Absolute path of the bytes; undefined in discard mode. */
  readonly file: string | undefined
  /** The bytes of a small blob in `discard-large` mode. */
  readonly content?: Buffer
}

export type BlobWriteResult =
  | { readonly ok: true; readonly blob: StoredBlob }
  /** The body went past `maxBytes`; the rest was read and dropped, nothing was kept. */
  | { readonly ok: false; readonly reason: 'too-large'; readonly size: number }
  /** The stream failed (client reset, socket destroyed): nothing was kept. */
  | { readonly ok: false; readonly reason: 'aborted'; readonly error: Error }

export interface BlobWriteOptions {
  /** Larger bodies are drained and rejected, never stored. */
  readonly maxBytes?: number
}

const ZERO_CHUNK = Buffer.alloc(64 * 1024)
/** `discard-large` keeps blobs up to this size in memory. */
const KEEP_IN_MEMORY_BYTES = 1024 * 1024

/** A file sink with backpressure; a write error surfaces on the next write or on close. */
class FileSink {
  private failure: Error | undefined
  private readonly out: WriteStream

  constructor(file: string) {
    this.out = createWriteStream(file)
    this.out.on('error', (error) => {
      this.failure = error
    })
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure
  }

  async write(chunk: Buffer): Promise<void> {
    this.check()
    if (this.out.write(chunk)) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done)
        this.out.off('close', done)
        resolve()
      }
      this.out.on('drain', done)
      this.out.on('close', done)
    })
    this.check()
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(resolve))
    this.check()
  }

  destroy(): void {
    this.out.destroy()
  }
}

export class BlobStore {
  /** Every blob this store kept, in order, even once removed: what a server ever accepted. */
  readonly written: StoredBlob[] = []
  private nextId = 1
  // A promise, so concurrent first writes share one directory instead of each making one.
  private dir: Promise<string> | undefined
  private closed = false

  constructor(readonly mode: StorageMode = 'disk') {}

  private directory(): Promise<string> {
    if (this.closed) return Promise.reject(new Error('blob store is closed'))
    this.dir ??= mkdtemp(join(tmpdir(), 'fake-forge-'))
    return this.dir
  }

  /** Streams `source` into the store. Never throws for a failing source: see the result. */
  async write(
    source: AsyncIterable<Buffer | string>,
    options: BlobWriteOptions = {},
  ): Promise<BlobWriteResult> {
    const id = String(this.nextId++)
    const hash = createHash('sha256')
    let file: string | undefined
    try {
      file = this.mode === 'disk' ? join(await this.directory(), id) : undefined
    } catch (error) {
      return {
        ok: false,
        reason: 'aborted',
        error: error instanceof Error ? error : new Error(String(error)),
      }
    }
    const out = file === undefined ? undefined : new FileSink(file)
    let kept: Buffer[] | undefined = this.mode === 'discard-large' ? [] : undefined
    let size = 0
    let tooLarge = false
    try {
      for await (const piece of source) {
        const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece
        size += chunk.length
        if (tooLarge) continue
        if (options.maxBytes !== undefined && size > options.maxBytes) {
          tooLarge = true
          continue
        }
        hash.update(chunk)
        if (size > KEEP_IN_MEMORY_BYTES) kept = undefined
        else kept?.push(chunk)
        if (out !== undefined) await out.write(chunk)
      }
      if (out !== undefined) await out.close()
    } catch (error) {
      out?.destroy()
      if (file !== undefined) await rm(file, { force: true })
      return {
        ok: false,
        reason: 'aborted',
        error: error instanceof Error ? error : new Error(String(error)),
      }
    }
    if (tooLarge) {
      if (file !== undefined) await rm(file, { force: true })
      return { ok: false, reason: 'too-large', size }
    }
    const content = kept === undefined ? {} : { content: Buffer.concat(kept) }
    const blob: StoredBlob = { id, size, sha256: hash.digest('hex'), file, ...content }
    this.written.push(blob)
    return { ok: true, blob }
  }

  /**
   * The blob's bytes (zeros of the right length for a discarded blob); with `range`, only bytes
   * `start` to `end` (inclusive).
   */
  read(blob: StoredBlob, range?: { readonly start: number; readonly end: number }): Readable {
    if (blob.file !== undefined) {
      return createReadStream(blob.file, range ?? { start: 0, end: Math.max(0, blob.size - 1) })
    }
    if (blob.content !== undefined) {
      return Readable.from([
        range === undefined ? blob.content : blob.content.subarray(range.start, range.end + 1),
      ])
    }
    let left = range === undefined ? blob.size : range.end - range.start + 1
    return Readable.from(
      (function* zeros() {
        while (left > 0) {
          const n = Math.min(left, ZERO_CHUNK.length)
          left -= n
          yield n === ZERO_CHUNK.length ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, n)
        }
      })(),
    )
  }

  /** Stores other bytes in place of a blob (tests that corrupt a stored file): the new blob. */
  async replace(blob: StoredBlob, bytes: Buffer): Promise<StoredBlob> {
    const written = await this.write(Readable.from([bytes]))
    if (!written.ok) throw new Error(`could not store the replacement of blob ${blob.id}`)
    await this.remove(blob)
    return written.blob
  }

  /** The bytes of a blob, whole (small blobs only: tests). */
  async bytes(blob: StoredBlob): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of this.read(blob) as AsyncIterable<Buffer>) chunks.push(chunk)
    return Buffer.concat(chunks)
  }

  async remove(blob: StoredBlob): Promise<void> {
    if (blob.file !== undefined) await rm(blob.file, { force: true })
  }

  /** Deletes every stored byte. */
  async close(): Promise<void> {
    this.closed = true
    const dir = await this.dir?.catch(() => undefined)
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    this.dir = undefined
  }
}
