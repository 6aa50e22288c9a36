import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { Agent, fetch as undiciFetch } from 'undici'
import { BlobStore, type StoredBlob } from './blob-store.js'
import type { Exchange } from './exchange.js'
import { parseNestedParams } from './form-params.js'
import { call } from './http-test-client.js'
import { MultipartError, readMultipart } from './multipart.js'
import { Router } from './router.js'
import { startFakeServer, type FakeServer, type FakeServerOptions, type Handler } from './server.js'
import { TEST_TLS } from './test-tls.js'

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')

const collect = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
}

/** A minimal personality: a key/value blob store over PUT/GET, and an echo of route params. */
const startEchoServer = async (
  options: FakeServerOptions = {},
): Promise<FakeServer & { stored: Map<string, StoredBlob> }> => {
  const stored = new Map<string, StoredBlob>()
  const server = await startFakeServer(({ blobs }) => {
    const router = new Router<Handler>()
    router.put('/store/:name', async (ex) => {
      const result = await blobs.write(ex.body())
      if (!result.ok) return ex.empty(400)
      stored.set(ex.params.name ?? '', result.blob)
      await ex.json(201, { size: result.blob.size, sha256: result.blob.sha256 })
    })
    router.get('/store/:name', async (ex) => {
      const blob = stored.get(ex.params.name ?? '')
      if (blob === undefined) return ex.json(404, { message: 'missing' })
      await ex.stream(200, { 'content-length': blob.size }, blobs.read(blob))
    })
    router.get('/boom', () => Promise.reject(new Error('kaboom')))
    router.get('/echo/:id/items/*rest', (ex: Exchange) => ex.json(200, ex.params))
    return {
      router,
      notFound: (ex) => ex.json(404, { error: 'no route' }),
      internalError: (ex) => ex.json(500, { message: 'internal' }),
      faultResponse: (kind) => ({
        status: kind.status,
        headers: { 'content-type': 'text/plain' },
        body: `fault ${kind.status}`,
      }),
    }
  }, options)
  return Object.assign(server, { stored })
}

describe('Router', () => {
  const router = new Router<string>()
    .get('/api/v4/projects/:id/releases/:tag_name', 'release')
    .get('/api/v4/projects/:id/releases/:tag_name/downloads/*path', 'download')
    .get('/*project/-/releases/:tag', 'web-release')
    .get('/*project/-/evidences/:id.json', 'evidence')

  it('decodes %2F inside a segment into one parameter', () => {
    const m = router.match('GET', '/api/v4/projects/group%2Fapp/releases/release%2F1.0')
    expect(m?.handler).toBe('release')
    expect(m?.params).toEqual({ id: 'group/app', tag_name: 'release/1.0' })
  })

  it('does not match a raw slash inside a parameter, as GitLab routes', () => {
    expect(router.match('GET', '/api/v4/projects/group/app/releases/v1')).toBeUndefined()
    expect(router.match('GET', '/api/v4/projects/1/releases/release/1.0')).toBeUndefined()
  })

  it('captures the rest of the path with *name, also in the middle of a pattern', () => {
    expect(
      router.match('GET', '/api/v4/projects/1/releases/v1/downloads/bin/app.tar.gz')?.params,
    ).toEqual({
      id: '1',
      tag_name: 'v1',
      path: 'bin/app.tar.gz',
    })
    expect(router.match('GET', '/group/sub/app/-/releases/v1')?.params).toEqual({
      project: 'group/sub/app',
      tag: 'v1',
    })
    expect(router.match('GET', '/g/app/-/evidences/12.json')?.params).toEqual({
      project: 'g/app',
      id: '12',
    })
  })

  it('lets HEAD use GET routes and keeps other methods apart', () => {
    expect(router.match('HEAD', '/api/v4/projects/1/releases/v1')?.handler).toBe('release')
    expect(router.match('POST', '/api/v4/projects/1/releases/v1')).toBeUndefined()
  })

  it('treats a malformed escape as no match', () => {
    expect(router.match('GET', '/api/v4/projects/1/releases/%E0%A4%A')).toBeUndefined()
  })
})

describe('parseNestedParams', () => {
  it('reads Rack-style arrays, hashes and arrays of hashes', () => {
    const params = parseNestedParams(
      'tag_name=v1&milestones[]=a&milestones[]=b&assets[links][][name]=x&assets[links][][url]=u1&assets[links][][name]=y&assets[links][][url]=u2&h[k]=v',
    )
    expect(params).toEqual({
      tag_name: 'v1',
      milestones: ['a', 'b'],
      assets: {
        links: [
          { name: 'x', url: 'u1' },
          { name: 'y', url: 'u2' },
        ],
      },
      h: { k: 'v' },
    })
  })
})

describe('readMultipart', () => {
  const boundary = 'XyZ--boundary'
  const file = randomBytes(3000)
  const body = Buffer.concat([
    Buffer.from(
      `preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`,
    ),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a b.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])

  const parse = async (
    chunkSize: number,
  ): Promise<Record<string, { filename?: string; data: Buffer }>> => {
    const chunks: Buffer[] = []
    for (let i = 0; i < body.length; i += chunkSize) chunks.push(body.subarray(i, i + chunkSize))
    const parts: Record<string, { filename?: string; data: Buffer }> = {}
    await readMultipart(Readable.from(chunks), boundary, async (part) => {
      parts[part.name] = { filename: part.filename, data: await collect(part.body) }
    })
    return parts
  }

  it.each([1, 7, 64, 100_000])(
    'streams every part intact when chunks are %i bytes',
    async (size) => {
      const parts = await parse(size)
      expect(parts.note?.data.toString()).toBe('hello')
      expect(parts.file?.filename).toBe('a b.bin')
      expect(parts.file?.data.equals(file)).toBe(true)
    },
  )

  it('rejects a body that ends before the closing boundary', async () => {
    const cut = body.subarray(0, body.length - 20)
    await expect(
      readMultipart(Readable.from([cut]), boundary, async (part) => {
        await collect(part.body).catch(() => Buffer.alloc(0))
      }),
    ).rejects.toBeInstanceOf(MultipartError)
  })
})

describe('BlobStore', () => {
  it('keeps bytes on disk with their sha256 and deletes them on close', async () => {
    const store = new BlobStore('disk')
    const data = randomBytes(100_000)
    const result = await store.write(Readable.from([data.subarray(0, 10), data.subarray(10)]))
    if (!result.ok) throw new Error('write failed')
    expect(result.blob).toMatchObject({ size: data.length, sha256: sha256(data) })
    expect((await collect(store.read(result.blob))).equals(data)).toBe(true)
    await store.close()
    await expect(readFile(result.blob.file ?? '')).rejects.toThrow()
  })

  it('in discard mode keeps size and sha256 and reads back zeros of the same length', async () => {
    const store = new BlobStore('discard')
    const data = randomBytes(70_000)
    const result = await store.write(Readable.from([data]))
    if (!result.ok) throw new Error('write failed')
    expect(result.blob).toMatchObject({ size: 70_000, sha256: sha256(data), file: undefined })
    const back = await collect(store.read(result.blob))
    expect(back.equals(Buffer.alloc(70_000))).toBe(true)
    await store.close()
  })

  it('drains and refuses a body over maxBytes, and reports a failing source as aborted', async () => {
    const store = new BlobStore('disk')
    expect(await store.write(Readable.from([Buffer.alloc(11)]), { maxBytes: 10 })).toEqual({
      ok: false,
      reason: 'too-large',
      size: 11,
    })
    const failing = new Readable({ read() {} })
    failing.push(Buffer.alloc(5))
    setImmediate(() => failing.destroy(new Error('socket hang up')))
    const result = await store.write(failing)
    expect(result).toMatchObject({ ok: false, reason: 'aborted' })
    expect(store.written).toEqual([])
    await store.close()
  })

  it('lists every blob it kept, removed ones too', async () => {
    const store = new BlobStore('disk')
    const first = await store.write(Readable.from([Buffer.from('one')]))
    await store.write(Readable.from([Buffer.from('two')]))
    if (!first.ok) throw new Error('write failed')
    await store.remove(first.blob)
    expect(store.written.map((b) => b.sha256)).toEqual([
      sha256(Buffer.from('one')),
      sha256(Buffer.from('two')),
    ])
    await store.close()
  })
})

describe('fake server core', () => {
  let server: FakeServer & { stored: Map<string, StoredBlob> }
  beforeEach(async () => {
    server = await startEchoServer()
  })
  afterEach(async () => {
    await server.close()
    // Only the test of a throwing handler may leave an error behind.
    expect(server.errors.filter((e) => e.message !== 'kaboom')).toEqual([])
  })

  it('logs every request with its raw path, headers and body size', async () => {
    await call(`${server.url}/store/a?x=%2F`, 'PUT', {
      body: 'hello',
      headers: { 'x-probe': 'yes' },
    })
    await call(`${server.url}/store/a`, 'GET')
    await call(`${server.url}/nowhere`, 'HEAD')
    const log = server.requests.all()
    expect(log.map((e) => [e.method, e.path, e.status])).toEqual([
      ['PUT', '/store/a?x=%2F', 201],
      ['GET', '/store/a', 200],
      ['HEAD', '/nowhere', 404],
    ])
    expect(log[0]?.bodyBytes).toBe(5)
    expect(log[0]?.headers['x-probe']).toBe('yes')
    expect(server.writeRequests().map((e) => e.method)).toEqual(['PUT'])
    expect(server.requests.count({ path: /^\/store\// })).toBe(2)
  })

  it('routes on the raw path and decodes parameters', async () => {
    const res = await call(`${server.url}/echo/group%2Fapp/items/a/b%20c`, 'GET')
    expect(res.json).toEqual({ id: 'group/app', rest: 'a/b c' })
  })

  it('answers 500 through the personality when a handler throws, and records the error', async () => {
    const res = await call(`${server.url}/boom`, 'GET')
    expect(res.status).toBe(500)
    expect(server.errors.map((e) => e.message)).toEqual(['kaboom'])
  })

  it('fires a status fault the given number of times, then lets requests through', async () => {
    const fault = server.faults.add({
      method: 'PUT',
      path: '/store/a',
      times: 2,
      kind: { status: 503, retryAfter: 7 },
    })
    const first = await call(`${server.url}/store/a`, 'PUT', { body: 'x' })
    const second = await call(`${server.url}/store/a`, 'PUT', { body: 'x' })
    const third = await call(`${server.url}/store/a`, 'PUT', { body: 'x' })
    expect([first.status, second.status, third.status]).toEqual([503, 503, 201])
    expect(first.headers.get('retry-after')).toBe('7')
    expect(first.text).toBe('fault 503')
    expect(fault.fired).toBe(2)
    expect(server.requests.all().map((e) => e.fault)).toEqual([
      'status:503',
      'status:503',
      undefined,
    ])
  })

  it('skips the first matches with after, and matches paths by RegExp', async () => {
    const fault = server.faults.add({
      path: /^\/store\//,
      after: 1,
      kind: { status: 502, body: { message: 'bad' } },
    })
    expect((await call(`${server.url}/store/a`, 'PUT', { body: 'x' })).status).toBe(201)
    const hit = await call(`${server.url}/store/a`, 'GET')
    expect(hit.status).toBe(502)
    expect(hit.json).toEqual({ message: 'bad' })
    expect((await call(`${server.url}/store/a`, 'GET')).status).toBe(200)
    expect(fault).toMatchObject({ fired: 1, seen: 2, exhausted: true })
  })

  it('resets before the body: the client fails and nothing is applied', async () => {
    server.faults.add({ kind: { reset: 'before-body' } })
    await expect(call(`${server.url}/store/a`, 'PUT', { body: 'hello' })).rejects.toThrow()
    expect(server.stored.size).toBe(0)
  })

  it('resets mid-body: part of the body is read, the client fails, nothing is applied', async () => {
    const fault = server.faults.add({
      method: 'PUT',
      kind: { reset: 'mid-body', afterBytes: 64 * 1024 },
    })
    await expect(
      call(`${server.url}/store/a`, 'PUT', { body: randomBytes(1024 * 1024) }),
    ).rejects.toThrow()
    expect(fault.fired).toBe(1)
    expect(server.stored.size).toBe(0)
    expect(server.requests.all()[0]?.bodyBytes).toBeGreaterThanOrEqual(64 * 1024)
  })

  it('resets after applying: the client fails but the write landed', async () => {
    server.faults.add({ method: 'PUT', kind: { reset: 'after-apply' } })
    await expect(call(`${server.url}/store/a`, 'PUT', { body: 'landed' })).rejects.toThrow()
    const back = await call(`${server.url}/store/a`, 'GET')
    expect(back.text).toBe('landed')
  })

  it('delays with latencyMs and then answers normally', async () => {
    const fault = server.faults.add({ kind: { latencyMs: 30 } })
    const res = await call(`${server.url}/store/missing`, 'GET')
    expect(res.status).toBe(404)
    expect(fault.fired).toBe(1)
  })

  it('runs a hook when the request arrives, then handles it normally or as `then` says', async () => {
    const seen: string[] = []
    const hook = server.faults.add({
      method: 'PUT',
      kind: { hook: (request) => void seen.push(`${request.method} ${request.path}`) },
    })
    await call(`${server.url}/store/a`, 'PUT', { body: 'kept' })
    expect((await call(`${server.url}/store/a`, 'GET')).text).toBe('kept')
    server.faults.add({
      method: 'PUT',
      kind: { hook: () => void seen.push('then'), then: { status: 503 } },
    })
    expect((await call(`${server.url}/store/b`, 'PUT', { body: 'refused' })).status).toBe(503)
    expect(seen).toEqual(['PUT /store/a', 'then'])
    expect(hook.fired).toBe(1)
    expect(server.requests.all().map((r) => r.fault)).toEqual([
      'hook',
      undefined,
      'hook+status:503',
    ])
  })

  it('hangs until the client gives up, and close() still finishes', async () => {
    server.faults.add({ kind: { hang: true } })
    await expect(
      call(`${server.url}/store/a`, 'GET', { signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow()
    const hung = await startEchoServer()
    hung.faults.add({ kind: { hang: true } })
    const outcome = call(`${hung.url}/store/a`, 'GET').then(
      () => 'answered',
      () => 'failed',
    )
    while (hung.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    await hung.close()
    expect(await outcome).toBe('failed')
  })

  it('serves HTTPS with the test certificate', async () => {
    const tls = await startEchoServer({ tls: TEST_TLS })
    const dispatcher = new Agent({ connect: { ca: TEST_TLS.cert } })
    try {
      expect(tls.url.startsWith('https://127.0.0.1:')).toBe(true)
      const res = await undiciFetch(`${tls.url}/echo/1/items/x`, { dispatcher })
      expect(await res.json()).toEqual({ id: '1', rest: 'x' })
    } finally {
      await dispatcher.close()
      await tls.close()
    }
  })
})
