/**
 * Serving a stored file the way file servers and object stores do (RFC 9110 §14): a single
 * `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` is answered 206 with `Content-Range:
 * bytes a-b/size`; a range past the end 416 with `Content-Range: bytes *\/size`; anything else
 * (no Range, several ranges) 200 with the whole file.
 */
import type { BlobStore, StoredBlob } from './blob-store.js'
import type { Exchange, HeaderMap } from './exchange.js'

export type ByteRange = { readonly start: number; readonly end: number } | 'unsatisfiable'

/** One byte range of a file of `size` bytes; undefined when the header asks for the whole file. */
export const parseRange = (header: string | undefined, size: number): ByteRange | undefined => {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (m === null) return undefined
  const [, from = '', to = ''] = m
  if (from === '' && to === '') return undefined
  if (from === '') {
    const length = Number(to)
    if (length === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - length), end: size - 1 }
  }
  const start = Number(from)
  if (start >= size) return 'unsatisfiable'
  if (to !== '' && Number(to) < start) return undefined
  return { start, end: to === '' ? size - 1 : Math.min(Number(to), size - 1) }
}

export const serveBlob = async (
  ex: Exchange,
  blobs: BlobStore,
  blob: StoredBlob,
  headers: HeaderMap,
): Promise<void> => {
  const range = parseRange(ex.header('range'), blob.size)
  if (range === 'unsatisfiable') {
    return ex.send(416, { ...headers, 'content-range': `bytes */${blob.size}` })
  }
  if (range === undefined) {
    return ex.stream(200, { ...headers, 'content-length': blob.size }, blobs.read(blob))
  }
  await ex.stream(
    206,
    {
      ...headers,
      'content-length': range.end - range.start + 1,
      'content-range': `bytes ${range.start}-${range.end}/${blob.size}`,
    },
    blobs.read(blob, range),
  )
}
