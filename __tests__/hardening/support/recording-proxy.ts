/**
 * A forward proxy on 127.0.0.1 that records what passes through it, as a corporate proxy in
 * front of a CI runner would see it: plain-http targets arrive as absolute-URI requests
 * (`GET http://host:port/path`), https targets as `CONNECT host:port` tunnels.
 *
 * `aliases` maps host names that only the proxy can resolve to 127.0.0.1, so a run against
 * `http://<alias>:<port>` can only succeed through the proxy (the loopback guard of the tests
 * refuses a direct connection to any other host).
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface ProxiedRequest {
  /** `METHOD absolute-URI` or `CONNECT host:port`. */
  readonly line: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly seen: ProxiedRequest[]
  close(): Promise<void>
}

export async function startRecordingProxy(
  aliases: readonly string[] = [],
): Promise<RecordingProxy> {
  const seen: ProxiedRequest[] = []
  const sockets = new Set<Socket>()
  const resolve = (host: string): string => (aliases.includes(host) ? '127.0.0.1' : host)

  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ line: `${req.method ?? 'GET'} ${req.url ?? ''}`, headers: req.headers })
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end('absolute-URI required')
      return
    }
    const headers = { ...req.headers }
    delete headers['proxy-connection']
    delete headers['proxy-authorization']
    const upstream = httpRequest(
      {
        host: resolve(target.hostname),
        port: target.port === '' ? 80 : Number(target.port),
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push({ line: `CONNECT ${req.url ?? ''}`, headers: req.headers })
    const [host = '', port = '443'] = (req.url ?? '').split(':')
    const upstream = connect(Number(port), resolve(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      const closed = new Promise<void>((done) => server.close(() => done()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
