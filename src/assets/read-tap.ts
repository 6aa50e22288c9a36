import type { Stats } from 'node:fs'

/** Sees the bytes one attempt reads of a file body. */
export interface ReadTap {
  update(chunk: Buffer): void
  /** Called once the attempt has read the whole file, and only then. */
  finish(): void
}

/** Sees the bytes of a file body as each attempt reads them (uploads hash what they send). */
export interface FileReadObserver {
  /** A tap for one attempt, or undefined when nothing needs to see the bytes. */
  tap(): ReadTap | undefined
  /**
   * Given the stats of the handle an attempt opened, before any byte is sent and again once the
   * whole file is read; throws (a ReleaseError) when the file is not the one planned, which ends
   * the upload without a retry.
   */
  checkOpened?(stats: Stats): void
}
