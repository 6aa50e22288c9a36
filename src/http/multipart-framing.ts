import { randomBytes } from 'node:crypto'

export interface MultipartPart {
  /** Form field carrying the file. */
  readonly field: string
  readonly filename: string
  readonly contentType?: string
  /** Text fields sent before the file. */
  readonly fields?: Readonly<Record<string, string>>
}

export interface MultipartFraming {
  readonly contentType: string
  /** Everything before the file's bytes: text fields and the file part's headers. */
  readonly preamble: Buffer
  /** Everything after the file's bytes: the closing boundary. */
  readonly epilogue: Buffer
}

/**
 * The multipart/form-data envelope around one streamed file, built by hand so the exact
 * Content-Length (preamble + file size + epilogue) is known before a byte is sent: undici's
 * FormData would buffer or send chunked, and some forges reject chunked uploads.
 */
export function frameMultipart(part: MultipartPart, boundary = createBoundary()): MultipartFraming {
  const lines: string[] = []
  for (const [name, value] of Object.entries(part.fields ?? {})) {
    lines.push(`--${boundary}\r\n`)
    lines.push(`Content-Disposition: form-data; name="${escapeQuoted(name)}"\r\n\r\n`)
    lines.push(`${value}\r\n`)
  }
  lines.push(`--${boundary}\r\n`)
  lines.push(
    `Content-Disposition: form-data; name="${escapeQuoted(part.field)}"; filename="${escapeQuoted(part.filename)}"\r\n`,
  )
  lines.push(
    `Content-Type: ${sanitizeHeaderValue(part.contentType ?? 'application/octet-stream')}\r\n\r\n`,
  )
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    preamble: Buffer.from(lines.join(''), 'utf8'),
    epilogue: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  }
}

/**
 * Quoted names and filenames are escaped the way browsers do (WHATWG HTML, "multipart/form-data
 * encoding algorithm"): `"` → %22, CR → %0D, LF → %0A; other characters go as UTF-8, which
 * Rack (GitLab) and the other servers decode.
 */
export function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function sanitizeHeaderValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ')
}

function createBoundary(): string {
  // Random, so it cannot occur in a text field or, in practice, in the file.
  return `----forge-release-${randomBytes(16).toString('hex')}`
}
