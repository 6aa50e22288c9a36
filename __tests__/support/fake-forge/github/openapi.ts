/**
 * Holds every request the fake GitHub receives to GitHub's own description of its REST API:
 * `@octokit/openapi` (npm), `generated/api.github.com.json`, "GitHub's official OpenAPI spec with
 * Octokit extensions" — github/rest-api-description as Octokit ships it. A request passes when
 *
 * - an operation exists for its method and path (HEAD is no operation there, so a HEAD fails);
 *   the uploads host serves only the operations whose `servers` name uploads.github.com
 *   (`POST /repos/{owner}/{repo}/releases/{release_id}/assets`), the API host all the others;
 * - its path parameters fit their schemas (an integer id is digits);
 * - every query parameter is one the operation defines, with a value of its schema, and the
 *   required ones are there (`name` of an upload);
 * - a JSON body validates against the operation's request body schema (ajv), and names no
 *   property the schema does not define (GitHub ignores unknown fields; a client that sends one
 *   relies on something that does nothing).
 *
 * Anything else throws a ContractViolation: the core answers 400 with its marker and records it in
 * `errors`. The web pages github.com serves beside the API (`/{owner}/{repo}/releases/download/…`,
 * which only the tests' own readers fetch) are not API operations and are not checked.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import { Ajv, type ValidateFunction } from 'ajv'

import { ContractViolation } from '../contract-violation.js'
import type { Exchange } from '../exchange.js'

type Json = Record<string, unknown>

interface Parameter {
  readonly name: string
  readonly in: 'path' | 'query' | 'header' | 'cookie'
  readonly required: boolean
  readonly schema: Json
  readonly multiSegment: boolean
}

type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string; readonly multi: boolean }

interface Operation {
  readonly method: string
  /** The path template as the description writes it. */
  readonly template: string
  readonly segments: readonly Segment[]
  readonly literals: number
  readonly parameters: readonly Parameter[]
  /** The JSON request body schema, dereferenced. */
  readonly body: Json | undefined
  /** The operation takes a body of some other kind (an upload's raw bytes, of any media type). */
  readonly rawBody: boolean
  readonly bodyRequired: boolean
  readonly host: 'api' | 'uploads'
}

export const OPENAPI_SOURCE = '@octokit/openapi generated/api.github.com.json'

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'trace'] as const

let cached: { readonly version: string; readonly operations: readonly Operation[] } | undefined
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
const validators = new Map<Operation, ValidateFunction>()

/** The description's operations, read once per test file (the file is 13 MB). */
const description = (): { readonly version: string; readonly operations: readonly Operation[] } => {
  if (cached !== undefined) return cached
  const require = createRequire(import.meta.url)
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
  const spec = JSON.parse(readFileSync(file, 'utf8')) as {
    info: { version: string }
    paths: Record<string, Record<string, Json>>
    components: Json
  }
  const deref = dereferencer(spec)
  const operations: Operation[] = []
  for (const [template, item] of Object.entries(spec.paths)) {
    const shared = ((item.parameters as unknown[] | undefined) ?? []).map(deref) as Json[]
    for (const method of METHODS) {
      const operation = item[method]
      if (operation === undefined) continue
      const own = ((operation.parameters as unknown[] | undefined) ?? []).map(deref) as Json[]
      const parameters = [...shared, ...own].map((p): Parameter => ({
        name: String(p.name),
        in: p.in as Parameter['in'],
        required: p.required === true,
        schema: deref(p.schema ?? {}) as Json,
        multiSegment: p['x-multi-segment'] === true,
      }))
      const servers = (operation.servers as { url: string }[] | undefined) ?? []
      const requestBody = deref(operation.requestBody) as Json | undefined
      const content = requestBody?.content as Record<string, Json> | undefined
      const json = content?.['application/json']?.schema
      const segments = template
        .split('/')
        .slice(1)
        .map((part): Segment => {
          const param = /^\{(.+)\}$/.exec(part)?.[1]
          if (param === undefined) return { kind: 'literal', value: part }
          const multi = parameters.some((p) => p.name === param && p.multiSegment)
          return { kind: 'param', name: param, multi }
        })
      operations.push({
        method: method.toUpperCase(),
        template,
        segments,
        literals: segments.filter((s) => s.kind === 'literal').length,
        parameters,
        body: json === undefined ? undefined : (deref(json) as Json),
        rawBody: content !== undefined && json === undefined,
        bodyRequired: requestBody?.required === true,
        host: servers.some((s) => s.url.includes('uploads.github.com')) ? 'uploads' : 'api',
      })
    }
  }
  cached = { version: spec.info.version, operations }
  return cached
}

/** Inlines `#/components/...` references; a reference back into itself is left open. */
const dereferencer = (root: Json): ((node: unknown) => unknown) => {
  const resolve = (node: unknown, seen: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => resolve(n, seen))
    if (node === null || typeof node !== 'object') return node
    const ref = (node as Json).$ref
    if (typeof ref === 'string') {
      if (seen.includes(ref)) return {}
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], root)
      return resolve(target, [...seen, ref])
    }
    return Object.fromEntries(
      Object.entries(node as Json).map(([key, value]) => [key, resolve(value, seen)]),
    )
  }
  return (node) => resolve(node, [])
}

/** Matches the raw path segments against the template; the decoded parameters, or undefined. */
const matchPath = (
  segments: readonly Segment[],
  raw: readonly string[],
): Record<string, string> | undefined => {
  const params: Record<string, string> = {}
  const walk = (si: number, ri: number): boolean => {
    if (si === segments.length) return ri === raw.length
    const segment = segments[si]
    if (segment === undefined) return false
    if (segment.kind === 'literal') return raw[ri] === segment.value && walk(si + 1, ri + 1)
    const last = segment.multi ? raw.length : ri + 1
    for (let end = last; end > ri; end--) {
      const taken = raw.slice(ri, end)
      if (taken.some((part) => part === '')) continue
      if (walk(si + 1, end)) {
        params[segment.name] = taken.map(decode).join('/')
        return true
      }
    }
    return false
  }
  return walk(0, 0) ? params : undefined
}

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/** Whether a query or path value (always text) fits a simple parameter schema. */
const fitsSchema = (value: string, schema: Json): boolean => {
  const values = schema.enum as unknown[] | undefined
  switch (schema.type) {
    case 'integer':
      return /^-?\d+$/.test(value) && (values === undefined || values.includes(Number(value)))
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value))
    case 'boolean':
      return value === 'true' || value === 'false'
    case 'string':
      return values === undefined || values.includes(value)
    default:
      return true
  }
}

export interface OpenApiCheck {
  /** Which host received the request. */
  readonly host: 'api' | 'uploads'
  /** The API's path prefix on that host: '' (github.com) or '/api/v3', '/api/uploads' (GHES). */
  readonly prefix: string
}

/** Throws a ContractViolation when the request is not one the description has. */
export const checkAgainstOpenApi = async (ex: Exchange, where: OpenApiCheck): Promise<void> => {
  if (where.host === 'api' && isWebPage(ex.pathname, where.prefix)) return
  const { version, operations } = description()
  const source = `${OPENAPI_SOURCE} (version ${version})`
  const request = `${ex.method} ${ex.rawPath}`
  const path = ex.pathname.slice(where.prefix.length)
  const raw = path.split('/').slice(1)
  const onHost = operations.filter((op) => op.host === where.host)
  const matches = onHost
    .map((op) => ({ op, params: matchPath(op.segments, raw) }))
    .filter((m): m is { op: Operation; params: Record<string, string> } => m.params !== undefined)
  const forMethod = matches
    .filter((m) => m.op.method === ex.method)
    .sort((a, b) => b.op.literals - a.op.literals)
  const match = forMethod[0]
  if (match === undefined) {
    const known = [...new Set(matches.map((m) => `${m.op.method} ${m.op.template}`))]
    throw new ContractViolation(
      request,
      [
        known.length === 0
          ? `no operation of the ${where.host} host has this path`
          : `no ${ex.method} operation for this path (the description has ${known.join(', ')})`,
      ],
      source,
    )
  }
  const { op, params } = match
  const problems: string[] = []
  for (const parameter of op.parameters.filter((p) => p.in === 'path')) {
    const value = params[parameter.name]
    if (value !== undefined && !fitsSchema(value, parameter.schema)) {
      problems.push(
        `path parameter ${parameter.name}=${JSON.stringify(value)} does not fit its schema`,
      )
    }
  }
  const queryParameters = op.parameters.filter((p) => p.in === 'query')
  for (const [name, value] of ex.query) {
    const parameter = queryParameters.find((p) => p.name === name)
    if (parameter === undefined) {
      problems.push(`query parameter '${name}' is not defined for ${op.method} ${op.template}`)
    } else if (!fitsSchema(value, parameter.schema)) {
      problems.push(`query parameter ${name}=${JSON.stringify(value)} does not fit its schema`)
    }
  }
  for (const parameter of queryParameters) {
    if (parameter.required && !ex.query.has(parameter.name)) {
      problems.push(`required query parameter '${parameter.name}' is missing`)
    }
  }
  problems.push(...(await bodyProblems(ex, op)))
  if (problems.length > 0) throw new ContractViolation(request, problems, source)
}

const bodyProblems = async (ex: Exchange, op: Operation): Promise<string[]> => {
  const contentType = (ex.header('content-type') ?? '').toLowerCase()
  const isJson = contentType.includes('json')
  if (op.body === undefined) {
    // "Use the required Content-Type header to provide the media type of the asset": any type.
    if (op.rawBody) return []
    if (isJson && ex.hasBody) return [`${op.method} ${op.template} takes no JSON body`]
    return []
  }
  if (!ex.hasBody) return op.bodyRequired ? ['the operation requires a JSON body'] : []
  if (!isJson) return [`the body must be application/json, not ${contentType || 'untyped'}`]
  const raw = await ex.bufferBody(1024 * 1024)
  if (raw === undefined) return ['the JSON body is larger than 1 MiB']
  let value: unknown
  try {
    value = raw.toString('utf8').trim() === '' ? {} : JSON.parse(raw.toString('utf8'))
  } catch {
    // GitHub answers `400 Problems parsing JSON` itself; the handler does the same.
    return []
  }
  let validate = validators.get(op)
  if (validate === undefined) {
    validate = ajv.compile(op.body)
    validators.set(op, validate)
  }
  const problems: string[] = []
  if (!validate(value)) {
    for (const error of validate.errors ?? []) {
      problems.push(`body${error.instancePath} ${error.message ?? 'is invalid'}`)
    }
  }
  const properties = op.body.properties as Json | undefined
  if (
    properties !== undefined &&
    op.body.additionalProperties === undefined &&
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value)
  ) {
    for (const key of Object.keys(value)) {
      if (!(key in properties)) problems.push(`body property '${key}' is not defined`)
    }
  }
  return problems
}

/** github.com's web pages served on the fake's API origin (github.com and api.github.com are one there). */
const isWebPage = (pathname: string, prefix: string): boolean =>
  prefix === ''
    ? /^\/[^/]+\/[^/]+\/releases\/download\//.test(pathname)
    : !pathname.startsWith(`${prefix}/`)
