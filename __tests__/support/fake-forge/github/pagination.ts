/**
 * GitHub's pagination (docs "Using pagination in the REST API"): `per_page` (default 30, max
 * 100) and `page` (default 1); a `link` header with `rel="prev"`, `"next"`, `"last"`, `"first"`
 * (only those that apply: no prev/first on page 1, no next/last on the last page), and no
 * `link` header at all when everything fits on one page.
 */
import type { Exchange, HeaderMap } from '../exchange.js'

const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100

const readNumber = (raw: string | null, fallback: number): number => {
  if (raw === null || raw.trim() === '') return fallback
  const n = Number.parseInt(raw, 10)
  return Number.isFinite(n) ? n : fallback
}

export const paginate = <T>(
  ex: Exchange,
  all: readonly T[],
): { readonly items: T[]; readonly headers: HeaderMap } => {
  const wanted = readNumber(ex.query.get('per_page'), DEFAULT_PER_PAGE)
  const perPage = wanted < 1 ? DEFAULT_PER_PAGE : Math.min(wanted, MAX_PER_PAGE)
  const page = Math.max(1, readNumber(ex.query.get('page'), 1))
  const lastPage = Math.max(1, Math.ceil(all.length / perPage))
  const items = all.slice((page - 1) * perPage, page * perPage)
  if (lastPage === 1) return { items, headers: {} }

  const urlFor = (p: number): string => {
    const query = new URLSearchParams(ex.query)
    query.set('per_page', String(perPage))
    query.set('page', String(p))
    return `<${ex.origin}${ex.pathname}?${query.toString()}>`
  }
  const links: string[] = []
  if (page > 1) links.push(`${urlFor(Math.min(page - 1, lastPage))}; rel="prev"`)
  if (page < lastPage)
    links.push(`${urlFor(page + 1)}; rel="next"`, `${urlFor(lastPage)}; rel="last"`)
  if (page > 1) links.push(`${urlFor(1)}; rel="first"`)
  return { items, headers: { link: links.join(', ') } }
}
