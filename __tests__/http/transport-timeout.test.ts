import { NetworkError } from '../../src/http/network-error.js'
import { OutcomeUnknownError } from '../../src/http/outcome-unknown-error.js'
import { createTransport } from '../../src/http/transport.js'
import type { Transport } from '../../src/http/types.js'
import {
  type LoopbackServer,
  type TempDir,
  makeTempDir,
  patternBytes,
  readBody,
  recordingSleep,
  sendJson,
  sha256,
  startServer,
} from './support/loopback-server.js'

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

function makeTransport(timeoutMs: number, retries = 1): Transport {
  transport = createTransport({
    retries,
    timeoutMs,
    userAgent: 'forge-release-test/1.0',
    sleep: recordingSleep().sleep,
    env: {},
  })
  return transport
}

describe('inactivity timeout', () => {
  it('aborts and retries a request to a server that never answers, then reports TIMEOUT', async () => {
    let hits = 0
    server = await startServer((req) => {
      hits += 1
      req.resume()
    })
    const error = await makeTransport(200)
      .request({ method: 'GET', url: server.url('/hang') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'TIMEOUT' })
    expect((error as NetworkError).message).toContain('no progress for 200 ms')
    expect(hits).toBe(2)
  })

  it('aborts a response body that stops halfway', async () => {
    server = await startServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"partial":')
    })
    const error = await makeTransport(200, 0)
      .request({ method: 'GET', url: server.url('/half') })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'TIMEOUT' })
  })

  it('reports a POST that timed out after sending as outcome unknown, not repeated', async () => {
    let hits = 0
    server = await startServer((req) => {
      hits += 1
      req.resume()
    })
    const error = await makeTransport(200)
      .request({ method: 'POST', url: server.url('/releases'), body: { kind: 'json', value: {} } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OutcomeUnknownError)
    expect(error).toMatchObject({ code: 'TIMEOUT' })
    expect(hits).toBe(1)
  })

  it('lets a slow but steadily progressing upload run longer than the timeout', async () => {
    // The server reads the first 40 MiB in 256 KiB steps with a 20 ms pause after each: at
    // least 160 × 20 ms = 3.2 s in all, over the 2 s timeout, yet bytes keep moving. The client
    // sees that progress in bursts as the kernel's send buffer (up to 4 MiB here) drains, about
    // every 2 MiB / 12.8 MB/s ≈ 160 ms: a margin of twelve to the timeout, which a loaded CI
    // machine needs (at 800 ms against 12 MiB it failed there once). The last 8 MiB, about what
    // the kernel buffers on loopback, are read at full speed so nothing sits in buffers with the
    // client unable to tell.
    const timeoutMs = 2000
    const size = 48 * 1024 * 1024
    const paced = 40 * 1024 * 1024
    const step = 256 * 1024
    const data = patternBytes(size, 3)
    const path = await temp.write('slow.bin', data)
    let pauses = 0
    server = await startServer((req, res) => {
      const chunks: Buffer[] = []
      let read = 0
      req.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        const before = read
        read += chunk.length
        if (read <= paced && Math.floor(read / step) > Math.floor(before / step)) {
          pauses += 1
          req.pause()
          setTimeout(() => req.resume(), 20)
        }
      })
      req.on('end', () => sendJson(res, 201, { sha256: sha256(Buffer.concat(chunks)) }))
    })
    const response = await makeTransport(timeoutMs, 0).request<{ sha256: string }>({
      method: 'PUT',
      url: server.url('/upload'),
      body: { kind: 'file', path, size },
    })
    expect(response.body.sha256).toBe(sha256(data))
    // A chunk that spans two steps pauses once, so count what matters: the server held the
    // upload back for longer in total than the inactivity timeout.
    expect(pauses * 20).toBeGreaterThan(timeoutMs)
  })

  it('leaves a handed-over download stream to undici body timeout, which errors the stream', async () => {
    server = await startServer((req, res) => {
      void readBody(req).then(() => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000' })
        res.write(Buffer.alloc(10))
      })
    })
    const response = await makeTransport(200, 0).stream({ method: 'GET', url: server.url('/dl') })
    const consumed = (async () => {
      for await (const _chunk of response.body as AsyncIterable<Buffer>) {
        // drain
      }
    })()
    await expect(consumed).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' })
  })
})
