import type http from 'node:http'

import { HttpError } from '../../src/http/http-error.js'
import { createTransport } from '../../src/http/transport.js'
import type { Transport } from '../../src/http/types.js'
import { registerSecret } from '../../src/secrets.js'
import { type LoopbackServer, readBody, sendJson, startServer } from './support/loopback-server.js'

// Characters that differ between the plain, URL-encoded and base64 forms.
const TOKEN = 'glpat-S3cr/t+T0k=n_xyz'
const ENCODED = encodeURIComponent(TOKEN)
const BASE64 = Buffer.from(TOKEN).toString('base64')

interface Seen {
  readonly server: 'api' | 'other'
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
}

let api: LoopbackServer
let other: LoopbackServer
let seen: Seen[] = []
let debugLines: string[] = []
let transport: Transport

function record(name: Seen['server'], req: http.IncomingMessage): void {
  seen.push({ server: name, url: req.url ?? '', headers: req.headers })
}

beforeAll(async () => {
  registerSecret(TOKEN)
  other = await startServer((req, res) => {
    record('other', req)
    if (req.url === '/back-to-api') {
      res.writeHead(302, { location: api.url('/api/v4/final') }).end()
      return
    }
    sendJson(res, 200, { where: 'other' })
  })
  api = await startServer((req, res) => {
    record('api', req)
    void readBody(req).then(() => {
      switch (new URL(req.url ?? '/', api.origin).pathname) {
        case '/api/v4/same-origin':
          res.writeHead(302, { location: '/api/v4/final' }).end()
          return
        case '/api/v4/elsewhere':
          res.writeHead(302, { location: other.url('/download?x=1') }).end()
          return
        case '/api/v4/round-trip':
          res.writeHead(302, { location: other.url('/back-to-api') }).end()
          return
        case '/api/v4/loop':
          res.writeHead(302, { location: '/api/v4/loop' }).end()
          return
        case '/api/v4/post-redirect':
          res.writeHead(307, { location: other.url('/sink') }).end()
          return
        case '/api/v4/echo-token':
          sendJson(res, 401, {
            message: `401 Unauthorized: token ${TOKEN} (${ENCODED}, ${BASE64}) is revoked`,
          })
          return
        default:
          sendJson(res, 200, { where: 'api' })
      }
    })
  })
})
afterAll(async () => {
  await api.close()
  await other.close()
})
beforeEach(() => {
  seen = []
  debugLines = []
  transport = createTransport({
    retries: 0,
    timeoutMs: 5000,
    userAgent: 'forge-release-test/1.0',
    env: {},
    credentials: {
      headers: { 'PRIVATE-TOKEN': TOKEN, 'X-Forge-Secret': TOKEN },
      origins: [api.origin],
    },
    debug: (line) => debugLines.push(line),
  })
})
afterEach(() => transport.close())

const credentialHeaders = ['private-token', 'job-token', 'authorization', 'x-forge-secret']
const carried = (s: Seen | undefined): string[] =>
  credentialHeaders.filter((name) => s?.headers[name] !== undefined)

describe('credential pinning', () => {
  it('sends the credential headers to the pinned origin', async () => {
    await transport.request({ method: 'GET', url: api.url('/api/v4/projects/1') })
    expect(seen[0]?.headers['private-token']).toBe(TOKEN)
    expect(seen[0]?.headers['x-forge-secret']).toBe(TOKEN)
  })

  it('sends none to an origin that is not pinned', async () => {
    await transport.request({ method: 'GET', url: other.url('/download') })
    expect(carried(seen[0])).toEqual([])
  })

  it('keeps them on a same-origin redirect', async () => {
    const response = await transport.request({ method: 'GET', url: api.url('/api/v4/same-origin') })
    expect(seen.map((s) => carried(s))).toEqual([
      ['private-token', 'x-forge-secret'],
      ['private-token', 'x-forge-secret'],
    ])
    expect(response.url).toBe(api.url('/api/v4/final'))
  })

  it('drops every credential header, the caller’s included, on a redirect to another port', async () => {
    const response = await transport.request({
      method: 'GET',
      url: api.url('/api/v4/elsewhere'),
      headers: { Authorization: `Bearer ${TOKEN}`, 'JOB-TOKEN': TOKEN, 'X-Request-Id': 'r-1' },
    })
    const [first, second] = seen
    expect(first?.server).toBe('api')
    expect(carried(first)).toEqual([
      'private-token',
      'job-token',
      'authorization',
      'x-forge-secret',
    ])
    expect(second?.server).toBe('other')
    expect(carried(second)).toEqual([])
    expect(second?.headers['x-request-id']).toBe('r-1')
    expect(second?.headers['user-agent']).toBe('forge-release-test/1.0')
    expect(response).toMatchObject({ body: { where: 'other' }, url: other.url('/download?x=1') })
  })

  it('does not restore them when a foreign redirect points back to the pinned origin', async () => {
    await transport.request({ method: 'GET', url: api.url('/api/v4/round-trip') })
    expect(seen.map((s) => s.server)).toEqual(['api', 'other', 'api'])
    expect(carried(seen[2])).toEqual([])
  })

  it('does not follow redirects for a POST', async () => {
    const error = await transport
      .request({
        method: 'POST',
        url: api.url('/api/v4/post-redirect'),
        body: { kind: 'json', value: {} },
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 307 })
    expect(seen.map((s) => s.server)).toEqual(['api'])
  })

  it('stops after 5 redirects', async () => {
    const error = await transport
      .request({ method: 'GET', url: api.url('/api/v4/loop') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).message).toContain('more than 5 redirects')
    expect(seen).toHaveLength(6)
  })
})

describe('secrets in messages', () => {
  it('keeps the token out of errors and debug output, in every form', async () => {
    const error = await transport
      .request({
        method: 'GET',
        url: `${api.url('/api/v4/echo-token')}?private_token=${ENCODED}&page=2`,
        label: `probe ${TOKEN}`,
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    const httpError = error as HttpError
    expect(httpError.code).toBe('AUTH')
    expect(httpError.url).toBe(`${api.url('/api/v4/echo-token')}?page=2`)
    const everything = [
      httpError.message,
      httpError.describe(),
      httpError.url,
      String(httpError.serverMessage),
      JSON.stringify(httpError.body),
      JSON.stringify(httpError),
      ...debugLines,
    ].join('\n')
    expect(debugLines.length).toBeGreaterThan(0)
    for (const form of [TOKEN, ENCODED, BASE64]) expect(everything).not.toContain(form)
    expect(httpError.serverMessage).toContain('token *** (***, ***) is revoked')
  })

  it('strips user-info from URLs in errors', async () => {
    const error = await transport
      .request({
        method: 'GET',
        url: api.url('/api/v4/echo-token').replace('//', `//oauth2:${ENCODED}@`),
      })
      .catch((e: unknown) => e)
    expect((error as HttpError).message).not.toContain(ENCODED)
    expect((error as HttpError).url).toBe(api.url('/api/v4/echo-token'))
  })
})
