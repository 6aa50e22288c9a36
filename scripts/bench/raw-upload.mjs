// @ts-check
/**
 * The "raw transfer" baseline of `npm run bench`: the simplest client that can move the same
 * bytes to the same fake server. One plain streamed request per file (node:http, the file piped
 * from fs.createReadStream with an explicit Content-Length), `concurrency` at a time. No hashing,
 * no listing, no retries, no release logic.
 *
 * Plain JavaScript on purpose, run by `node` directly: no TypeScript loader in its start-up.
 *
 * Usage: node raw-upload.mjs <job.json>
 * job.json: { concurrency, hash?, uploads: [{ method, url, headers, path, size, multipart? }] }
 * hash: also sha256 every file from the bytes it sends (the "raw transfer + sha256" baseline:
 * the least any client must do that publishes checksums of what it uploaded).
 * multipart: { boundary, field, filename, contentType } wraps the file in one form-data part
 * (Gongfeng attachments); otherwise the body is the file itself.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'

/**
 * @typedef {{ boundary: string, field: string, filename: string, contentType: string }} Multipart
 * @typedef {{ method: string, url: string, headers: Record<string, string>, path: string,
 *   size: number, multipart?: Multipart }} Upload
 * @typedef {{ concurrency: number, hash?: boolean, uploads: Upload[] }} Job
 */

/**
 * @param {Upload} upload
 * @param {boolean} hash
 */
function send(upload, hash) {
  const url = new URL(upload.url)
  const client = url.protocol === 'https:' ? https : http
  const framing = upload.multipart
  const preamble = framing
    ? Buffer.from(
        `--${framing.boundary}\r\nContent-Disposition: form-data; name="${framing.field}"; filename="${framing.filename}"\r\nContent-Type: ${framing.contentType}\r\n\r\n`,
      )
    : Buffer.alloc(0)
  const epilogue = framing ? Buffer.from(`\r\n--${framing.boundary}--\r\n`) : Buffer.alloc(0)
  const headers = {
    ...upload.headers,
    'content-length': String(preamble.length + upload.size + epilogue.length),
  }
  if (framing) headers['content-type'] = `multipart/form-data; boundary=${framing.boundary}`
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: upload.method, headers }, (response) => {
      const chunks = /** @type {Buffer[]} */ ([])
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () => {
        const status = response.statusCode ?? 0
        if (status >= 200 && status < 300) resolve(undefined)
        else
          reject(new Error(`${upload.method} ${url.pathname}: ${status} ${Buffer.concat(chunks)}`))
      })
    })
    request.on('error', reject)
    if (preamble.length > 0) request.write(preamble)
    if (upload.size === 0) {
      request.end(epilogue)
      return
    }
    const file = createReadStream(upload.path)
    file.on('error', reject)
    if (hash) {
      const digest = createHash('sha256')
      file.on('data', (chunk) => digest.update(chunk))
      file.on('end', () => digest.digest('hex'))
    }
    file.pipe(request, { end: false })
    file.on('end', () => request.end(epilogue))
  })
}

const job = /** @type {Job} */ (JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')))
let next = 0
const worker = async () => {
  while (next < job.uploads.length) {
    const upload = job.uploads[next++]
    if (upload !== undefined) await send(upload, job.hash === true)
  }
}
try {
  await Promise.all(Array.from({ length: Math.max(1, job.concurrency) }, worker))
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
}
