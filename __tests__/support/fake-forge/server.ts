/**
 * The forge-neutral core of the fake server: an HTTP(S) listener on 127.0.0.1, the request log,
 * fault injection, uploaded-byte storage and routing. A personality (GitLab, Gongfeng, GitHub)
 * supplies the routes, the forge's own error bodies and any pre-routing behaviour (rate limits).
 * See README.md in this folder for how to add one.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { BlobStore, type StorageMode } from './blob-store.js'
import { CONTRACT_MARKER, ContractViolation } from './contract-violation.js'
import { Exchange, Link, type HeaderMap } from './exchange.js'
import { describeFault, Faults, type FaultKind } from './faults.js'
import { RequestLog, type LoggedRequest } from './request-log.js'
import type { Router } from './router.js'

export type Handler = (ex: Exchange) => Promise<void>

export interface FaultResponse {
  readonly status: number
  readonly headers: HeaderMap
  readonly body: string
}

export interface Personality {
  /** Routes, matched on the raw path. */
  readonly router: Router<Handler>
  /** Answer for a path no route matches (e.g. GitLab `404 {"error":"404 Not Found"}`). */
  notFound(ex: Exchange): Promise<void>
  /** Answer for a handler that threw: the forge's 500 body. */
  internalError(ex: Exchange, error: Error): Promise<void>
  /** The forge's usual response for an injected `{ status }` fault without an explicit body. */
  faultResponse(kind: Extract<FaultKind, { status: number }>): FaultResponse
  /** Runs before routing; resolves true when it answered (e.g. a rate limit hit). */
  intercept?(ex: Exchange): Promise<boolean>
  /** Headers on every response (e.g. `x-request-id`). */
  defaultHeaders?(): HeaderMap
}

export interface PersonalityContext {
  readonly blobs: BlobStore
  /** The server's origin; only valid once listening (i.e. from request handlers on). */
  readonly origin: () => string
}

export interface FakeServerOptions {
  /** Serve HTTPS with this key pair (PEM) instead of plain HTTP. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer }
  /** `discard` keeps only size + sha256 of uploads (for benchmarks); default `disk`. */
  readonly storage?: StorageMode
  /** Default 0 (any free port). Always bound to 127.0.0.1. */
  readonly port?: number
  /**
   * Reads request bodies no faster than this, all connections together, as over a shared link
   * of that capacity (the benchmark's network-bound scenarios). Unlimited when absent.
   */
  readonly linkBytesPerSecond?: number
}

export interface FakeServer {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly url: string
  readonly requests: RequestLog
  readonly faults: Faults
  readonly blobs: BlobStore
  /** Exceptions thrown by handlers (bugs in the fake, answered with a 500). Tests can assert it stays empty. */
  readonly errors: Error[]
  /** Shorthand for `requests.writeRequests()`. */
  writeRequests(): LoggedRequest[]
  /** Stops listening, destroys open sockets (hung requests included) and deletes stored bytes. */
  close(): Promise<void>
}

const flattenHeaders = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export const startFakeServer = async (
  createPersonality: (ctx: PersonalityContext) => Personality,
  options: FakeServerOptions = {},
): Promise<FakeServer> => {
  const requests = new RequestLog()
  const faults = new Faults()
  const blobs = new BlobStore(options.storage ?? 'disk')
  const link =
    options.linkBytesPerSecond === undefined ? undefined : new Link(options.linkBytesPerSecond)
  const errors: Error[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let origin = ''
  let closed = false
  const personality = createPersonality({
    blobs,
    origin: () => {
      if (origin === '') throw new Error('fake server is not listening yet')
      return origin
    },
  })

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  /** Resolves true when the fault fully handled the request. */
  const applyFault = async (kind: FaultKind, ex: Exchange): Promise<boolean> => {
    if ('hook' in kind) {
      await kind.hook(ex.entry)
      return kind.then === undefined ? closed : applyFault(kind.then, ex)
    }
    if ('latencyMs' in kind) {
      await sleep(kind.latencyMs)
      return closed
    }
    if ('hang' in kind) {
      await ex.drain()
      return true
    }
    if ('status' in kind) {
      const base = personality.faultResponse(kind)
      const body =
        kind.body === undefined
          ? base.body
          : typeof kind.body === 'string'
            ? kind.body
            : JSON.stringify(kind.body)
      const headers: HeaderMap = { ...base.headers }
      if (kind.body !== undefined && typeof kind.body !== 'string')
        headers['content-type'] = 'application/json'
      if (kind.retryAfter !== undefined) headers['retry-after'] = String(kind.retryAfter)
      await ex.send(kind.status, { ...headers, ...kind.headers }, body)
      return true
    }
    if (kind.reset === 'before-body') {
      ex.destroyConnection()
      return true
    }
    if (kind.reset === 'mid-body') {
      try {
        for await (const _chunk of ex.body()) {
          if (ex.entry.bodyBytes >= kind.afterBytes) break
        }
      } catch {
        // client already gone
      }
      ex.destroyConnection()
      return true
    }
    // after-apply: run the handler for its effect on the state, then drop the connection.
    ex.suppressResponse = true
    return false
  }

  const dispatch = async (ex: Exchange): Promise<void> => {
    const match = personality.router.match(ex.method, ex.pathname)
    if (match === undefined) {
      await personality.notFound(ex)
      return
    }
    ex.params = match.params
    await match.handler(ex)
  }

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const entry = requests.record({
      method: (req.method ?? 'GET').toUpperCase(),
      path: req.url ?? '/',
      headers: flattenHeaders(req),
      bodyBytes: 0,
      startedAt: Date.now(),
    })
    const ex = new Exchange(
      req,
      res,
      entry,
      origin,
      () => personality.defaultHeaders?.() ?? {},
      link,
    )
    try {
      const fault = faults.take(entry.method, entry.path)
      if (fault !== undefined) {
        entry.fault = describeFault(fault)
        if (await applyFault(fault, ex)) return
      }
      if (personality.intercept !== undefined && (await personality.intercept(ex))) return
      await dispatch(ex)
      if (!ex.responded) throw new Error(`handler for ${ex.method} ${ex.pathname} sent no response`)
      if (ex.suppressResponse) {
        await ex.drain()
        ex.destroyConnection()
      }
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught))
      if (error instanceof ContractViolation) {
        // Recorded even when the client went away: the request itself was wrong.
        errors.push(error)
        if (!ex.responded && !ex.clientGone) {
          await ex.json(400, { message: `${CONTRACT_MARKER}: ${error.message}` })
        }
        return
      }
      if (ex.clientGone) return
      errors.push(error)
      if (ex.suppressResponse) ex.destroyConnection()
      else if (!ex.responded) await personality.internalError(ex, error)
      else res.destroy()
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void onRequest(req, res).catch((error: unknown) => {
      errors.push(error instanceof Error ? error : new Error(String(error)))
      res.destroy()
    })
  }
  const server =
    options.tls === undefined
      ? createHttpServer(listener)
      : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
  // Generous: tests that upload gigabytes must not hit Node's request timeout.
  server.requestTimeout = 0
  server.headersTimeout = 60_000
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  origin = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`

  return {
    url: origin,
    requests,
    faults,
    blobs,
    errors,
    writeRequests: () => requests.writeRequests(),
    close: async () => {
      if (closed) return
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await stopped
      await blobs.close()
    },
  }
}
