/**
 * The Grape parameters GitLab declares for every endpoint forge-release calls, and whether the
 * route accepts a CI job token, copied from GitLab's source (repository gitlabhq/gitlabhq, the
 * GitHub mirror of gitlab-org/gitlab; "index" is the search index's file id where no commit was
 * reported):
 *
 * | file | commit |
 * |---|---|
 * | lib/api/releases.rb | 017a6c129d6a9e4ad9fec792cd84f88641d7dbfe |
 * | ee/lib/ee/api/releases.rb (evidence; repo pavankalisetti009/gitlab) | 838ed7ceeba37d435c1e87fe935533c9e378e47f |
 * | lib/api/release/links.rb | 04e80ac1e9ffac6090ae70eb36f2957013cf76be |
 * | lib/api/generic_packages.rb | 0286e4c628d68960d0ca9e961d82c3ea6ac90633 |
 * | lib/api/project_packages.rb | index 1026887080 (with package_version, status) |
 * | lib/api/package_files.rb | index 2939628255 (with order_by, sort, job tokens) |
 * | lib/api/markdown_uploads.rb | 04e80ac1e9ffac6090ae70eb36f2957013cf76be |
 * | doc/api/project_markdown_uploads.md ("Introduced in GitLab 17.4") | ec05f6eb1438ee304c9c92ef2aac3f94ef702ff5 |
 * | lib/api/metadata.rb (`/version`, `/metadata`, `authenticate!`) | 0552020767452da44de2bf5424096f2cb2ea6bf5 |
 * | lib/api/tags.rb | index 1035374392 (API-NOTES §1.7) |
 *
 * `jobToken` is `route_setting :authentication, job_token_allowed: …` on the route; where it is
 * absent GitLab does not look at JOB-TOKEN, and the request is anonymous. Every request to one of
 * these routes is held to its declaration before routing: a parameter the route does not declare
 * (query or JSON/form body), or a value Grape would not coerce to the declared type, throws a
 * ContractViolation. `use :pagination` declares `page` and `per_page`; the credentials
 * `private_token`, `job_token` and `access_token` are read by the auth finders on every route.
 */
import { ContractViolation } from '../contract-violation.js'
import type { Exchange } from '../exchange.js'
import { parseNestedParams } from '../form-params.js'
import { Router } from '../router.js'

export type GrapeType = 'String' | 'Integer' | 'Boolean' | 'DateTime' | 'Array' | 'Hash'

export interface GrapeParam {
  readonly type: GrapeType
  readonly values?: readonly string[]
  /** Declared parameters of a Hash, or of each Hash of an Array. */
  readonly children?: Readonly<Record<string, GrapeParam>>
}

export interface GrapeEndpoint {
  readonly method: string
  /** As the fake's router writes it. */
  readonly pattern: string
  /** The file (of the table above) that declares it. */
  readonly file: string
  readonly jobToken: boolean
  /** Declared query/body parameters (path parameters are left out). */
  readonly params: Readonly<Record<string, GrapeParam>>
  /** The route forwards any query on (permalink redirects): its query is not checked. */
  readonly anyQuery?: boolean
  /** First version that has the route, when later than what the tool supports. */
  readonly since?: string
}

const str: GrapeParam = { type: 'String' }
const int: GrapeParam = { type: 'Integer' }
const bool: GrapeParam = { type: 'Boolean' }
const time: GrapeParam = { type: 'DateTime' }
const list: GrapeParam = { type: 'Array' }
const oneOf = (...values: string[]): GrapeParam => ({ type: 'String', values })
const PAGINATION = { page: int, per_page: int }
const LINK_TYPE = oneOf('other', 'runbook', 'image', 'package')

const PROJECT = '/api/v4/projects/:id'
const RELEASE = `${PROJECT}/releases/:tag_name`
const LINKS = `${RELEASE}/assets/links`
const GENERIC = `${PROJECT}/packages/generic/:package_name/:package_version/*file_path`

export const GRAPE_ENDPOINTS: readonly GrapeEndpoint[] = [
  {
    method: 'GET',
    pattern: '/api/v4/version',
    file: 'lib/api/metadata.rb',
    jobToken: false,
    params: {},
  },
  {
    method: 'GET',
    pattern: '/api/v4/metadata',
    file: 'lib/api/metadata.rb',
    jobToken: false,
    params: {},
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/releases`,
    file: 'lib/api/releases.rb',
    jobToken: true,
    params: {
      ...PAGINATION,
      order_by: oneOf('released_at', 'created_at'),
      sort: oneOf('asc', 'desc'),
      include_html_description: bool,
      updated_before: time,
      updated_after: time,
    },
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/releases/permalink/latest`,
    file: 'lib/api/releases.rb',
    jobToken: true,
    params: {},
    anyQuery: true,
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/releases/permalink/latest/*suffix_path`,
    file: 'lib/api/releases.rb',
    jobToken: true,
    params: {},
    anyQuery: true,
  },
  {
    method: 'GET',
    pattern: RELEASE,
    file: 'lib/api/releases.rb',
    jobToken: true,
    params: { include_html_description: bool },
  },
  {
    method: 'GET',
    pattern: `${RELEASE}/downloads/*direct_asset_path`,
    file: 'lib/api/releases.rb',
    jobToken: true,
    params: {},
  },
  {
    method: 'POST',
    pattern: `${PROJECT}/releases`,
    file: 'lib/api/releases.rb',
    jobToken: true,
    params: {
      tag_name: str,
      tag_message: str,
      name: str,
      description: str,
      ref: str,
      assets: {
        type: 'Hash',
        children: {
          links: {
            type: 'Array',
            children: {
              name: str,
              url: str,
              direct_asset_path: str,
              filepath: str,
              link_type: str,
            },
          },
        },
      },
      milestones: list,
      milestone_ids: list,
      released_at: time,
      legacy_catalog_publish: bool,
    },
  },
  {
    method: 'PUT',
    pattern: RELEASE,
    file: 'lib/api/releases.rb',
    jobToken: true,
    params: {
      name: str,
      description: str,
      released_at: time,
      milestones: list,
      milestone_ids: list,
    },
  },
  { method: 'DELETE', pattern: RELEASE, file: 'lib/api/releases.rb', jobToken: true, params: {} },
  {
    method: 'POST',
    pattern: `${RELEASE}/evidence`,
    file: 'ee/lib/ee/api/releases.rb',
    jobToken: true,
    params: {},
  },
  {
    method: 'GET',
    pattern: LINKS,
    file: 'lib/api/release/links.rb',
    jobToken: true,
    params: PAGINATION,
  },
  {
    method: 'POST',
    pattern: LINKS,
    file: 'lib/api/release/links.rb',
    jobToken: true,
    params: { name: str, url: str, direct_asset_path: str, filepath: str, link_type: LINK_TYPE },
  },
  {
    method: 'GET',
    pattern: `${LINKS}/:link_id`,
    file: 'lib/api/release/links.rb',
    jobToken: true,
    params: {},
  },
  {
    method: 'PUT',
    pattern: `${LINKS}/:link_id`,
    file: 'lib/api/release/links.rb',
    jobToken: true,
    params: { name: str, url: str, direct_asset_path: str, filepath: str, link_type: LINK_TYPE },
  },
  {
    method: 'DELETE',
    pattern: `${LINKS}/:link_id`,
    file: 'lib/api/release/links.rb',
    jobToken: true,
    params: {},
  },
  {
    method: 'PUT',
    pattern: GENERIC,
    file: 'lib/api/generic_packages.rb',
    jobToken: true,
    params: { status: oneOf('default', 'hidden'), select: oneOf('package_file') },
  },
  {
    method: 'GET',
    pattern: GENERIC,
    file: 'lib/api/generic_packages.rb',
    jobToken: true,
    params: {},
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/packages`,
    file: 'lib/api/project_packages.rb',
    jobToken: true,
    params: {
      ...PAGINATION,
      order_by: oneOf('created_at', 'name', 'version', 'type'),
      sort: oneOf('asc', 'desc'),
      package_type: str,
      package_name: str,
      package_version: str,
      include_versionless: bool,
      status: str,
    },
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/packages/:package_id`,
    file: 'lib/api/project_packages.rb',
    jobToken: true,
    params: {},
  },
  {
    method: 'DELETE',
    pattern: `${PROJECT}/packages/:package_id`,
    file: 'lib/api/project_packages.rb',
    jobToken: true,
    params: {},
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/packages/:package_id/package_files`,
    file: 'lib/api/package_files.rb',
    jobToken: true,
    params: {
      ...PAGINATION,
      order_by: oneOf('id', 'created_at', 'file_name'),
      sort: oneOf('asc', 'desc'),
    },
  },
  {
    method: 'DELETE',
    pattern: `${PROJECT}/packages/:package_id/package_files/:package_file_id`,
    file: 'lib/api/package_files.rb',
    jobToken: true,
    params: {},
  },
  // The multipart part `file` is the upload route's own check.
  {
    method: 'POST',
    pattern: `${PROJECT}/uploads`,
    file: 'lib/api/markdown_uploads.rb',
    jobToken: false,
    params: {},
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/uploads/:secret/:filename`,
    file: 'lib/api/markdown_uploads.rb',
    jobToken: false,
    params: {},
    since: '17.4',
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/repository/tags`,
    file: 'lib/api/tags.rb',
    jobToken: false,
    params: {
      ...PAGINATION,
      order_by: oneOf('name', 'updated', 'version'),
      sort: oneOf('asc', 'desc'),
      search: str,
      page_token: str,
    },
  },
  {
    method: 'GET',
    pattern: `${PROJECT}/repository/tags/:tag_name`,
    file: 'lib/api/tags.rb',
    jobToken: false,
    params: {},
  },
  {
    method: 'POST',
    pattern: `${PROJECT}/repository/tags`,
    file: 'lib/api/tags.rb',
    jobToken: false,
    params: { tag_name: str, ref: str, message: str },
  },
]

const CREDENTIALS = new Set(['private_token', 'job_token', 'access_token'])

const router = new Router<GrapeEndpoint>()
for (const endpoint of GRAPE_ENDPOINTS) router.add(endpoint.method, endpoint.pattern, endpoint)

/** The declared endpoint a request goes to, if it is one of the table's. */
export const grapeEndpointOf = (method: string, rawPath: string): GrapeEndpoint | undefined =>
  router.match(method, rawPath)?.handler

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Problems Grape's coercion would have with `value` as `param` (nested names joined with dots). */
const problemsOf = (name: string, value: unknown, param: GrapeParam): string[] => {
  if (value === null || value === undefined) return []
  const scalar =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  const text = scalar ? String(value) : ''
  switch (param.type) {
    case 'String':
      if (!scalar) return [`${name} must be a String`]
      return param.values === undefined || param.values.includes(text)
        ? []
        : [`${name}=${JSON.stringify(value)} is not one of ${param.values.join(', ')}`]
    case 'Integer':
      return scalar && /^-?\d+$/.test(text) ? [] : [`${name} must be an Integer`]
    case 'Boolean':
      return scalar && /^(true|false|1|0)$/.test(text) ? [] : [`${name} must be a Boolean`]
    case 'DateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? []
        : [`${name} must be an ISO 8601 DateTime`]
    case 'Hash':
      return isObject(value) ? childProblems(name, value, param) : [`${name} must be a Hash`]
    case 'Array': {
      // CommaSeparatedToArray takes a string too; Rack sends arrays of hashes as a numbered hash.
      const items = Array.isArray(value)
        ? value
        : isObject(value)
          ? Object.values(value)
          : scalar
            ? [value]
            : undefined
      if (items === undefined) return [`${name} must be an Array`]
      if (param.children === undefined) return []
      return items.flatMap((item, i) =>
        isObject(item)
          ? childProblems(`${name}[${i}]`, item, param)
          : [`${name}[${i}] must be a Hash`],
      )
    }
  }
}

const childProblems = (
  name: string,
  value: Record<string, unknown>,
  param: GrapeParam,
): string[] => {
  const children = param.children ?? {}
  return Object.entries(value).flatMap(([key, child]) => {
    const declared = children[key]
    return declared === undefined
      ? [`${name}.${key} is not declared`]
      : problemsOf(`${name}.${key}`, child, declared)
  })
}

/**
 * Throws a ContractViolation when a request to a declared route sends a parameter the route does
 * not declare or one Grape would not coerce. Bodies are read only when they are JSON or a form
 * (a generic package upload's body is the file and is never buffered here).
 */
export const checkGrapeParams = async (ex: Exchange): Promise<void> => {
  const endpoint = grapeEndpointOf(ex.method, ex.pathname)
  if (endpoint === undefined) return
  const params: Record<string, unknown> = endpoint.anyQuery
    ? {}
    : parseNestedParams(ex.query.toString())
  const contentType = (ex.header('content-type') ?? '').toLowerCase()
  if (
    ex.hasBody &&
    (contentType.includes('json') || contentType.includes('x-www-form-urlencoded'))
  ) {
    const body = await ex.bufferBody()
    const text = body?.toString('utf8') ?? ''
    if (contentType.includes('json')) {
      try {
        const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text)
        if (isObject(parsed)) Object.assign(params, parsed)
      } catch {
        // Grape answers 400 itself ("message body does not match declared format").
      }
    } else {
      Object.assign(params, parseNestedParams(text))
    }
  }
  const problems = Object.entries(params).flatMap(([name, value]) => {
    if (CREDENTIALS.has(name)) return []
    const declared = endpoint.params[name]
    return declared === undefined
      ? [
          `'${name}' is not declared for ${endpoint.method} ${endpoint.pattern.replace('/api/v4', '')} (${endpoint.file} declares ${Object.keys(endpoint.params).join(', ') || 'nothing'})`,
        ]
      : problemsOf(name, value, declared)
  })
  if (problems.length > 0) {
    throw new ContractViolation(
      `${ex.method} ${ex.rawPath}`,
      problems,
      `GitLab's ${endpoint.file} (see gitlab/grape-params.ts for the commit)`,
    )
  }
}
