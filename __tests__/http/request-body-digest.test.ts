import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, openSync, readdirSync, readlinkSync } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import type http from 'node:http'
import { join } from 'node:path'
import type { Readable } from 'node:stream'

import { FileDigest } from '../../src/assets/file-digest.js'
import { type OpenedBody, type PreparedBody, prepareBody } from '../../src/http/request-body.js'
import { createTransport } from '../../src/http/transport.js'
import type { FileReadObserver, RequestBody, Transport } from '../../src/http/types.js'
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

const MIB = 1024 * 1024

let temp: TempDir
let server: LoopbackServer | undefined
let transport: Transport | undefined

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

const SIZES = [
  ['0 B', 0],
  ['1 B', 1],
  ['3 MiB + 1 B', 3 * MIB + 1],
] as const

let files = 0
/** Writes a file of `size` patterned bytes (distinct per seed). */
async function fileOf(size: number, seed = 1): Promise<{ data: Buffer; path: string }> {
  const data = patternBytes(size, seed)
  const path = await temp.write(`file-${files++}.bin`, data)
  return { data, path }
}

async function readAll(body: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Opens one attempt of `body`, reads it to its end and closes it. */
async function sendOnce(
  body: RequestBody | PreparedBody,
): Promise<{ bytes: Buffer; sent: number }> {
  const prepared = 'open' in body ? body : prepareBody(body)
  let sent = 0
  const opened = await prepared.open((bytes) => {
    sent += bytes
  })
  try {
    return { bytes: await readAll(opened.body), sent }
  } finally {
    opened.close()
  }
}

/** Reads the first chunk of an attempt, then closes it, as the transport does on a failure. */
async function abandonAfterFirstChunk(opened: OpenedBody): Promise<void> {
  const body = opened.body as Readable
  const first = (await body[Symbol.asyncIterator]().next()) as IteratorResult<Buffer>
  expect(first.done).toBe(false)
  expect(first.value?.length).toBeGreaterThan(0)
  const closed = once(body, 'close')
  opened.close()
  await closed
}

/** An observer that records what request-body does with each attempt's tap. */
function recordingObserver(): {
  observer: FileReadObserver
  attempts: { bytes: number; finishedAt: number | undefined }[]
} {
  const attempts: { bytes: number; finishedAt: number | undefined }[] = []
  return {
    attempts,
    observer: {
      tap: () => {
        const attempt = { bytes: 0, finishedAt: undefined as number | undefined }
        attempts.push(attempt)
        return {
          update: (chunk) => {
            attempt.bytes += chunk.length
          },
          finish: () => {
            attempt.finishedAt = attempt.bytes
          },
        }
      },
    },
  }
}

/** The file part's content of a multipart body whose last part is the file. */
function filePart(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /boundary=(.+)$/.exec(contentType ?? '')?.[1]
  if (boundary === undefined) throw new Error(`no boundary in ${String(contentType)}`)
  const lastPart = body.lastIndexOf(`--${boundary}\r\n`)
  const headerEnd = body.indexOf('\r\n\r\n', lastPart)
  const closing = body.lastIndexOf(`\r\n--${boundary}--\r\n`)
  expect(closing).toBe(body.length - `\r\n--${boundary}--\r\n`.length)
  return body.subarray(headerEnd + 4, closing)
}

describe('prepareBody with a FileDigest observer', () => {
  test.each(SIZES)('learns the sha256 of a %s file from one complete read', async (_what, size) => {
    const { data, path } = await fileOf(size)
    const digest = new FileDigest(path, size)
    const { bytes, sent } = await sendOnce({ kind: 'file', path, size, observer: digest })
    expect(bytes.equals(data)).toBe(true)
    expect(sent).toBe(size)
    expect(digest.known).toBe(sha256(data))
  })

  test.each(SIZES)(
    "learns the file's sha256, not the envelope's, from a multipart body of a %s file",
    async (_what, size) => {
      const { data, path } = await fileOf(size, 3)
      const digest = new FileDigest(path, size)
      const prepared = prepareBody({
        kind: 'multipart',
        field: 'file',
        path,
        size,
        filename: 'app.tar.gz',
        fields: { tag_name: 'v1.0' },
        observer: digest,
      })
      const { bytes } = await sendOnce(prepared)
      expect(filePart(bytes, prepared.headers['content-type']).equals(data)).toBe(true)
      expect(digest.known).toBe(sha256(data))
      expect(digest.known).not.toBe(sha256(bytes))
    },
  )

  it('leaves the digest unknown when an attempt is closed half-way, and learns it from the next', async () => {
    const { data, path } = await fileOf(3 * MIB + 1)
    const digest = new FileDigest(path, data.length)
    const prepared = prepareBody({ kind: 'file', path, size: data.length, observer: digest })
    await abandonAfterFirstChunk(await prepared.open(() => undefined))
    expect(digest.known).toBeUndefined()
    const again = await prepared.open(() => undefined)
    try {
      expect((await readAll(again.body)).equals(data)).toBe(true)
    } finally {
      again.close()
    }
    expect(digest.known).toBe(sha256(data))
  })

  it('taps once per attempt and finishes only an attempt that read the whole file', async () => {
    const { data, path } = await fileOf(3 * MIB + 1)
    const { observer, attempts } = recordingObserver()
    const prepared = prepareBody({ kind: 'file', path, size: data.length, observer })
    await abandonAfterFirstChunk(await prepared.open(() => undefined))
    const complete = await prepared.open(() => undefined)
    try {
      await readAll(complete.body)
    } finally {
      complete.close()
    }
    expect(attempts).toHaveLength(2)
    expect(attempts[0]?.bytes).toBeGreaterThan(0)
    expect(attempts[0]?.bytes).toBeLessThan(data.length)
    expect(attempts[0]?.finishedAt).toBeUndefined()
    expect(attempts[1]).toEqual({ bytes: data.length, finishedAt: data.length })
  })

  it('feeds the tap only the file, never the multipart envelope', async () => {
    const { data, path } = await fileOf(1000)
    const { observer, attempts } = recordingObserver()
    const { bytes } = await sendOnce({
      kind: 'multipart',
      field: 'file',
      path,
      size: data.length,
      filename: 'a.bin',
      observer,
    })
    expect(bytes.length).toBeGreaterThan(data.length)
    expect(attempts).toEqual([{ bytes: data.length, finishedAt: data.length }])
  })

  it('reads a file whose sha256 is known without changing it', async () => {
    const { data, path } = await fileOf(4096)
    const known = sha256(Buffer.from('recorded elsewhere'))
    const digest = new FileDigest(path, data.length, known)
    const { bytes } = await sendOnce({ kind: 'file', path, size: data.length, observer: digest })
    expect(bytes.equals(data)).toBe(true)
    expect(digest.known).toBe(known)
  })
})

/** The descriptors this process holds that point at `path` (Linux: /proc/self/fd). */
function descriptorsOf(path: string): string[] {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path
    } catch {
      return false
    }
  })
}

/**
 * The descriptors still pointing at `path` once closing has had its chance: a destroyed stream
 * closes its descriptor after any read in flight, so this waits up to 2 s for none to be left.
 */
async function descriptorsLeft(path: string): Promise<string[]> {
  for (const deadline = Date.now() + 2000; Date.now() < deadline;) {
    if (descriptorsOf(path).length === 0) return []
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return descriptorsOf(path)
}

describe('prepareBody file descriptors', () => {
  const linuxOnly = process.platform === 'linux' ? it : it.skip

  linuxOnly.each([
    ['in several reads', 3 * MIB + 1],
    ['in one read', 64 * 1024],
  ])(
    'holds none once attempts end (%s): read whole, abandoned, empty, or refused by the check',
    async (_how, size) => {
      const { data, path } = await fileOf(size)
      const { path: empty } = await fileOf(0)
      const checks: number[] = []
      const observer: FileReadObserver = {
        tap: () => undefined,
        checkOpened: (stats) => checks.push(stats.size),
      }
      const prepared = prepareBody({ kind: 'file', path, size: data.length, observer })
      for (let attempt = 0; attempt < 5; attempt++) {
        expect((await sendOnce(prepared)).bytes.equals(data)).toBe(true)
      }
      await abandonAfterFirstChunk(await prepared.open(() => undefined))
      await sendOnce({ kind: 'file', path: empty, size: 0 })
      await expect(sendOnce({ kind: 'file', path, size: data.length + 1 })).rejects.toThrow(
        /changed while publishing/,
      )
      expect(await descriptorsLeft(path)).toEqual([])
      expect(await descriptorsLeft(empty)).toEqual([])
      // Each complete read checked the file on opening and again on its open descriptor after
      // the last byte was read; the abandoned attempt only on opening when it stopped before
      // the last byte (the 64 KiB file is one chunk, so its first chunk is its last).
      expect(checks).toHaveLength(size > MIB ? 11 : 12)
      expect(checks.every((checked) => checked === data.length)).toBe(true)
    },
  )
})

describe('transport uploads with a FileDigest observer', () => {
  interface Received {
    readonly headers: http.IncomingHttpHeaders
    readonly body: Buffer
  }

  /**
   * Wraps a digest: counts the attempts, keeps the bytes each attempt's tap saw, and resolves
   * `finished` once an attempt has finished its tap.
   */
  function watched(digest: FileDigest): {
    observer: FileReadObserver
    finished: Promise<void>
    attempts: Buffer[][]
  } {
    const attempts: Buffer[][] = []
    let finish = (): void => undefined
    const finished = new Promise<void>((resolve) => {
      finish = resolve
    })
    const observer: FileReadObserver = {
      tap: () => {
        const inner = digest.tap()
        const seen: Buffer[] = []
        attempts.push(seen)
        return {
          update: (chunk) => {
            seen.push(Buffer.from(chunk))
            inner?.update(chunk)
          },
          finish: () => {
            inner?.finish()
            finish()
          },
        }
      },
    }
    return { observer, finished, attempts }
  }

  /**
   * Answers 201 to every request after reading its whole body, and once `gate` resolves: the
   * test lets the client finish reading the file before it sees the answer (see the known race
   * below for what happens otherwise).
   */
  async function recordingServer(
    gate: Promise<void>,
  ): Promise<{ server: LoopbackServer; received: Received[] }> {
    const received: Received[] = []
    server = await startServer((req, res) => {
      void readBody(req).then(async (body) => {
        received.push({ headers: req.headers, body })
        await gate
        sendJson(res, 201, { received: body.length })
      })
    })
    return { server, received }
  }

  function makeTransport(retries: number): Transport {
    transport = createTransport({
      retries,
      timeoutMs: 5000,
      userAgent: 'forge-release-test/1.0',
      sleep: recordingSleep().sleep,
      random: () => 0.5,
      env: {},
    })
    return transport
  }

  test.each(SIZES)(
    'learns the sha256 of a %s file the server received exactly',
    async (_what, size) => {
      const { data, path } = await fileOf(size, 5)
      const digest = new FileDigest(path, size)
      const { observer, finished, attempts } = watched(digest)
      const { server, received } = await recordingServer(finished)
      const response = await makeTransport(0).request({
        method: 'PUT',
        url: server.url('/api/v4/projects/1/packages/generic/app/1.0/app.bin'),
        body: { kind: 'file', path, size, observer },
      })
      expect(response.status).toBe(201)
      expect(received).toHaveLength(1)
      expect(received[0]?.headers['content-length']).toBe(String(size))
      expect(received[0]?.body.equals(data)).toBe(true)
      expect(attempts).toHaveLength(1)
      expect(Buffer.concat(attempts[0] ?? []).equals(data)).toBe(true)
      expect(digest.known).toBe(sha256(data))
    },
  )

  it("learns the file's sha256, not the envelope's, from a multipart upload", async () => {
    const { data, path } = await fileOf(MIB + 3, 9)
    const digest = new FileDigest(path, data.length)
    const { observer, finished } = watched(digest)
    const { server, received } = await recordingServer(finished)
    await makeTransport(0).request({
      method: 'POST',
      url: server.url('/api/v4/projects/1/uploads'),
      body: {
        kind: 'multipart',
        field: 'file',
        path,
        size: data.length,
        filename: 'app.tar.gz',
        fields: { description: 'notes' },
        observer,
      },
    })
    const request = received[0]
    expect(request).toBeDefined()
    const content = filePart(request?.body ?? Buffer.alloc(0), request?.headers['content-type'])
    expect(content.equals(data)).toBe(true)
    expect(digest.known).toBe(sha256(data))
    expect(digest.known).not.toBe(sha256(request?.body ?? Buffer.alloc(0)))
  })

  it('ends with the right sha256 when the server resets mid-body and the retry is accepted', async () => {
    const { data, path } = await fileOf(3 * MIB + 1, 11)
    const digest = new FileDigest(path, data.length)
    const { observer, finished, attempts } = watched(digest)
    const received: Buffer[] = []
    let hits = 0
    server = await startServer((req, res) => {
      hits += 1
      if (hits === 1) {
        // Take about a third of the body, then drop the connection without answering.
        let seen = 0
        req.on('data', (chunk: Buffer) => {
          seen += chunk.length
          if (seen >= MIB) req.socket.destroy()
        })
        return
      }
      void readBody(req).then(async (body) => {
        received.push(body)
        await finished
        sendJson(res, 201, { message: '201 Created' })
      })
    })
    const client = makeTransport(3)
    const response = await client.request({
      method: 'PUT',
      url: server.url('/api/v4/projects/1/packages/generic/app/1.0/app.bin'),
      body: { kind: 'file', path, size: data.length, observer },
    })
    expect(response.status).toBe(201)
    expect(client.stats.retries).toBe(1)
    expect(received).toHaveLength(1)
    expect(received[0]?.equals(data)).toBe(true)
    // One tap per attempt, each from the start of the file.
    expect(attempts).toHaveLength(2)
    expect(Buffer.concat(attempts[1] ?? []).equals(data)).toBe(true)
    expect(digest.known).toBe(sha256(data))
  })

  it('still gives the right sha256 from value() when every attempt was cut short', async () => {
    const { data, path } = await fileOf(3 * MIB + 1, 13)
    server = await startServer((req) => {
      req.once('data', () => req.socket.destroy())
    })
    const digest = new FileDigest(path, data.length)
    const error = await makeTransport(1)
      .request({
        method: 'PUT',
        url: server.url('/api/v4/projects/1/packages/generic/app/1.0/app.bin'),
        body: { kind: 'file', path, size: data.length, observer: digest },
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    await expect(digest.value()).resolves.toBe(sha256(data))
  })

  /**
   * A server may answer as soon as it has Content-Length bytes, before the file's read stream
   * reports its end (that waits for fs.close on the libuv thread pool), and the transport then
   * closes the body: the tap must already be finished by then, or the file is read a second
   * time. Opens of FIFOs nobody writes to hold the thread pool busy, which makes the race certain.
   */
  it('learns the sha256 even when the server answers before the file is closed', async () => {
    const { data, path } = await fileOf(1000, 17)
    const digest = new FileDigest(path, data.length)
    const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
    const fifos = Array.from({ length: pool }, (_, i) => join(temp.path, `fifo-${files}-${i}`))
    for (const fifo of fifos) execFileSync('mkfifo', [fifo])
    const blockers: Promise<FileHandle>[] = []
    let seen = 0
    const observer: FileReadObserver = {
      tap: () => {
        const inner = digest.tap()
        return {
          update: (chunk) => {
            inner?.update(chunk)
            seen += chunk.length
            // The last byte is read: hold every pool thread before the file can be closed.
            if (seen === data.length) blockers.push(...fifos.map((f) => open(f, 'r')))
          },
          finish: () => inner?.finish(),
        }
      },
    }
    const { server } = await recordingServer(Promise.resolve())
    try {
      await makeTransport(0).request({
        method: 'PUT',
        url: server.url('/api/v4/projects/1/packages/generic/app/1.0/app.bin'),
        body: { kind: 'file', path, size: data.length, observer },
      })
      expect(blockers).toHaveLength(pool)
      expect(digest.known).toBe(sha256(data))
    } finally {
      // Opening each FIFO for writing releases the thread blocked on opening it for reading.
      for (const fifo of fifos.slice(0, blockers.length)) closeSync(openSync(fifo, 'w'))
      for (const handle of await Promise.all(blockers)) await handle.close()
    }
  })
})
