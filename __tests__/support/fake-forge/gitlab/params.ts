/**
 * Grape-style request parameters: query string merged with a JSON or form body (body wins, as
 * Rack merges them), then declared parameters coerced one by one. Problems are collected in
 * declaration order and reported together as Grape does:
 * `{"error":"name is missing, url is missing"}`.
 */
import type { Exchange } from '../exchange.js'
import { parseNestedParams } from '../form-params.js'
import { grapeError } from './respond.js'

export type RawParams = Record<string, unknown>

/** Reads query + body. Resolves undefined after answering 400 for a body that is not valid JSON. */
export const readParams = async (ex: Exchange): Promise<RawParams | undefined> => {
  const merged: RawParams = { ...parseNestedParams(ex.query.toString()) }
  if (!ex.hasBody) return merged
  const contentType = (ex.header('content-type') ?? '').toLowerCase()
  const body = await ex.bufferBody()
  if (body === undefined) {
    await ex.json(413, { message: '413 Request Entity Too Large' })
    return undefined
  }
  const text = body.toString('utf8')
  if (contentType.includes('json')) {
    if (text.trim() === '') return merged
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        Object.assign(merged, parsed)
      }
    } catch {
      await grapeError(ex, 400, 'message body does not match declared format')
      return undefined
    }
  } else if (contentType.includes('application/x-www-form-urlencoded') || contentType === '') {
    Object.assign(merged, parseNestedParams(text))
  }
  return merged
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

export class DeclaredParams {
  readonly errors: string[] = []

  constructor(readonly raw: RawParams) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined
  }

  private coerceString(key: string, value: unknown): string | undefined {
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    if (value === null) return undefined
    this.errors.push(`${key} is invalid`)
    return undefined
  }

  requireString(key: string): string | undefined {
    if (!this.has(key)) {
      this.errors.push(`${key} is missing`)
      return undefined
    }
    return this.coerceString(key, this.raw[key])
  }

  optString(key: string): string | undefined {
    return this.has(key) ? this.coerceString(key, this.raw[key]) : undefined
  }

  optInteger(key: string): number | undefined {
    if (!this.has(key)) return undefined
    const value = this.raw[key]
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN
    if (!Number.isInteger(n)) {
      this.errors.push(`${key} is invalid`)
      return undefined
    }
    return n
  }

  optBoolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined
    const value = this.raw[key]
    if (typeof value === 'boolean') return value
    if (value === 'true' || value === '1') return true
    if (value === 'false' || value === '0') return false
    this.errors.push(`${key} is invalid`)
    return undefined
  }

  optEnum<T extends string>(key: string, values: readonly T[]): T | undefined {
    const value = this.optString(key)
    if (value === undefined) return undefined
    if (!(values as readonly string[]).includes(value)) {
      this.errors.push(`${key} does not have a valid value`)
      return undefined
    }
    return value as T
  }

  optRegex(key: string, re: RegExp, required = false): string | undefined {
    const value = required ? this.requireString(key) : this.optString(key)
    if (value === undefined) return undefined
    if (!re.test(value)) {
      this.errors.push(`${key} is invalid`)
      return undefined
    }
    return value
  }

  /** `CommaSeparatedToArray`: an array, or a comma-separated string (`''` → `[]`). */
  optCommaArray(key: string): string[] | undefined {
    if (!this.has(key)) return undefined
    const value = this.raw[key]
    if (value === null) return []
    if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== '')
    if (typeof value === 'string' || typeof value === 'number') {
      return String(value)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    }
    this.errors.push(`${key} is invalid`)
    return undefined
  }

  /** `CommaSeparatedToIntegerArray`. */
  optCommaIntegers(key: string): number[] | undefined {
    const list = this.optCommaArray(key)
    if (list === undefined) return undefined
    const ints = list.map(Number)
    if (ints.some((n) => !Number.isInteger(n))) {
      this.errors.push(`${key} is invalid`)
      return undefined
    }
    return ints
  }

  /** An array of hashes (`assets[links][]` in form encoding, a JSON array of objects). */
  optHashArray(key: string): Record<string, unknown>[] | undefined {
    if (!this.has(key)) return undefined
    const value = this.raw[key]
    const list = Array.isArray(value)
      ? value
      : isPlainObject(value)
        ? Object.values(value)
        : undefined
    if (list === undefined || !list.every(isPlainObject)) {
      this.errors.push(`${key} is invalid`)
      return undefined
    }
    return list
  }

  optHash(key: string): Record<string, unknown> | undefined {
    if (!this.has(key)) return undefined
    const value = this.raw[key]
    if (!isPlainObject(value)) {
      this.errors.push(`${key} is invalid`)
      return undefined
    }
    return value
  }

  mutuallyExclusive(keys: readonly string[], message?: string): void {
    const given = keys.filter((k) => this.has(k))
    if (given.length > 1) {
      this.errors.push(`${given.join(', ')} ${message ?? 'are mutually exclusive'}`)
    }
  }

  atLeastOneOf(keys: readonly string[]): void {
    if (!keys.some((k) => this.has(k))) {
      this.errors.push(`${keys.join(', ')} are missing, at least one parameter must be provided`)
    }
  }

  /** Answers 400 `{"error": …}` when any declared parameter failed; resolves true when it did. */
  async reject(ex: Exchange): Promise<boolean> {
    if (this.errors.length === 0) return false
    await grapeError(ex, 400, this.errors.join(', '))
    return true
  }
}
