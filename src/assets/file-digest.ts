import { createHash, type Hash } from 'node:crypto'
import type { Stats } from 'node:fs'

import { checkObserved, observe, type FileIdentity } from './file-identity.js'
import { hashFile } from './hash-file.js'
import type { FileReadObserver, ReadTap } from './read-tap.js'

/**
 * A file's sha256, known from the start or learnt from the bytes its upload reads.
 *
 * A file with no namesake on the forge needs no hash before it is uploaded, so it is hashed
 * while it is sent: one read of the file instead of two, and the upload starts at once (reading
 * the files before the first request made a first publish take about twice the raw transfer in
 * `npm run bench`). Only an attempt that read every byte counts; when none did (the upload
 * failed early and the outcome must be read back), the file is hashed on its own.
 *
 * Every read, by an upload attempt or by the hashing, checks that the file is still the one
 * discovery found (`identity`), so a file swapped or rewritten mid-run is never published.
 */
export class FileDigest implements FileReadObserver {
  private sha256: string | undefined
  private hashing: Promise<string> | undefined

  constructor(
    readonly path: string,
    readonly size: number,
    known?: string,
    private readonly identity?: FileIdentity,
  ) {
    this.sha256 = known
  }

  checkOpened(stats: Stats): void {
    if (this.identity !== undefined) checkObserved(this.path, this.identity, observe(stats))
  }

  /** Lower-case hex, once known. */
  get known(): string | undefined {
    return this.sha256
  }

  /** A tap for one attempt to read the file, or undefined when the sha256 is already known. */
  tap(): ReadTap | undefined {
    if (this.sha256 !== undefined) return undefined
    const hash: Hash = createHash('sha256')
    let bytes = 0
    return {
      update: (chunk) => {
        hash.update(chunk)
        bytes += chunk.length
      },
      finish: () => {
        if (bytes !== this.size || this.sha256 !== undefined) return
        this.sha256 = hash.digest('hex')
      },
    }
  }

  /** The sha256, hashing the file now when no upload has read it whole. */
  value(): Promise<string> {
    if (this.sha256 !== undefined) return Promise.resolve(this.sha256)
    this.hashing ??= hashFile(this.path, this.identity).then(
      (sha256) => (this.sha256 ??= sha256),
      (error: unknown) => {
        this.hashing = undefined
        throw error
      },
    )
    return this.hashing
  }
}
