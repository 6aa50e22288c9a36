import https from 'node:https'
import type http from 'node:http'

import { NetworkError } from '../../src/http/network-error.js'
import { createTransport } from '../../src/http/transport.js'
import type { TransportOptions } from '../../src/http/types.js'
import {
  type LoopbackServer,
  type TempDir,
  listen,
  makeTempDir,
  recordingSleep,
  sendJson,
  startServer,
} from './support/loopback-server.js'
import { type TestPki, hasOpenssl, makeTestPki } from './support/test-ca.js'

const TOKEN = 'glpat-tls-test-token'
const opensslAvailable = hasOpenssl()
if (!opensslAvailable) {
  console.warn('Skipping the TLS tests: openssl is not installed, so no test CA can be made.')
}
const describeWithOpenssl = opensslAvailable ? describe : describe.skip

describeWithOpenssl('TLS with an extra CA bundle', () => {
  let temp: TempDir
  let pki: TestPki
  let secure: LoopbackServer
  let plain: LoopbackServer
  const plainSeen: http.IncomingHttpHeaders[] = []

  beforeAll(async () => {
    temp = await makeTempDir()
    pki = makeTestPki(temp.path)
    plain = await startServer((req, res) => {
      plainSeen.push(req.headers)
      sendJson(res, 200, { where: 'plain' })
    })
    const server = https.createServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) => {
      if (req.url === '/downgrade') {
        res.writeHead(302, { location: plain.url('/landing') }).end()
        return
      }
      sendJson(res, 200, { where: 'secure', token: req.headers['private-token'] ?? null })
    })
    secure = await listen(server, 'https')
  })
  afterAll(async () => {
    await secure.close()
    await plain.close()
    await temp.remove()
  })

  const open = (overrides: Partial<TransportOptions>) =>
    createTransport({
      retries: 2,
      timeoutMs: 5000,
      userAgent: 'forge-release-test/1.0',
      env: {},
      ...overrides,
    })

  it('trusts a server signed by the CA in caFile', async () => {
    const transport = open({ caFile: pki.caFile })
    try {
      const response = await transport.request({
        method: 'GET',
        url: secure.url('/api/v4/version'),
      })
      expect(response.body).toMatchObject({ where: 'secure' })
    } finally {
      await transport.close()
    }
  })

  it('refuses it without caFile, at once and with a hint naming ca_file', async () => {
    const { sleep, delays } = recordingSleep()
    const transport = open({ sleep })
    try {
      const error = await transport
        .request({ method: 'GET', url: secure.url('/api/v4/version') })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NetworkError)
      expect(error).toMatchObject({ code: 'NETWORK' })
      expect((error as NetworkError).hint).toContain('ca_file')
      expect(delays).toEqual([])
    } finally {
      await transport.close()
    }
  })

  it('keeps trusting NODE_EXTRA_CA_CERTS when caFile names another CA', async () => {
    const transport = open({ caFile: pki.otherCaFile, env: { NODE_EXTRA_CA_CERTS: pki.caFile } })
    try {
      const response = await transport.request({ method: 'GET', url: secure.url('/x') })
      expect(response.body).toMatchObject({ where: 'secure' })
    } finally {
      await transport.close()
    }
  })

  it('drops the token on an https → http redirect, even to an origin that is also pinned', async () => {
    const transport = open({
      caFile: pki.caFile,
      credentials: { headers: { 'PRIVATE-TOKEN': TOKEN }, origins: [secure.origin, plain.origin] },
    })
    try {
      const direct = await transport.request({ method: 'GET', url: secure.url('/api/v4/user') })
      expect(direct.body).toMatchObject({ token: TOKEN })
      const response = await transport.request({ method: 'GET', url: secure.url('/downgrade') })
      expect(response).toMatchObject({ body: { where: 'plain' }, url: plain.url('/landing') })
      expect(plainSeen.at(-1)?.['private-token']).toBeUndefined()
    } finally {
      await transport.close()
    }
  })

  it('reports an unreadable caFile as an input error on ca_file', () => {
    expect(() => open({ caFile: `${temp.path}/missing.pem` })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', input: 'ca_file' }),
    )
  })
})
