import { Readable } from 'node:stream'

import { StreamedFile } from '../../../src/forges/github/streamed-file.js'
import { createTransportFetch, LABEL_HEADER } from '../../../src/forges/github/transport-fetch.js'
import type { HttpRequest, HttpResponse, Transport } from '../../../src/http/types.js'

/** A transport that records what it was asked and answers with a canned response. */
function recordingTransport(status = 200, body = '{"ok":true}') {
  const seen: HttpRequest[] = []
  const transport: Transport = {
    request: () => Promise.reject(new Error('not used')),
    stream: (request) => {
      seen.push(request)
      const response: HttpResponse<Readable> = {
        status,
        headers: { 'content-type': 'application/json' },
        body: Readable.from([Buffer.from(body)]),
        url: request.url,
      }
      return Promise.resolve(response)
    },
    stats: { requests: 0, bytesSent: 0, retries: 0 },
    close: () => Promise.resolve(),
  }
  return { transport, seen }
}

const API = 'https://api.github.com'

describe('the fetch Octokit is given', () => {
  it("sends through the shared transport, with the label as the request label and without Octokit's User-Agent", async () => {
    const { transport, seen } = recordingTransport()
    const fetch = createTransportFetch({ http: transport, mayAuthorize: (o) => o === API })
    const response = await fetch(`${API}/repos/o/r/releases`, {
      method: 'POST',
      headers: {
        authorization: 'token secret',
        'user-agent': 'octokit-core.js/7',
        [LABEL_HEADER]: 'create release v1',
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ tag_name: 'v1', draft: true }),
    })
    expect(await response.json()).toEqual({ ok: true })
    expect(seen[0]).toMatchObject({
      method: 'POST',
      label: 'create release v1',
      body: { kind: 'json', value: { tag_name: 'v1', draft: true } },
      headers: { authorization: 'token secret' },
    })
    expect(seen[0]?.headers).not.toHaveProperty('user-agent')
    expect(seen[0]?.headers).not.toHaveProperty(LABEL_HEADER)
    expect(seen[0]?.idempotent).toBeUndefined()
  })

  it('hands on the body’s chunks as the transport read them, not copies (a long list of releases)', async () => {
    // Each in a buffer of its own, as undici's socket reads come.
    const chunks = ['[{"tag_name":', '"v1"}]'].map((text) => {
      const chunk = Buffer.alloc(text.length)
      chunk.write(text)
      return chunk
    })
    const transport: Transport = {
      ...recordingTransport().transport,
      stream: (request) =>
        Promise.resolve({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: Readable.from(chunks, { objectMode: false }),
          url: request.url,
        }),
    }
    const fetch = createTransportFetch({ http: transport, mayAuthorize: () => true })
    const response = await fetch(`${API}/repos/o/r/releases`)
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const seen: Uint8Array[] = []
    for (let read = await reader.read(); !read.done; read = await reader.read())
      seen.push(read.value)
    expect(Buffer.concat(seen).toString()).toBe('[{"tag_name":"v1"}]')
    expect(seen.every((chunk, i) => chunk.buffer === chunks[i]?.buffer)).toBe(true)
  })

  it('drops the Authorization header for an origin it may not go to', async () => {
    const { transport, seen } = recordingTransport()
    const fetch = createTransportFetch({ http: transport, mayAuthorize: (o) => o === API })
    await fetch('https://elsewhere.example.com/file', {
      headers: { authorization: 'token secret' },
    })
    expect(seen[0]?.headers).not.toHaveProperty('authorization')
  })

  it('streams a StreamedFile body from disk with its content type and progress callback', async () => {
    const { transport, seen } = recordingTransport(201)
    const fetch = createTransportFetch({ http: transport, mayAuthorize: () => true })
    const progress = (): void => undefined
    await fetch('https://uploads.github.com/repos/o/r/releases/1/assets?name=a.zip', {
      method: 'POST',
      body: new StreamedFile(
        '/tmp/a.zip',
        123,
        'application/zip',
        progress,
      ) as unknown as RequestInit['body'],
    })
    expect(seen[0]?.body).toEqual({
      kind: 'file',
      path: '/tmp/a.zip',
      size: 123,
      contentType: 'application/zip',
    })
    expect(seen[0]?.onUploadProgress).toBe(progress)
  })

  it('marks PATCH as safe to repeat: GitHub PATCHes set fields to given values', async () => {
    const { transport, seen } = recordingTransport()
    const fetch = createTransportFetch({ http: transport, mayAuthorize: () => true })
    await fetch(`${API}/repos/o/r/releases/1`, { method: 'PATCH', body: '{"draft":false}' })
    expect(seen[0]?.idempotent).toBe(true)
  })

  it('answers HEAD and 204 without a body', async () => {
    const { transport } = recordingTransport(204, '')
    const fetch = createTransportFetch({ http: transport, mayAuthorize: () => true })
    const deleted = await fetch(`${API}/repos/o/r/releases/1`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect(deleted.body).toBeNull()
    const head = await createTransportFetch({
      http: recordingTransport(200).transport,
      mayAuthorize: () => true,
    })(`${API}/x`, { method: 'HEAD' })
    expect(head.body).toBeNull()
  })
})
