import http from 'node:http'
import https from 'node:https'
import net from 'node:net'

import { createTransport } from '../../src/http/transport.js'
import type { Transport, TransportOptions } from '../../src/http/types.js'
import {
  type LoopbackServer,
  type TempDir,
  listen,
  makeTempDir,
  sendJson,
  startServer,
} from './support/loopback-server.js'
import { hasOpenssl, makeTestPki } from './support/test-ca.js'

interface ProxyRecord {
  readonly method: string
  /** The absolute URI (forwarding) or host:port (CONNECT). */
  readonly target: string
}

/** A tiny forward proxy: absolute-URI requests for http targets, CONNECT tunnels for https. */
async function startForwardProxy(): Promise<{ server: LoopbackServer; records: ProxyRecord[] }> {
  const records: ProxyRecord[] = []
  const proxy = http.createServer((req, res) => {
    records.push({ method: req.method ?? '', target: req.url ?? '' })
    const target = new URL(req.url ?? '')
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: { ...req.headers, 'x-via-test-proxy': '1' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    records.push({ method: 'CONNECT', target: req.url ?? '' })
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  return { server: await listen(proxy, 'http'), records }
}

let target: LoopbackServer
let proxy: LoopbackServer
let records: ProxyRecord[]
let temp: TempDir
let transport: Transport | undefined

beforeAll(async () => {
  temp = await makeTempDir()
  target = await startServer((req, res) =>
    sendJson(res, 200, { viaProxy: req.headers['x-via-test-proxy'] === '1' }),
  )
  ;({ server: proxy, records } = await startForwardProxy())
})
afterAll(async () => {
  await target.close()
  await proxy.close()
  await temp.remove()
})
beforeEach(() => {
  records.length = 0
})
afterEach(async () => {
  await transport?.close()
  transport = undefined
})

function open(env: Record<string, string>, extra: Partial<TransportOptions> = {}): Transport {
  transport = createTransport({ retries: 0, timeoutMs: 5000, userAgent: 't', env, ...extra })
  return transport
}

describe('proxies from the environment', () => {
  test.each(['HTTP_PROXY', 'http_proxy'])('sends http requests through %s', async (name) => {
    const response = await open({ [name]: proxy.origin }).request({
      method: 'GET',
      url: target.url('/api/v4/version?x=1'),
    })
    expect(response.body).toEqual({ viaProxy: true })
    expect(records).toEqual([{ method: 'GET', target: target.url('/api/v4/version?x=1') }])
  })

  test.each([
    ['the host', () => '127.0.0.1'],
    ['a list naming the host and port', () => `example.com, 127.0.0.1:${target.port}`],
    ['*', () => '*'],
  ])('bypasses the proxy when NO_PROXY is %s', async (_name, noProxy) => {
    const response = await open({ HTTP_PROXY: proxy.origin, NO_PROXY: noProxy() }).request({
      method: 'GET',
      url: target.url('/x'),
    })
    expect(response.body).toEqual({ viaProxy: false })
    expect(records).toEqual([])
  })

  it('honours lower-case no_proxy too', async () => {
    await open({ http_proxy: proxy.origin, no_proxy: '127.0.0.1' }).request({
      method: 'GET',
      url: target.url('/x'),
    })
    expect(records).toEqual([])
  })

  it('still proxies a host that NO_PROXY lists with another port', async () => {
    await open({ HTTP_PROXY: proxy.origin, NO_PROXY: '127.0.0.1:1' }).request({
      method: 'GET',
      url: target.url('/x'),
    })
    expect(records).toHaveLength(1)
  })

  it('connects directly when no proxy is set', async () => {
    const response = await open({}).request({ method: 'GET', url: target.url('/x') })
    expect(response.body).toEqual({ viaProxy: false })
    expect(records).toEqual([])
  })
})

const describeWithOpenssl = hasOpenssl() ? describe : describe.skip

describeWithOpenssl('https through a proxy', () => {
  it('tunnels https with CONNECT and verifies the server against caFile', async () => {
    const pki = makeTestPki(temp.path)
    const secure = await listen(
      https.createServer({ key: pki.serverKey, cert: pki.serverCert }, (_req, res) =>
        sendJson(res, 200, { secure: true }),
      ),
      'https',
    )
    try {
      const response = await open({ HTTPS_PROXY: proxy.origin }, { caFile: pki.caFile }).request({
        method: 'GET',
        url: secure.url('/api/v4/version'),
      })
      expect(response.body).toEqual({ secure: true })
      expect(records).toEqual([{ method: 'CONNECT', target: `127.0.0.1:${secure.port}` }])
    } finally {
      await transport?.close()
      transport = undefined
      await secure.close()
    }
  })
})
