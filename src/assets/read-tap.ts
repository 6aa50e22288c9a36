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
}
