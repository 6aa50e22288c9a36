import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface LoopbackServer {
  readonly server: http.Server
  readonly origin: string
  readonly port: number
  url(path: string): string
  close(): Promise<void>
}

/** A node:http server on 127.0.0.1 whose open sockets are destroyed on close. */
export async function startServer(handler: http.RequestListener): Promise<LoopbackServer> {
  const server = http.createServer(handler)
  return listen(server, 'http')
}

export async function listen(
  server: http.Server,
  scheme: 'http' | 'https',
  port = 0,
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  const origin = `${scheme}://127.0.0.1:${bound}`
  return {
    server,
    origin,
    port: bound,
    url: (path) => `${origin}${path}`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

export function sendJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Sleeps that return at once and remember what they were asked for. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = []
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms)
      return Promise.resolve()
    },
  }
}

export interface TempDir {
  readonly path: string
  write(name: string, data: Buffer): Promise<string>
  remove(): Promise<void>
}

export async function makeTempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'forge-release-http-'))
  return {
    path,
    write: async (name, data) => {
      const file = join(path, name)
      await writeFile(file, data)
      return file
    },
    remove: () => rm(path, { recursive: true, force: true }),
  }
}

/** Deterministic bytes that are not all alike, so a dropped or doubled chunk changes the hash. */
export function patternBytes(size: number, seed = 1): Buffer {
  const buffer = Buffer.alloc(size)
  let state = seed
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    buffer[i] = state >> 16
  }
  return buffer
}
