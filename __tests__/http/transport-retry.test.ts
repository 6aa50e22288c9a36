import type http from 'node:http'
import { createServer } from 'node:http'

import { HttpError } from '../../src/http/http-error.js'
import { NetworkError } from '../../src/http/network-error.js'
import { OutcomeUnknownError } from '../../src/http/outcome-unknown-error.js'
import { createTransport } from '../../src/http/transport.js'
import type { Transport, TransportOptions } from '../../src/http/types.js'
import {
  type LoopbackServer,
  type TempDir,
  listen,
  makeTempDir,
  patternBytes,
  readBody,
  recordingSleep,
  sendJson,
  sha256,
  startServer,
} from './support/loopback-server.js'

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0)

let server: LoopbackServer | undefined
let transport: Transport | undefined
let temp: TempDir

beforeAll(async () => {
  temp = await makeTempDir()
})
afterAll(() => temp.remove())
afterEach(async () => {
  await transport?.close()
  await server?.close()
  transport = undefined
  server = undefined
})

function makeTransport(overrides: Partial<TransportOptions> = {}): {
  transport: Transport
  delays: number[]
  retries: { attempt: number; delayMs: number; reason: string }[]
} {
  const { sleep, delays } = recordingSleep()
  const retries: { attempt: number; delayMs: number; reason: string }[] = []
  transport = createTransport({
    retries: 3,
    timeoutMs: 5000,
    userAgent: 'forge-release-test/1.0',
    sleep,
    random: () => 0.5,
    now: () => NOW,
    env: {},
    onRetry: (info) => retries.push(info),
    ...overrides,
  })
  return { transport, delays, retries }
}

/** Answers each request with the next handler; the last one repeats. */
async function serveSequence(
  ...handlers: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[]
): Promise<{ server: LoopbackServer; hits: () => number }> {
  let hits = 0
  server = await startServer((req, res) => {
    const handler = handlers[Math.min(hits, handlers.length - 1)]
    hits += 1
    handler?.(req, res)
  })
  return { server, hits: () => hits }
}

const ok = (_req: http.IncomingMessage, res: http.ServerResponse): void =>
  sendJson(res, 200, { ok: true })

describe('retries', () => {
  it('retries a 503 after waiting at least its Retry-After', async () => {
    const { server } = await serveSequence((_q, res) => {
      res.writeHead(503, { 'retry-after': '2' }).end()
    }, ok)
    const { transport, delays } = makeTransport()
    const response = await transport.request({ method: 'GET', url: server.url('/api/v4/version') })
    expect(response.body).toEqual({ ok: true })
    expect(delays).toHaveLength(1)
    expect(delays[0]).toBeGreaterThanOrEqual(2000)
    expect(transport.stats).toMatchObject({ requests: 2, retries: 1 })
  })

  it('retries a 502 with jittered exponential backoff', async () => {
    const bad = (_q: http.IncomingMessage, res: http.ServerResponse): void => {
      res.writeHead(502).end('<html><title>502 Bad Gateway</title></html>')
    }
    const { server } = await serveSequence(bad, bad, ok)
    const { transport, delays, retries } = makeTransport({ retryTiming: { baseMs: 100 } })
    await transport.request({ method: 'GET', url: server.url('/x') })
    // random() is 0.5: half of base·2^attempt.
    expect(delays).toEqual([50, 100])
    expect(retries.map((r) => r.reason)).toEqual(['HTTP 502', 'HTTP 502'])
  })

  it("retries GitLab's text/plain 429 until RateLimit-Reset", async () => {
    const { server } = await serveSequence((_q, res) => {
      res
        .writeHead(429, {
          'content-type': 'text/plain',
          'ratelimit-reset': String(NOW / 1000 + 30),
        })
        .end('Retry later\n')
    }, ok)
    const { transport, delays } = makeTransport()
    await transport.request({ method: 'GET', url: server.url('/x') })
    expect(delays[0]).toBeGreaterThanOrEqual(30_000)
  })

  it("retries GitHub's rate-limit 403 until x-ratelimit-reset", async () => {
    const { server } = await serveSequence((_q, res) => {
      sendJson(
        res,
        403,
        { message: 'API rate limit exceeded for user ID 1.' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 45) },
      )
    }, ok)
    const { transport, delays } = makeTransport()
    await transport.request({ method: 'GET', url: server.url('/x') })
    expect(delays[0]).toBeGreaterThanOrEqual(45_000)
  })

  it('gives up after `retries` retries with an HttpError naming the status', async () => {
    const { server, hits } = await serveSequence((_q, res) =>
      sendJson(res, 503, { message: '503 Service Unavailable' }),
    )
    const { transport } = makeTransport({ retries: 2 })
    const error = await transport
      .request({ method: 'GET', url: server.url('/x') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ status: 503, code: 'HTTP', method: 'GET' })
    expect((error as HttpError).message).toContain('gave up after 2 retries')
    expect(hits()).toBe(3)
    expect(transport.stats).toMatchObject({ requests: 3, retries: 2 })
  })

  it('gives up at once when the server asks to wait longer than maxWaitMs, saying how long', async () => {
    const { server, hits } = await serveSequence((_q, res) => {
      res.writeHead(503, { 'retry-after': '7200' }).end()
    })
    const { transport } = makeTransport()
    const error = await transport
      .request({ method: 'GET', url: server.url('/x') })
      .catch((e: unknown) => e)
    expect((error as HttpError).message).toContain('the server asked to wait 2 h')
    expect(hits()).toBe(1)
  })

  test.each([
    [404, { message: '404 Project Not Found' }, 'NOT_FOUND', '404 Project Not Found'],
    [
      422,
      {
        message: 'Validation Failed',
        errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
      },
      'HTTP',
      'Validation Failed: ReleaseAsset.name already exists',
    ],
    [400, { message: { name: ['has already been taken'] } }, 'HTTP', 'name has already been taken'],
    [401, { message: '401 Unauthorized' }, 'AUTH', '401 Unauthorized'],
  ])('treats %i as final and renders the server message', async (status, body, code, rendered) => {
    const { server, hits } = await serveSequence((_q, res) => sendJson(res, status, body))
    const { transport } = makeTransport()
    const error = await transport
      .request({ method: 'PUT', url: server.url('/x'), body: { kind: 'json', value: {} } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ status, code, serverMessage: rendered, body })
    expect(hits()).toBe(1)
  })

  it('returns an accepted status instead of throwing', async () => {
    const { server } = await serveSequence((_q, res) =>
      sendJson(res, 404, { message: '404 Release Not Found' }),
    )
    const { transport } = makeTransport()
    const response = await transport.request({
      method: 'GET',
      url: server.url('/x'),
      acceptStatus: [404],
    })
    expect(response).toMatchObject({ status: 404, body: { message: '404 Release Not Found' } })
  })

  it('tolerates empty success bodies', async () => {
    const { server } = await serveSequence((_q, res) => res.writeHead(204).end())
    const { transport } = makeTransport()
    const response = await transport.request({ method: 'DELETE', url: server.url('/x') })
    expect(response).toMatchObject({ status: 204, body: undefined })
  })

  it('refuses a success body that is not JSON, pointing at api_url', async () => {
    const { server } = await serveSequence((_q, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><title>Sign in</title></html>'),
    )
    const { transport } = makeTransport()
    const error = await transport
      .request({ method: 'GET', url: server.url('/x') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).message).toContain('not JSON (text/html)')
    expect((error as HttpError).hint).toContain('api_url')
  })
})

describe('non-idempotent requests', () => {
  it('does not repeat a POST whose connection broke after sending: OutcomeUnknownError', async () => {
    const { server, hits } = await serveSequence((req) => {
      void readBody(req).then(() => req.socket.destroy())
    })
    const { transport } = makeTransport()
    const error = await transport
      .request({
        method: 'POST',
        url: server.url('/releases'),
        body: { kind: 'json', value: { tag_name: 'v1' } },
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OutcomeUnknownError)
    expect(error).toMatchObject({ method: 'POST', code: 'NETWORK' })
    expect(hits()).toBe(1)
  })

  it('does not repeat a POST answered 502: OutcomeUnknownError with the status', async () => {
    const { server, hits } = await serveSequence((_q, res) => res.writeHead(502).end('Bad Gateway'))
    const { transport } = makeTransport()
    const error = await transport
      .request({ method: 'POST', url: server.url('/releases'), body: { kind: 'json', value: {} } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OutcomeUnknownError)
    expect(error).toMatchObject({ status: 502, code: 'HTTP' })
    expect(hits()).toBe(1)
  })

  it('retries a POST answered 429, which the server did not process', async () => {
    const bodies: string[] = []
    const { server } = await serveSequence(
      (req, res) => {
        void readBody(req).then((b) => {
          bodies.push(b.toString())
          res.writeHead(429, { 'retry-after': '1' }).end('Retry later')
        })
      },
      (req, res) => {
        void readBody(req).then((b) => {
          bodies.push(b.toString())
          sendJson(res, 201, { tag_name: 'v1' })
        })
      },
    )
    const { transport } = makeTransport()
    const response = await transport.request({
      method: 'POST',
      url: server.url('/releases'),
      body: { kind: 'json', value: { tag_name: 'v1' } },
    })
    expect(response.status).toBe(201)
    expect(bodies).toEqual(['{"tag_name":"v1"}', '{"tag_name":"v1"}'])
  })

  it('retries a POST whose connection was refused, and reaches the server once it is up', async () => {
    // Find a free port, then leave it closed until the first retry's sleep.
    const probe = await startServer(() => undefined)
    const { port } = probe
    await probe.close()
    const received: string[] = []
    const late = createServer((req, res) => {
      void readBody(req).then((b) => {
        received.push(b.toString())
        sendJson(res, 201, {})
      })
    })
    let lateServer: LoopbackServer | undefined
    const { transport, retries } = makeTransport({
      sleep: async () => {
        if (lateServer === undefined) {
          lateServer = await listen(late, 'http', port)
        }
      },
    })
    try {
      const response = await transport.request({
        method: 'POST',
        url: `http://127.0.0.1:${port}/releases`,
        body: { kind: 'form', fields: { tag_name: 'v1' } },
      })
      expect(response.status).toBe(201)
      expect(received).toEqual(['tag_name=v1'])
      expect(retries[0]?.reason).toContain('ECONNREFUSED')
    } finally {
      await lateServer?.close()
    }
  })

  it('reports a refused connection that never recovers as a NetworkError', async () => {
    const probe = await startServer(() => undefined)
    const url = probe.url('/releases')
    await probe.close()
    const { transport } = makeTransport({ retries: 1 })
    const error = await transport
      .request({ method: 'POST', url, body: { kind: 'json', value: {} } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).message).toMatch(
      /connection refused \(ECONNREFUSED\).*gave up after 1 retry/,
    )
  })
})

describe('streamed file uploads', () => {
  it('retries a PUT after a mid-body reset and the server ends up with exactly the file', async () => {
    const data = patternBytes(3 * 1024 * 1024)
    const path = await temp.write('app.tar.gz', data)
    const received: Buffer[] = []
    const lengths: (string | undefined)[] = []
    const { server } = await serveSequence(
      (req) => {
        lengths.push(req.headers['content-length'])
        req.once('data', () => req.socket.destroy())
      },
      (req, res) => {
        lengths.push(req.headers['content-length'])
        void readBody(req).then((body) => {
          received.push(body)
          sendJson(res, 201, { message: '201 Created' })
        })
      },
    )
    const progress: number[] = []
    const { transport } = makeTransport()
    const response = await transport.request({
      method: 'PUT',
      url: server.url('/api/v4/projects/1/packages/generic/pkg/1.0/app.tar.gz'),
      body: { kind: 'file', path, size: data.length },
      onUploadProgress: (sent) => progress.push(sent),
    })
    expect(response.status).toBe(201)
    expect(received).toHaveLength(1)
    expect(sha256(received[0] ?? Buffer.alloc(0))).toBe(sha256(data))
    expect(lengths).toEqual([String(data.length), String(data.length)])
    expect(progress.at(-1)).toBe(data.length)
    expect(transport.stats.retries).toBe(1)
    expect(transport.stats.bytesSent).toBeGreaterThan(data.length)
  })
})
