/**
 * Rack-style nested parameters, as Rails/Grape (GitLab) and Rails (Gongfeng) read query strings
 * and form bodies: `x[]=a&x[]=b` is an array, `a[b]=1` a hash, and
 * `assets[links][][name]=n&assets[links][][url]=u` an array of hashes (a new hash starts when
 * the last one already has the key). Mirrors `Rack::QueryParser#normalize_params`.
 */

export type ParamValue = string | ParamValue[] | ParamHash
export interface ParamHash {
  [key: string]: ParamValue
}

const isHash = (v: ParamValue | undefined): v is ParamHash =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const hashHasKey = (hash: ParamHash, key: string): boolean => {
  if (/\[\]/.test(key)) return false
  let node: ParamValue | undefined = hash
  for (const part of key.split(/[[\]]+/).filter((p) => p !== '')) {
    if (!isHash(node) || !(part in node)) return false
    node = node[part]
  }
  return true
}

const normalize = (params: ParamHash, name: string, value: string): ParamHash => {
  const m = /^[[\]]*([^[\]]+)\]*/.exec(name)
  const key = m?.[1] ?? ''
  const after = m === null ? '' : name.slice(m[0].length)
  if (key === '') return params
  if (after === '') {
    params[key] = value
  } else if (after === '[') {
    params[name] = value
  } else if (after === '[]') {
    const existing = params[key]
    if (Array.isArray(existing)) existing.push(value)
    else params[key] = [value]
  } else {
    const child = /^\[\]\[([^[\]]+)\]$/.exec(after) ?? /^\[\](.+)$/.exec(after)
    if (child?.[1] !== undefined) {
      const childKey = child[1]
      const existing = params[key]
      const list = Array.isArray(existing) ? existing : []
      params[key] = list
      const last = list[list.length - 1]
      if (isHash(last) && !hashHasKey(last, childKey)) normalize(last, childKey, value)
      else list.push(normalize({}, childKey, value))
    } else {
      const existing = params[key]
      const target: ParamHash = isHash(existing) ? existing : {}
      params[key] = normalize(target, after, value)
    }
  }
  return params
}

/** Parses `application/x-www-form-urlencoded` text (a query string without `?`, or a form body). */
export const parseNestedParams = (encoded: string): ParamHash => {
  const params: ParamHash = {}
  for (const [name, value] of new URLSearchParams(encoded)) normalize(params, name, value)
  return params
}
