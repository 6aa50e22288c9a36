/**
 * The parameters Gongfeng documents, endpoint by endpoint, copied from the releases page
 * (seeds/gongfeng-releases-api.zh.txt, git.tencent.com/help/menu/api/releases.html, "lastUpdate:
 * 4/10/2026") and, for the tag endpoints the tool reads, from tags.html as API-NOTES §2.3 quotes
 * it. Every request to one of these routes is held to its list before routing: a parameter the
 * page does not list (in the query or the body), or a value outside its documented set, throws a
 * ContractViolation. The server itself would ignore an undocumented field (it keeps the tag as a
 * release's `title` whatever is sent), which is exactly why a client must not rely on one.
 *
 * `private_token` is accepted everywhere ("使用前必读": the token as a header or the query).
 * `id`, `tag_name` and `attachment_name` are path parameters. Attachment uploads are
 * multipart/form-data with the one field `file`, which the route itself checks.
 */
import { ContractViolation } from '../contract-violation.js'
import type { Exchange } from '../exchange.js'
import { Router } from '../router.js'
import { readParams } from './params.js'

type ParamType = 'string' | 'integer' | 'boolean' | { readonly values: readonly string[] }

interface DocumentedEndpoint {
  readonly method: string
  readonly pattern: string
  /** Heading of the section on the page. */
  readonly section: string
  readonly params: Readonly<Record<string, ParamType>>
}

const RELEASES = '/api/v3/projects/:id/releases'
const TYPE = { values: ['release', 'none'] } as const

export const DOCUMENTED: readonly DocumentedEndpoint[] = [
  {
    method: 'GET',
    pattern: RELEASES,
    section: '获取 releases 列表',
    params: {
      labels: 'string',
      author_id: 'integer',
      type: { values: ['release', 'none', 'all'] },
      page: 'integer',
      per_page: 'integer',
      order_by: { values: ['name', 'created_at'] },
      sort: { values: ['asc', 'desc'] },
    },
  },
  {
    method: 'GET',
    pattern: `${RELEASES}/:tag_name`,
    section: '获取某个指定的 release',
    params: {},
  },
  {
    method: 'POST',
    pattern: RELEASES,
    section: '新增 release 或 tag',
    params: {
      tag: 'string',
      start_point: 'string',
      tag_message: 'string',
      type: TYPE,
      description: 'string',
      labels: 'string',
    },
  },
  {
    method: 'PUT',
    pattern: `${RELEASES}/:tag_name`,
    section: '更新 release 或 tag',
    params: { type: TYPE, description: 'string', labels: 'string' },
  },
  {
    method: 'DELETE',
    pattern: `${RELEASES}/:tag_name`,
    section: '删除 release',
    params: { delete_tag: 'boolean' },
  },
  {
    method: 'POST',
    pattern: `${RELEASES}/:tag_name/attachments`,
    section: '上传附件',
    params: {},
  },
  {
    method: 'GET',
    pattern: `${RELEASES}/:tag_name/attachments/:attachment_name`,
    section: '下载附件',
    params: {},
  },
  {
    method: 'DELETE',
    pattern: `${RELEASES}/:tag_name/attachments/:attachment_name`,
    section: '删除附件',
    params: {},
  },
  {
    method: 'GET',
    pattern: '/api/v3/projects/:id/repository/tags',
    section: 'tags.html: 获取 tag 列表',
    params: {
      search: 'string',
      page: 'integer',
      per_page: 'integer',
      order_by: { values: ['name', 'created_at'] },
      sort: { values: ['asc', 'desc'] },
    },
  },
  {
    method: 'GET',
    pattern: '/api/v3/projects/:id/repository/tags/:tag',
    section: 'tags.html: 获取某个 tag',
    params: {},
  },
]

const SOURCE = 'seeds/gongfeng-releases-api.zh.txt (Gongfeng releases API page)'
const ALWAYS = new Set(['private_token'])

const router = new Router<DocumentedEndpoint>()
for (const endpoint of DOCUMENTED) router.add(endpoint.method, endpoint.pattern, endpoint)

const fits = (value: unknown, type: ParamType): boolean => {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (typeof type === 'object') return type.values.includes(text)
  switch (type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number'
    case 'integer':
      return /^\d+$/.test(text)
    case 'boolean':
      return text === 'true' || text === 'false'
  }
}

/**
 * Throws a ContractViolation for a parameter the page does not list; resolves true when it
 * answered the request itself (a body that is not valid JSON). Routes the page does not cover are
 * left to the routes themselves. A HEAD is checked as the GET it stands for.
 */
export const checkDocumentedParams = async (ex: Exchange): Promise<boolean> => {
  const match = router.match(ex.method, ex.pathname)
  if (match === undefined) return false
  const endpoint = match.handler
  const multipart = (ex.header('content-type') ?? '').toLowerCase().startsWith('multipart/')
  // Multipart bodies are streams the route reads itself; only their query is checked here.
  const params = multipart ? new Map<string, unknown>(ex.query) : await readParams(ex)
  if (params === undefined) return true
  const problems: string[] = []
  for (const [name, value] of params) {
    if (ALWAYS.has(name)) continue
    const type = endpoint.params[name]
    if (type === undefined) {
      const listed = Object.keys(endpoint.params)
      problems.push(
        `'${name}' is not a parameter of ${endpoint.method} ${endpoint.pattern} ("${endpoint.section}" lists ${listed.length === 0 ? 'none' : listed.join(', ')})`,
      )
    } else if (value !== null && !fits(value, type)) {
      problems.push(`${name}=${JSON.stringify(value)} is not a documented value`)
    }
  }
  if (problems.length > 0) {
    throw new ContractViolation(`${ex.method} ${ex.rawPath}`, problems, SOURCE)
  }
  return false
}
