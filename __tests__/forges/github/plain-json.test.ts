import { parseWithPlainJson } from '../../../src/forges/github/plain-json.js'

interface Options {
  readonly request?: { readonly parseSuccessResponseBody?: boolean }
}

/**
 * Octokit's request as the hook sees it: the hooks inside this one (the token's) are bound to
 * the request's options object and ignore what they are called with, so the answer depends on
 * that object alone. The raw body comes back when it asks not to parse.
 */
function rawRequest(text: string | null, contentType?: string) {
  const seen: Options[] = []
  const call = (options: Options) => {
    const request = () => {
      seen.push(options)
      const body = text === null ? null : new Response(text).body
      return Promise.resolve({
        status: 200,
        data: options.request?.parseSuccessResponseBody === false ? body : 'parsed by Octokit',
        headers: contentType === undefined ? {} : { 'content-type': contentType },
      })
    }
    return parseWithPlainJson(request, options)
  }
  return { call, seen }
}

describe('parseWithPlainJson', () => {
  it('asks Octokit for the raw body and parses JSON with JSON.parse, big lists included', async () => {
    const list = Array.from({ length: 3 }, (_, i) => ({ id: 9_007_199_254_740_000 + i }))
    const { call, seen } = rawRequest(JSON.stringify(list), 'application/json; charset=utf-8')
    const response = await call({ request: {} })
    expect(seen[0]?.request?.parseSuccessResponseBody).toBe(false)
    // Plain numbers, where json-with-bigint would have made BigInts of ids past 2^53.
    expect(response.data).toEqual(list)
  })

  it('gives text for text, bytes for octet-stream, and the text itself for broken JSON', async () => {
    const text = await rawRequest('hello', 'text/plain').call({})
    expect(text.data).toBe('hello')
    const bytes = await rawRequest('\u0001\u0002', 'application/octet-stream; charset=utf-8').call(
      {},
    )
    expect(Buffer.from(bytes.data as unknown as ArrayBuffer)).toEqual(Buffer.from([1, 2]))
    const broken = await rawRequest('{"a":', 'application/json').call({})
    expect(broken.data).toBe('{"a":')
  })

  it('leaves alone a request that asked for the raw body, and an answer without one (204)', async () => {
    const download = await rawRequest('bytes', 'application/octet-stream').call({
      request: { parseSuccessResponseBody: false },
    })
    expect(typeof (download.data as unknown as ReadableStream).getReader).toBe('function')
    const empty = await rawRequest(null).call({})
    expect(empty.data).toBeNull()
  })
})
