/**
 * Request parameters as a GitLab-v3-derived API reads them: the query string merged with a JSON
 * or form-encoded body (the body wins). Values are kept as strings (numbers and booleans from
 * JSON are turned into their text), arrays and objects are reported as invalid by the caller.
 */
import type { Exchange } from '../exchange.js'
import { badRequest } from './respond.js'

export type Params = ReadonlyMap<string, unknown>

/** Resolves undefined after answering 400 for a malformed JSON body. */
export const readParams = async (ex: Exchange): Promise<Params | undefined> => {
  const merged = new Map<string, unknown>(ex.query)
  if (!ex.hasBody) return merged
  const contentType = (ex.header('content-type') ?? '').toLowerCase()
  const body = await ex.bufferBody(4 * 1024 * 1024)
  if (body === undefined) {
    await ex.json(413, { message: '413 Request Entity Too Large' })
    return undefined
  }
  const text = body.toString('utf8')
  if (contentType.includes('json')) {
    if (text.trim() === '') return merged
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        await badRequest(ex, 'the body must be a JSON object')
        return undefined
      }
      for (const [key, value] of Object.entries(parsed)) merged.set(key, value)
    } catch {
      await badRequest(ex, 'the body is not valid JSON')
      return undefined
    }
  } else if (contentType.includes('application/x-www-form-urlencoded') || contentType === '') {
    for (const [key, value] of new URLSearchParams(text)) merged.set(key, value)
  }
  return merged
}

/** A parameter as text; `null` stays absent; anything else non-scalar is an error. */
export const stringParam = (params: Params, key: string, errors: string[]): string | undefined => {
  const value = params.get(key)
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  errors.push(`${key} is invalid`)
  return undefined
}

/** `labels`: "发布标签，允许多个，以,分隔，最多：10". */
export const MAX_LABELS = 10

export const splitLabels = (text: string): string[] =>
  text
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label !== '')
