/**
 * One request/response pair as a personality sees it: the raw path, query, headers, route
 * parameters, a counted body stream, and response helpers.
 *
 * Responses wait until the request body has been read to its end (draining what the handler did
 * not read), the way a buffering front proxy (nginx, Workhorse) answers: a client streaming a
 * large body always gets a clean response instead of a reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { LoggedRequest } from './request-log.js'
import type { RouteParams } from './router.js'

export type HeaderMap = Record<string, string | number | readonly string[]>

/** The most any caller of `bufferBody` keeps in memory. */
const BUFFER_CAP = 32 * 1024 * 1024

export class Exchange {
  readonly method: string
  /** Raw path with query, exactly as received. */
  readonly rawPath: string
  /** Raw path without query (not decoded). */
  readonly pathname: string
  readonly query: URLSearchParams
  /** The connection; kept because `req.socket` is nulled once the request is destroyed. */
  readonly socket: Socket
  /** Route parameters, decoded. Set by the server after routing. */
  params: RouteParams = {}
  /** Set when the response must not be sent (fault `reset: 'after-apply'`). */
  suppressResponse = false
  private bodyTaken = false
  private bodyDone = false
  /** The body once `bufferBody` read it, so a contract check and the handler can both read it. */
  private buffered: Buffer | undefined
  private reading = false
  private sent = false
  private gone = false

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly entry: LoggedRequest,
    /** `http(s)://127.0.0.1:<port>` of the fake server. */
    readonly origin: string,
    private readonly defaultHeaders: () => HeaderMap = () => ({}),
    private readonly link?: Link,
  ) {
    this.method = (req.method ?? 'GET').toUpperCase()
    this.socket = req.socket
    this.rawPath = req.url ?? '/'
    const q = this.rawPath.indexOf('?')
    this.pathname = q === -1 ? this.rawPath : this.rawPath.slice(0, q)
    this.query = new URLSearchParams(q === -1 ? '' : this.rawPath.slice(q + 1))
    res.once('close', () => {
      if (!this.res.writableFinished) this.gone = true
    })
    res.on('error', () => {
      this.gone = true
    })
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()]
    return Array.isArray(value) ? value.join(', ') : value
  }

  /** True once something was sent (or would have been, under `suppressResponse`). */
  get responded(): boolean {
    return this.sent
  }

  /** True when the client's connection went away before the response was complete. */
  get clientGone(): boolean {
    return this.gone || this.socket.destroyed
  }

  get hasBody(): boolean {
    const length = this.req.headers['content-length']
    if (length !== undefined) return Number(length) > 0
    return this.req.headers['transfer-encoding'] !== undefined
  }

  /**
   * The request body as a stream of chunks, counted into the request log. Can be taken once.
   * Throws (while iterating) when the client's connection breaks mid-body. A consumer that stops
   * early leaves the rest for `drain()`; the connection stays usable.
   */
  body(): AsyncIterable<Buffer> {
    if (this.bodyTaken) throw new Error('request body already taken')
    this.bodyTaken = true
    return this.chunks()
  }

  private async *chunks(): AsyncGenerator<Buffer> {
    this.reading = true
    try {
      for await (const chunk of this.req.iterator({
        destroyOnReturn: false,
      }) as AsyncIterable<Buffer>) {
        this.entry.bodyBytes += chunk.length
        // Not reading is what slows the sender down: TCP's window closes, as on a slow link.
        if (this.link !== undefined) await this.link.carry(chunk.length)
        yield chunk
      }
      this.bodyDone = true
    } finally {
      this.reading = false
    }
  }

  /**
   * Reads the whole body into memory (JSON and form bodies only); over `limit` → undefined. It
   * may be called again (a request check before routing, then the handler): the bytes are kept.
   */
  async bufferBody(limit = 32 * 1024 * 1024): Promise<Buffer | undefined> {
    if (this.buffered !== undefined) {
      return this.buffered.length > limit ? undefined : this.buffered
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of this.body()) {
      size += chunk.length
      // Kept up to a bound of its own, so a later, larger limit still sees the whole body.
      if (size <= BUFFER_CAP) chunks.push(chunk)
    }
    if (size > BUFFER_CAP) return undefined
    this.buffered = Buffer.concat(chunks)
    return this.buffered.length > limit ? undefined : this.buffered
  }

  /** Drops the connection without answering (faults). */
  destroyConnection(): void {
    this.socket.destroy()
  }

  /** Reads and drops whatever is left of the body. Resolves false when the client went away. */
  async drain(): Promise<boolean> {
    if (this.bodyDone) return true
    if (this.reading) {
      // A consumer is still reading it; wait for the end.
      await new Promise<void>((resolve) => {
        if (this.req.readableEnded || this.req.destroyed) resolve()
        else {
          this.req.once('end', resolve)
          this.req.once('close', resolve)
        }
      })
      return this.req.complete
    }
    this.bodyTaken = true
    try {
      for await (const _chunk of this.chunks()) {
        // counted by chunks()
      }
      return true
    } catch {
      this.gone = true
      return false
    }
  }

  private async begin(status: number, headers: HeaderMap): Promise<boolean> {
    if (this.sent) throw new Error(`response already sent for ${this.method} ${this.rawPath}`)
    this.sent = true
    if (this.suppressResponse) return false
    if (!(await this.drain()) || this.clientGone) return false
    this.res.statusCode = status
    this.entry.status = status
    for (const [name, value] of Object.entries({ ...this.defaultHeaders(), ...headers })) {
      this.res.setHeader(name, value)
    }
    return true
  }

  /** Sends a complete body (a HEAD request gets the headers only). */
  async send(status: number, headers: HeaderMap, body: string | Buffer = ''): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body
    if (!(await this.begin(status, { 'content-length': bytes.length, ...headers }))) return
    this.res.end(this.method === 'HEAD' ? undefined : bytes)
  }

  async json(status: number, value: unknown, headers: HeaderMap = {}): Promise<void> {
    await this.send(
      status,
      { 'content-type': 'application/json', ...headers },
      JSON.stringify(value),
    )
  }

  async text(status: number, text: string, headers: HeaderMap = {}): Promise<void> {
    await this.send(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }, text)
  }

  async redirect(location: string, status = 302, headers: HeaderMap = {}): Promise<void> {
    const body = `<html><body>You are being <a href="${location}">redirected</a>.</body></html>`
    await this.send(
      status,
      { location, 'content-type': 'text/html; charset=utf-8', ...headers },
      body,
    )
  }

  async empty(status: number, headers: HeaderMap = {}): Promise<void> {
    if (!(await this.begin(status, headers))) return
    this.res.end()
  }

  /** Streams `body` (its length must be in `headers['content-length']` for a sized response). */
  async stream(status: number, headers: HeaderMap, body: Readable): Promise<void> {
    if (!(await this.begin(status, headers)) || this.method === 'HEAD') {
      body.destroy()
      if (!this.res.headersSent && !this.suppressResponse && !this.clientGone) this.res.end()
      return
    }
    try {
      await pipeline(body, this.res)
    } catch {
      // The client went away mid-download; nothing to report.
      this.gone = true
    }
  }
}

/**
 * A shared link of fixed capacity: each chunk takes the next free slot of transfer time, so
 * concurrent bodies share the bandwidth the way flows on one link do.
 */
export class Link {
  private freeAt = 0

  constructor(private readonly bytesPerSecond: number) {}

  async carry(bytes: number): Promise<void> {
    const now = performance.now()
    this.freeAt = Math.max(this.freeAt, now) + (bytes / this.bytesPerSecond) * 1000
    const wait = this.freeAt - now
    // Sub-millisecond waits add up in the timer queue rather than in the transfer.
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait))
  }
}
