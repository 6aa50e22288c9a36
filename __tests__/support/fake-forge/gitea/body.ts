/**
 * Request bodies the way Forgejo/Gitea bind them (modules/web binding): JSON into the option
 * struct; a body that does not decode, or a field of the wrong type, is a 422.
 */
import type { Exchange } from '../exchange.js'
import { apiError } from './respond.js'

export type JsonObject = Readonly<Record<string, unknown>>

/** The JSON object of the body, or undefined after answering 422. */
export const readJsonObject = async (ex: Exchange): Promise<JsonObject | undefined> => {
  const raw = await ex.bufferBody(1024 * 1024)
  const text = raw === undefined ? undefined : raw.toString('utf8')
  if (text === undefined) {
    await apiError(ex, 413, 'request body too large')
    return undefined
  }
  if (text.trim() === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as JsonObject
    }
  } catch {
    // answered below
  }
  await apiError(ex, 422, 'json: cannot unmarshal the request body')
  return undefined
}

/** A string field ('' when absent), or undefined after answering 422 for another type. */
export const stringField = async (
  ex: Exchange,
  body: JsonObject,
  name: string,
): Promise<string | undefined> => {
  const value = body[name]
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  await apiError(
    ex,
    422,
    `json: cannot unmarshal ${typeof value} into Go struct field .${name} of type string`,
  )
  return undefined
}

/** A boolean field (undefined when absent), or 'bad' after answering 422 for another type. */
export const booleanField = async (
  ex: Exchange,
  body: JsonObject,
  name: string,
): Promise<boolean | undefined | 'bad'> => {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'boolean') return value
  await apiError(
    ex,
    422,
    `json: cannot unmarshal ${typeof value} into Go struct field .${name} of type bool`,
  )
  return 'bad'
}
