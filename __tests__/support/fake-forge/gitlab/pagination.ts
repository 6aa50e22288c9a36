/**
 * GitLab offset pagination (doc/api/rest/_index.md): `page` (default 1), `per_page` (default 20,
 * max 100) and the headers `link` (prev/next/first/last), `x-next-page` (empty on the last
 * page), `x-page`, `x-per-page`, `x-prev-page` (empty on the first), `x-total`,
 * `x-total-pages`. Above 10,000 records GitLab omits `x-total`, `x-total-pages` and `rel="last"`.
 */
import type { Exchange, HeaderMap } from '../exchange.js'

const DEFAULT_PER_PAGE = 20
const MAX_PER_PAGE = 100
const COUNT_LIMIT = 10_000

export type PageResult<T> =
  | { readonly ok: true; readonly items: T[]; readonly headers: HeaderMap }
  | { readonly ok: false; readonly error: string }

const readPositive = (raw: string | null, key: string): number | undefined | string => {
  if (raw === null || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n)) return `${key} is invalid`
  return n
}

export const paginate = <T>(ex: Exchange, all: readonly T[]): PageResult<T> => {
  const pageRaw = readPositive(ex.query.get('page'), 'page')
  const perRaw = readPositive(ex.query.get('per_page'), 'per_page')
  const errors = [pageRaw, perRaw].filter((v): v is string => typeof v === 'string')
  if (errors.length > 0) return { ok: false, error: errors.join(', ') }
  const page = Math.max(1, (pageRaw as number | undefined) ?? 1)
  const perPageWanted = (perRaw as number | undefined) ?? DEFAULT_PER_PAGE
  const perPage = perPageWanted < 1 ? DEFAULT_PER_PAGE : Math.min(perPageWanted, MAX_PER_PAGE)
  const total = all.length
  const totalPages = Math.max(1, Math.ceil(total / perPage))
  const items = all.slice((page - 1) * perPage, page * perPage)
  const outOfRange = page > totalPages
  const next = page < totalPages ? page + 1 : undefined
  const prev = page > 1 && !outOfRange ? page - 1 : undefined

  const linkFor = (p: number): string => {
    const query = new URLSearchParams(ex.query)
    query.delete('page')
    query.delete('per_page')
    query.set('page', String(p))
    query.set('per_page', String(perPage))
    return `<${ex.origin}${ex.pathname}?${query.toString()}>`
  }
  const countable = total <= COUNT_LIMIT
  const links: string[] = []
  if (prev !== undefined) links.push(`${linkFor(prev)}; rel="prev"`)
  if (next !== undefined) links.push(`${linkFor(next)}; rel="next"`)
  links.push(`${linkFor(1)}; rel="first"`)
  if (countable) links.push(`${linkFor(totalPages)}; rel="last"`)

  const headers: HeaderMap = {
    link: links.join(', '),
    'x-next-page': next === undefined ? '' : String(next),
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-prev-page': prev === undefined ? '' : String(prev),
  }
  if (countable) {
    headers['x-total'] = String(total)
    headers['x-total-pages'] = String(totalPages)
  }
  return { ok: true, items, headers }
}
