/**
 * Forgejo/Gitea pagination (routers/api/v1/utils/page.go, services/context/api.go): `page`
 * (1-based; below 1 is 1) and `limit` (default `[api] DEFAULT_PAGING_NUM` = 30, at most
 * `MAX_RESPONSE_ITEMS` = 50); every list answers `X-Total-Count`, and a `Link` header with
 * `rel="next"`, `"last"`, `"first"`, `"prev"` where they apply, built on ROOT_URL.
 */
import type { Exchange, HeaderMap } from '../exchange.js'
import type { GiteaConfig } from './context.js'

const readNumber = (raw: string | null): number | undefined => {
  if (raw === null || raw.trim() === '') return undefined
  const n = Number.parseInt(raw, 10)
  return Number.isFinite(n) ? n : undefined
}

export const paginate = <T>(
  ex: Exchange,
  config: GiteaConfig,
  all: readonly T[],
): { readonly items: T[]; readonly headers: HeaderMap } => {
  const wanted = readNumber(ex.query.get('limit')) ?? 0
  const limit = wanted <= 0 ? config.defaultPagingNum : Math.min(wanted, config.maxResponseItems)
  const page = Math.max(1, readNumber(ex.query.get('page')) ?? 1)
  const lastPage = Math.max(1, Math.ceil(all.length / limit))
  const items = all.slice((page - 1) * limit, page * limit)
  const urlFor = (p: number): string => {
    const query = new URLSearchParams(ex.query)
    query.set('page', String(p))
    return `<${ex.origin}${ex.pathname}?${query.toString()}>`
  }
  const links: string[] = []
  if (page < lastPage)
    links.push(`${urlFor(page + 1)}; rel="next"`, `${urlFor(lastPage)}; rel="last"`)
  if (page > 1) links.push(`${urlFor(1)}; rel="first"`, `${urlFor(page - 1)}; rel="prev"`)
  return {
    items,
    headers: {
      'x-total-count': String(all.length),
      'access-control-expose-headers': 'X-Total-Count, Link',
      ...(links.length === 0 ? {} : { link: links.join(',') }),
    },
  }
}
