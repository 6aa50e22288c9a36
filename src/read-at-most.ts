import type { Readable } from 'node:stream'

/**
 * The bytes of a stream, up to `maxBytes`: past that the stream is destroyed and `complete` is
 * false, so that a file that is not what it should be (a derived file grown huge) is never held
 * whole in memory.
 */
export async function readAtMost(
  stream: Readable,
  maxBytes: number,
): Promise<{ readonly bytes: Buffer; readonly complete: boolean }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) {
      stream.destroy()
      return { bytes: Buffer.concat(chunks), complete: false }
    }
    chunks.push(chunk)
  }
  return { bytes: Buffer.concat(chunks), complete: true }
}
