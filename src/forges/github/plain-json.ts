/** What the hook needs of Octokit's request options and response. */
interface RequestOptions {
  readonly request?: { readonly parseSuccessResponseBody?: boolean }
}
interface RequestResponse {
  readonly data: unknown
  readonly headers: { readonly 'content-type'?: string }
}

/**
 * Octokit parses every JSON answer with json-with-bigint, a regular expression over the whole
 * text and a reviver on every value: ten times slower than JSON.parse and five times the memory
 * (an 8 MB list of releases: 290 ms and 90 MiB against 30 ms and 19 MiB). GitHub's ids and sizes
 * stay far below 2^53, so plain JSON.parse reads them exactly. This hook asks Octokit for the raw
 * body of a successful answer and parses it the way Octokit would, with JSON.parse. Requests that
 * asked for the raw body themselves (downloads) get it untouched.
 */
export async function parseWithPlainJson<O extends RequestOptions, R extends RequestResponse>(
  request: (options: O) => R | Promise<R>,
  options: O,
): Promise<R> {
  if (options.request?.parseSuccessResponseBody === false) return await request(options)
  // Changed in place: every hook of a request shares its options object, and the hooks inside
  // this one (the token's) pass on that object, whatever this one hands them.
  ;(options as { request?: RequestOptions['request'] }).request = {
    ...options.request,
    parseSuccessResponseBody: false,
  }
  const response = await request(options)
  const body = response.data as ReadableStream<Uint8Array> | null | undefined
  // A 204 or 205 carries no body, and Octokit leaves data unset for those.
  if (body === null || body === undefined || typeof body.getReader !== 'function') return response
  return { ...response, data: await readBody(body, response.headers['content-type']) }
}

/** As @octokit/request's getResponseData, with JSON.parse for JSON. */
async function readBody(
  body: ReadableStream<Uint8Array>,
  contentType: string | undefined,
): Promise<unknown> {
  const answer = new Response(body)
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (contentType === undefined) return answer.text().catch(() => undefined)
  if (mediaType === 'application/json' || mediaType === 'application/scim+json') {
    const text = await answer.text()
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  }
  const utf8 = /;\s*charset\s*=\s*"?utf-8"?/i.test(contentType)
  if (mediaType.startsWith('text/') || (utf8 && mediaType !== 'application/octet-stream')) {
    return answer.text().catch(() => undefined)
  }
  return answer.arrayBuffer().catch(() => new ArrayBuffer(0))
}
