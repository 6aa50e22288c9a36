import type { FileReadObserver } from '../../http/types.js'

/**
 * An upload body handed to Octokit as `data`. Octokit passes anything that is not a plain object
 * to `fetch` untouched, and our fetch (transport-fetch.ts) streams the file from disk through the
 * shared transport, reopening it for every attempt: never buffered, always with Content-Length.
 */
export class StreamedFile {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly contentType: string,
    readonly onProgress?: (sentBytes: number) => void,
    readonly observer?: FileReadObserver,
  ) {}
}
