import type { Readable } from 'node:stream'

import type { Transport } from './types.js'

/** What a one-byte ranged GET learned: the answer's status and, when it said, the full size. */
export interface ServedSize {
  readonly status: number
  readonly size: number | undefined
}

/**
 * The size a download route serves, from a GET of its first byte (`Range: bytes=0-0`, the size
 * read from Content-Range): what every forge's verify step asks where the server reports no
 * sha256. Never HEAD: storage signed for GET answers it 403, and some forges document GET only.
 * An empty file has no byte 0, so 416 `bytes *\/0` is an answer too (RFC 9110 §15.5.17).
 */
export async function fetchServedSize(
  http: Transport,
  request: {
    readonly url: string
    readonly label: string
    readonly headers?: Readonly<Record<string, string>>
    /** Further statuses the caller handles itself (404 for a file that is gone). */
    readonly acceptStatus?: readonly number[]
  },
): Promise<ServedSize> {
  const response = await http.stream({
    method: 'GET',
    url: request.url,
    headers: { ...request.headers, range: 'bytes=0-0' },
    acceptStatus: [...(request.acceptStatus ?? []), 416],
    label: request.label,
  })
  // Only the headers matter; a server that ignored the range must not send the whole file.
  discardBody(response.body)
  const ranged = response.status === 206 || response.status === 416
  const value = ranged
    ? /\/(\d+)\s*$/.exec(response.headers['content-range'] ?? '')?.[1]
    : response.headers['content-length']
  return {
    status: response.status,
    size: value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined,
  }
}

/** Drops a response body unread; undici reports the abort as an error, which is expected here. */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined)
  body.destroy()
}
