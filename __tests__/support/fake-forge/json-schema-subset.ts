/**
 * Just enough JSON Schema to check the fake's answers against GitLab's own response schemas
 * (copied in ./schemas): `type` (incl. type lists and GitLab's non-standard `"date"`),
 * `required`, `properties`, `additionalProperties: false`, `items`, `oneOf`, `enum` and relative
 * `$ref` between files. `format` and unknown keywords are ignored, as GitLab's matcher does for
 * the nonsense keywords some of its fixtures carry.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

type Schema = Record<string, unknown>

const schemaRoot = resolve(dirname(fileURLToPath(import.meta.url)), 'schemas')
const cache = new Map<string, Schema>()

const load = (file: string): Schema => {
  let schema = cache.get(file)
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(file, 'utf8')) as Schema
    cache.set(file, schema)
  }
  return schema
}

const typeOf = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

const typeMatches = (wanted: string, value: unknown): boolean => {
  const actual = typeOf(value)
  if (wanted === actual) return true
  if (wanted === 'number' && actual === 'integer') return true
  // GitLab's release_for_guest.json says "date"; its matcher accepts the ISO string.
  if (wanted === 'date' && actual === 'string') return true
  return false
}

const validateAt = (schema: Schema, value: unknown, file: string, path: string): string[] => {
  if (typeof schema.$ref === 'string') {
    const target = resolve(dirname(file), schema.$ref)
    return validateAt(load(target), value, target, path)
  }
  const errors: string[] = []
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]
    if (!types.some((t) => typeMatches(t, value))) {
      return [`${path}: expected ${types.join('|')}, got ${typeOf(value)}`]
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    errors.push(`${path}: ${JSON.stringify(value)} not in enum`)
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter(
      (s) => validateAt(s, value, file, path).length === 0,
    )
    if (passing.length !== 1) errors.push(`${path}: matches ${passing.length} of oneOf`)
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in object)) errors.push(`${path}: missing required ${key}`)
    }
    for (const [key, child] of Object.entries(object)) {
      const sub = properties[key]
      if (sub !== undefined) errors.push(...validateAt(sub, child, file, `${path}.${key}`))
      else if (schema.additionalProperties === false)
        errors.push(`${path}: unexpected property ${key}`)
    }
  }
  if (typeOf(value) === 'array' && typeof schema.items === 'object' && schema.items !== null) {
    ;(value as unknown[]).forEach((item, i) => {
      errors.push(...validateAt(schema.items as Schema, item, file, `${path}[${i}]`))
    })
  }
  return errors
}

/**
 * Problems with `value` against the schema at `schemas/<name>` (e.g.
 * `gitlab/public_api/v4/release.json`); empty when it conforms.
 */
export const schemaErrors = (name: string, value: unknown): string[] => {
  const file = resolve(schemaRoot, name)
  return validateAt(load(file), value, file, '$')
}
