/**
 * A streaming `multipart/form-data` reader: each part's body is handed over as a stream while
 * it arrives, so a large file field never sits in memory (only a boundary-sized tail does).
 */
import { PassThrough, type Readable } from 'node:stream'

export interface MultipartPart {
  /** `name` from Content-Disposition. */
  readonly name: string
  /** `filename` from Content-Disposition, when the part is a file. */
  readonly filename: string | undefined
  readonly contentType: string | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly body: Readable
}

export class MultipartError extends Error {}

/** Extracts the boundary from a Content-Type header; undefined when it is not multipart/form-data. */
export const multipartBoundary = (contentType: string | undefined): string | undefined => {
  if (contentType === undefined) return undefined
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return m?.[1] ?? m?.[2]
}

const parseDispositionParam = (value: string, key: string): string | undefined => {
  const star = new RegExp(`;\\s*${key}\\*=(?:UTF-8|utf-8)''([^;]+)`).exec(value)
  if (star?.[1] !== undefined) {
    try {
      return decodeURIComponent(star[1])
    } catch {
      return star[1]
    }
  }
  const m = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]+))`).exec(value)
  if (m === null) return undefined
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]?.trim()
}

const parseHeaders = (block: string): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

const writeWithBackpressure = async (target: PassThrough, chunk: Buffer): Promise<void> => {
  if (chunk.length === 0 || target.destroyed) return
  if (!target.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        target.off('drain', done)
        target.off('close', done)
        resolve()
      }
      target.on('drain', done)
      target.on('close', done)
    })
  }
}

/**
 * Reads every part of `source`, calling `onPart` for each and waiting for it to finish before
 * the next one. `onPart` must consume `part.body` (read or `resume()` it). Throws MultipartError
 * on a malformed body, or the source's own error when the stream fails.
 */
export const readMultipart = async (
  source: AsyncIterable<Buffer | string>,
  boundary: string,
  onPart: (part: MultipartPart) => Promise<void>,
): Promise<void> => {
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  // The first boundary has no preceding CRLF; pretend it does so one search handles every boundary.
  let buf: Buffer = Buffer.from('\r\n')
  type State = 'preamble' | 'after-boundary' | 'headers' | 'body' | 'done'
  let state = 'preamble' as State
  let current: { stream: PassThrough; consumer: Promise<void> } | undefined

  const finishPart = async (): Promise<void> => {
    if (current === undefined) return
    current.stream.end()
    await current.consumer
    current = undefined
  }

  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble': {
        const i = buf.indexOf(delimiter)
        if (i === -1) {
          buf = buf.subarray(Math.max(0, buf.length - delimiter.length))
          return false
        }
        buf = buf.subarray(i + delimiter.length)
        state = 'after-boundary'
        return true
      }
      case 'after-boundary': {
        if (buf.length < 2) return false
        const two = buf.subarray(0, 2).toString('latin1')
        if (two === '--') {
          state = 'done'
          return false
        }
        if (two !== '\r\n') throw new MultipartError('malformed multipart boundary line')
        buf = buf.subarray(2)
        state = 'headers'
        return true
      }
      case 'headers': {
        const end = buf.indexOf('\r\n\r\n')
        if (end === -1) {
          if (buf.length > 16 * 1024) throw new MultipartError('multipart part headers too long')
          return false
        }
        const headers = parseHeaders(buf.subarray(0, end).toString('utf8'))
        buf = buf.subarray(end + 4)
        const disposition = headers['content-disposition'] ?? ''
        const name = parseDispositionParam(disposition, 'name')
        if (name === undefined) throw new MultipartError('multipart part without a name')
        const stream = new PassThrough()
        const part: MultipartPart = {
          name,
          filename: parseDispositionParam(disposition, 'filename'),
          contentType: headers['content-type'],
          headers,
          body: stream,
        }
        const consumer = onPart(part)
        // Observed now so an early failure is not an unhandled rejection; awaited in finishPart.
        void consumer.catch(() => undefined)
        current = { stream, consumer }
        state = 'body'
        return true
      }
      case 'body': {
        const i = buf.indexOf(delimiter)
        const target = current?.stream
        if (i === -1) {
          // Keep a tail that could be the start of a delimiter split across chunks.
          const keep = delimiter.length - 1
          if (buf.length > keep) {
            const out = buf.subarray(0, buf.length - keep)
            buf = buf.subarray(buf.length - keep)
            if (target !== undefined) await writeWithBackpressure(target, out)
          }
          return false
        }
        if (target !== undefined) await writeWithBackpressure(target, buf.subarray(0, i))
        buf = buf.subarray(i + delimiter.length)
        await finishPart()
        state = 'after-boundary'
        return true
      }
      case 'done':
        return false
    }
  }

  try {
    for await (const piece of source) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      while (await step()) {
        // keep stepping while progress is made
      }
      if (state === 'done') {
        // Drain an epilogue without keeping it.
        buf = Buffer.alloc(0)
      }
    }
  } catch (error) {
    current?.stream.destroy(error instanceof Error ? error : new Error(String(error)))
    if (current !== undefined) await current.consumer.catch(() => undefined)
    throw error
  }
  if (state !== 'done') {
    const error = new MultipartError('multipart body ended before the closing boundary')
    current?.stream.destroy(error)
    if (current !== undefined) await current.consumer.catch(() => undefined)
    throw error
  }
}
