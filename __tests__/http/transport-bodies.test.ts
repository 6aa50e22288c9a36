import type http from 'node:http'

import { ReleaseError } from '../../src/errors.js'
import { createTransport } from '../../src/http/transport.js'
import type { Transport } from '../../src/http/types.js'
import {
  type LoopbackServer,
  type TempDir,
  makeTempDir,
  patternBytes,
  readBody,
  sendJson,
  sha256,
  startServer,
} from './support/loopback-server.js'

interface Received {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
  readonly port: number | undefined
}

let server: LoopbackServer
let transport: Transport
let temp: TempDir
let received: Received[] = []

beforeAll(async () => {
  temp = await makeTempDir()
  server = await startServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        port: req.socket.remotePort,
      })
      if (req.url === '/download') {
        res
          .writeHead(200, { 'content-type': 'application/octet-stream' })
          .end(patternBytes(200_000))
        return
      }
      if (req.url === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words')
        return
      }
      sendJson(res, 201, { received: body.length })
    })
  })
})
beforeEach(() => {
  received = []
  transport = createTransport({
    retries: 0,
    timeoutMs: 5000,
    userAgent: 'forge-release-test/1.0',
    env: {},
  })
})
afterEach(() => transport.close())
afterAll(async () => {
  await server.close()
  await temp.remove()
})

interface Part {
  readonly headers: Record<string, string>
  readonly content: Buffer
}

/** A deliberately simple multipart/form-data parser, independent of the code under test. */
function parseMultipart(body: Buffer, contentType: string | undefined): Part[] {
  const boundary = /boundary=(.+)$/.exec(contentType ?? '')?.[1]
  if (boundary === undefined) throw new Error(`no boundary in ${String(contentType)}`)
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Part[] = []
  let start = body.indexOf(delimiter)
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break
    const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter)
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd)
    const headerLines = body
      .subarray(afterDelimiter + 2, headerEnd)
      .toString('utf8')
      .split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    parts.push({ headers, content: body.subarray(headerEnd + 4, next) })
    start = next + 2
  }
  return parts
}

describe('request bodies', () => {
  it('sends JSON with its exact length and the User-Agent', async () => {
    await transport.request({
      method: 'POST',
      url: server.url('/json'),
      body: { kind: 'json', value: { name: 'v1.0 – ünïcode' } },
    })
    const [request] = received
    expect(JSON.parse(request?.body.toString() ?? '')).toEqual({ name: 'v1.0 – ünïcode' })
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['content-length']).toBe(String(request?.body.length))
    expect(request?.headers['user-agent']).toBe('forge-release-test/1.0')
  })

  it('sends form fields, lists as repeated `key[]`', async () => {
    await transport.request({
      method: 'PUT',
      url: server.url('/form'),
      body: { kind: 'form', fields: { name: 'a b&c', milestones: ['v1', 'v2'] } },
    })
    const [request] = received
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    const params = new URLSearchParams(request?.body.toString())
    expect(params.get('name')).toBe('a b&c')
    expect(params.getAll('milestones[]')).toEqual(['v1', 'v2'])
  })

  it('streams a file with an explicit Content-Length and no content encoding', async () => {
    const data = patternBytes(1024 * 1024 + 17)
    const path = await temp.write('raw.bin', data)
    const progress: number[] = []
    await transport.request({
      method: 'PUT',
      url: server.url('/file'),
      body: { kind: 'file', path, size: data.length, contentType: 'application/gzip' },
      onUploadProgress: (sent) => progress.push(sent),
    })
    const [request] = received
    expect(sha256(request?.body ?? Buffer.alloc(0))).toBe(sha256(data))
    expect(request?.headers['content-length']).toBe(String(data.length))
    expect(request?.headers['content-type']).toBe('application/gzip')
    expect(request?.headers['content-encoding']).toBeUndefined()
    expect(request?.headers['transfer-encoding']).toBeUndefined()
    expect(progress.at(-1)).toBe(data.length)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect(transport.stats.bytesSent).toBe(data.length)
  })

  it('sends an empty file as an empty body', async () => {
    const path = await temp.write('empty.txt', Buffer.alloc(0))
    await transport.request({
      method: 'PUT',
      url: server.url('/empty'),
      body: { kind: 'file', path, size: 0 },
    })
    expect(received[0]?.headers['content-length']).toBe('0')
    expect(received[0]?.body.length).toBe(0)
  })

  it('frames a multipart upload whose parts give back the exact file, fields and names', async () => {
    const data = patternBytes(700_001, 7)
    const path = await temp.write('multi.bin', data)
    await transport.request({
      method: 'POST',
      url: server.url('/attachments'),
      body: {
        kind: 'multipart',
        field: 'file',
        path,
        size: data.length,
        filename: 'my "app"\r\n.tar.gz',
        contentType: 'application/gzip',
        fields: { tag_name: 'v1.0', description: 'two\r\nlines ✓' },
      },
    })
    const [request] = received
    expect(request?.headers['content-length']).toBe(String(request?.body.length))
    const parts = parseMultipart(request?.body ?? Buffer.alloc(0), request?.headers['content-type'])
    expect(parts.map((p) => p.headers['content-disposition'])).toEqual([
      'form-data; name="tag_name"',
      'form-data; name="description"',
      'form-data; name="file"; filename="my %22app%22%0D%0A.tar.gz"',
    ])
    expect(parts[1]?.content.toString('utf8')).toBe('two\r\nlines ✓')
    expect(parts[2]?.headers['content-type']).toBe('application/gzip')
    expect(sha256(parts[2]?.content ?? Buffer.alloc(0))).toBe(sha256(data))
  })

  it('refuses to upload a file whose size changed since it was hashed, before sending', async () => {
    const path = await temp.write('grown.bin', patternBytes(100))
    const error = await transport
      .request({ method: 'PUT', url: server.url('/file'), body: { kind: 'file', path, size: 50 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReleaseError)
    expect(error).toMatchObject({ code: 'ASSET_INVALID' })
    expect(received).toHaveLength(0)
  })
})

describe('responses', () => {
  it('streams a download for the caller to consume', async () => {
    const response = await transport.stream({ method: 'GET', url: server.url('/download') })
    const chunks: Buffer[] = []
    for await (const chunk of response.body) chunks.push(chunk as Buffer)
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(patternBytes(200_000)))
    expect(response.headers['content-type']).toBe('application/octet-stream')
  })

  it('returns text for responseType text', async () => {
    const response = await transport.request({
      method: 'GET',
      url: server.url('/text'),
      responseType: 'text',
    })
    expect(response.body).toBe('plain words')
  })

  it('reuses keep-alive connections for sequential requests', async () => {
    for (let i = 0; i < 5; i++) await transport.request({ method: 'GET', url: server.url('/json') })
    // The pool may open a second socket while the first is being released, never one per request.
    expect(new Set(received.map((r) => r.port)).size).toBeLessThanOrEqual(2)
  })

  it('opens at most `connections` sockets per origin', async () => {
    const limited = createTransport({
      retries: 0,
      timeoutMs: 5000,
      userAgent: 't',
      env: {},
      connections: 2,
    })
    try {
      await Promise.all(
        Array.from({ length: 6 }, () =>
          limited.request({ method: 'GET', url: server.url('/json') }),
        ),
      )
    } finally {
      await limited.close()
    }
    expect(received).toHaveLength(6)
    expect(new Set(received.map((r) => r.port)).size).toBeLessThanOrEqual(2)
  })
})

describe('parallel requests', () => {
  it('runs uploads to one origin concurrently', async () => {
    // This server answers nothing until three uploads are in flight at once.
    const waiting: http.ServerResponse[] = []
    const gate = await startServer((req, res) => {
      void readBody(req).then(() => {
        waiting.push(res)
        if (waiting.length === 3) for (const held of waiting) sendJson(held, 201, {})
      })
    })
    const path = await temp.write('parallel.bin', patternBytes(64 * 1024))
    try {
      const responses = await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          transport.request({
            method: 'PUT',
            url: gate.url(`/upload/${name}`),
            body: { kind: 'file', path, size: 64 * 1024 },
          }),
        ),
      )
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201])
    } finally {
      await gate.close()
    }
  })
})
