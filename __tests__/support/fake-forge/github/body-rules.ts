/**
 * Reading and checking JSON request bodies the way the REST API does: `400 Problems parsing
 * JSON`, `400 Body should be a JSON object`, then schema checks answered with
 * `422 Invalid request.\n\n<reason>` (docs "Troubleshooting the REST API").
 */
import type { Exchange } from '../exchange.js'
import { apiError, invalidRequest } from './respond.js'

export type FieldRule =
  | { readonly type: 'string'; readonly nullable?: boolean; readonly required?: boolean }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[] }

export type JsonObject = Record<string, unknown>

/** The body as an object; undefined after answering 400. An empty body is `{}`. */
export const readJsonObject = async (ex: Exchange): Promise<JsonObject | undefined> => {
  const raw = await ex.bufferBody(1024 * 1024)
  if (raw === undefined) {
    await apiError(ex, 413, 'Payload too large')
    return undefined
  }
  const text = raw.toString('utf8')
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    await apiError(ex, 400, 'Problems parsing JSON')
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    await apiError(ex, 400, 'Body should be a JSON object')
    return undefined
  }
  return parsed as JsonObject
}

const describe = (value: unknown): string => JSON.stringify(value)

/** The first schema violation, in GitHub's wording; undefined when the body conforms. */
export const checkFields = (
  body: JsonObject,
  rules: Readonly<Record<string, FieldRule>>,
): string | undefined => {
  for (const [name, rule] of Object.entries(rules)) {
    const value = body[name]
    if (value === undefined) {
      if (rule.type === 'string' && rule.required === true) return `"${name}" wasn't supplied.`
      continue
    }
    const where = `For 'properties/${name}',`
    switch (rule.type) {
      case 'string':
        if (value === null && rule.nullable === true) break
        if (typeof value !== 'string') return `${where} ${describe(value)} is not a string.`
        break
      case 'boolean':
        if (typeof value !== 'boolean') return `${where} ${describe(value)} is not a boolean.`
        break
      case 'enum':
        if (typeof value !== 'string') return `${where} ${describe(value)} is not a string.`
        if (!rule.values.includes(value)) {
          return `${where} ${describe(value)} is not one of ${describe(rule.values)}.`
        }
        break
    }
  }
  return undefined
}

/** Answers 422 when the body breaks a rule; resolves true when it did. */
export const rejectFields = async (
  ex: Exchange,
  body: JsonObject,
  rules: Readonly<Record<string, FieldRule>>,
): Promise<boolean> => {
  const reason = checkFields(body, rules)
  if (reason === undefined) return false
  await invalidRequest(ex, reason)
  return true
}

/** git check-ref-format, as GitHub applies it to a new tag name. */
export const isValidTagName = (name: string): boolean => {
  if (name === '' || name === '@' || name.length > 255) return false
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return false
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'))
}
