/**
 * GitLab's validation rules, copied from its source so the fake rejects what the server rejects.
 * Each rule names where it comes from.
 */

/**
 * `Gitlab::GitRefValidator.validate(tag_name)`: rejects empty names, `HEAD`, names starting with
 * `refs/heads/`, `refs/remotes/` or `-`, and anything `git check-ref-format` refuses for
 * `refs/heads/<name>`.
 */
export const isValidTagName = (name: string): boolean => {
  if (name === '' || name === 'HEAD' || name === '@') return false
  if (name.startsWith('refs/heads/') || name.startsWith('refs/remotes/') || name.startsWith('-')) {
    return false
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false
  return name
    .split('/')
    .every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'))
}

/**
 * `Releases::Link::FILEPATH_REGEX` = `\A\/[^\/](?!.*\/\/.*)[\-\.\w\/]+[\da-zA-Z]+\z`
 * (app/models/releases/link.rb): starts with `/`, no `//`, only `[-._A-Za-z0-9/]` after the
 * second character, ends alphanumeric. Ruby's `\w` is ASCII here, as JavaScript's.
 */
export const FILEPATH_REGEX = /^\/[^/](?!.*\/\/.*)[-.\w/]+[\da-zA-Z]+$/
export const FILEPATH_MAX_LENGTH = 128

/** `addressable_url: { schemes: %w[http https ftp] }` on `Releases::Link#url`. */
export const LINK_URL_SCHEMES = ['http:', 'https:', 'ftp:']
export const isAllowedLinkUrl = (url: string): boolean => {
  try {
    return LINK_URL_SCHEMES.includes(new URL(url.trim()).protocol)
  } catch {
    return false
  }
}

/**
 * Grape's DateTime coercion for `released_at`: ISO 8601 date or date-time. A value without a
 * zone is UTC (`'2019-03-25 10:00:00'` → `2019-03-25T10:00:00Z`); offsets are converted
 * (`'2019-03-25T10:00:00+09:00'` → `2019-03-25T01:00:00Z`) [spec releases_spec.rb].
 */
export const parseReleasedAt = (value: string): number | undefined => {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(
      value.trim(),
    )
  if (m === null) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m
  const ms = Math.floor(Number(`0.${frac || '0'}`) * 1000)
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms)
  if (Number.isNaN(base)) return undefined
  const check = new Date(base)
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined
  if (zone.toUpperCase() === 'Z') return base
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')
  return base - sign * offsetMin * 60_000
}

/** `Gitlab::Regex.maven_file_name_regex`, used for generic `package_name` and `file_name`. */
export const GENERIC_NAME_REGEX = /^[A-Za-z0-9._+-]+$/
/** `Gitlab::Regex.maven_version_regex`, used for generic `package_version`. */
export const GENERIC_VERSION_REGEX = /^(?!.*\.\.)[\w+.-]+$/

/** Default `generic_packages_max_file_size` plan limit: 5 GiB. */
export const GENERIC_PACKAGE_MAX_BYTES = 5 * 1024 * 1024 * 1024
/** Default `max_attachment_size` application setting: 100 MB. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
/** `Gitlab::Database::MAX_TEXT_SIZE_LIMIT`, the release description limit. */
export const MAX_DESCRIPTION_LENGTH = 1_000_000

/** CarrierWave's default `sanitize_regexp` (`/[^[:word:]\.\-\+]/` → `_`) applied to upload names. */
export const sanitizeUploadFilename = (name: string): string => {
  const base = name.split(/[\\/]/).pop() ?? name
  return base.replace(/[^\p{L}\p{M}\p{N}\p{Pc}.+-]/gu, '_')
}

const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'bmp', 'tiff', 'ico', 'webp', 'svg'])
export const isImageFilename = (name: string): boolean =>
  IMAGE_EXTENSIONS.has(name.split('.').pop()?.toLowerCase() ?? '')

/** Numeric comparison of dotted versions (`16.11.0` < `17.1.0`). */
export const versionAtLeast = (version: string, minimum: string): boolean => {
  const a = version.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0)
  const b = minimum.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x !== y) return x > y
  }
  return true
}
