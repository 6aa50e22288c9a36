/**
 * Gongfeng offset pagination ("使用前必读"): `page` (from 1, default 1), `per_page` (default 20,
 * max 100), and the headers X-Total, X-Total-Pages, X-Per-Page, X-Page, X-Next-Page,
 * X-Prev-Page. No Link header is documented, so none is sent: a client must page by X-Next-Page
 * (empty on the last page) or by the page size.
 */
import type { Exchange, HeaderMap } from '../exchange.js'

const DEFAULT_PER_PAGE = 20
const MAX_PER_PAGE = 100

export type PageResult<T> =
  | { readonly ok: true; readonly items: T[]; readonly headers: HeaderMap }
  | { readonly ok: false; readonly error: string }

const readNumber = (raw: string | null): number | undefined | 'invalid' => {
  if (raw === null || raw === '') return undefined
  const n = Number(raw)
  return Number.isInteger(n) ? n : 'invalid'
}

export const paginate = <T>(ex: Exchange, all: readonly T[]): PageResult<T> => {
  const pageRaw = readNumber(ex.query.get('page'))
  const perRaw = readNumber(ex.query.get('per_page'))
  if (pageRaw === 'invalid') return { ok: false, error: 'page is invalid' }
  if (perRaw === 'invalid') return { ok: false, error: 'per_page is invalid' }
  const page = Math.max(1, pageRaw ?? 1)
  const perPage =
    perRaw === undefined || perRaw < 1 ? DEFAULT_PER_PAGE : Math.min(perRaw, MAX_PER_PAGE)
  const totalPages = Math.max(1, Math.ceil(all.length / perPage))
  const items = all.slice((page - 1) * perPage, page * perPage)
  const next = page < totalPages ? String(page + 1) : ''
  const prev = page > 1 && page <= totalPages ? String(page - 1) : ''
  return {
    ok: true,
    items,
    headers: {
      'x-total': String(all.length),
      'x-total-pages': String(totalPages),
      'x-per-page': String(perPage),
      'x-page': String(page),
      'x-next-page': next,
      'x-prev-page': prev,
    },
  }
}
