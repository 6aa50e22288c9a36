import { isScalar, isSeq, parseDocument } from 'yaml'
import { checkAssetName, checkDirectAssetPath } from '../assets/asset-name.js'
import { inputError, type ReleaseError } from '../errors.js'
import { INPUTS } from './inputs.js'
import type { AssetPattern, ExternalLink, LinkType } from './settings.js'

/** link_type values come from the input table, so there is one list of them. */
const LINK_TYPE_VALUES: readonly string[] =
  INPUTS.find((input) => input.name === 'asset_link_type')?.values ?? []

const ASSET_KEYS = ['path', 'name', 'link_type', 'direct_asset_path'] as const
const LINK_KEYS = ['name', 'url', 'link_type', 'direct_asset_path'] as const
const LINK_SCHEMES = ['http:', 'https:', 'ftp:']

interface Parsed<T> {
  readonly value: T
  readonly problems: ReleaseError[]
}

/**
 * `assets`: newline-separated globs, or a YAML list. It is YAML when its first non-blank line
 * starts with `- `, or starts with `[` and the whole value reads as a YAML flow list (a glob may
 * start with a character class: `[ab]*.zip` stays a glob; write `./[ab]` for the rare one-class
 * glob that is also valid YAML). In the glob form, blank lines and lines starting with `#` are
 * skipped, as @actions/glob does.
 */
/** Each forge's own name rules are checked once the files are found (the forge's AssetRules). */
export function parseAssets(raw: string): Parsed<AssetPattern[]> {
  const firstLine =
    raw
      .split(/\r?\n/)
      .find((line) => line.trim() !== '')
      ?.trimStart() ?? ''
  const blockList = firstLine === '-' || /^-[ \t]/.test(firstLine)
  if (blockList || firstLine.startsWith('[')) {
    const document = readYamlList(raw, 'assets')
    if (blockList || document.problems.length === 0) {
      return parseAssetItems(document.value, document.problems)
    }
  }
  const problems: ReleaseError[] = []
  const patterns: AssetPattern[] = []
  for (const line of raw.split(/\r?\n/)) {
    const pattern = line.trim()
    if (pattern === '' || pattern.startsWith('#')) continue
    problems.push(...checkPattern(pattern, `pattern ${quote(pattern)}`))
    patterns.push({ pattern })
  }
  return { value: patterns, problems }
}

function parseAssetItems(
  items: readonly unknown[],
  problems: ReleaseError[],
): Parsed<AssetPattern[]> {
  const patterns: AssetPattern[] = []
  items.forEach((item, index) => {
    const where = `item ${index + 1}`
    if (typeof item === 'string') {
      const pattern = item.trim()
      if (pattern === '') {
        problems.push(
          inputError('assets', `${where} is empty.`, 'Give a path or glob, or remove the item.'),
        )
        return
      }
      problems.push(...checkPattern(pattern, where))
      patterns.push({ pattern })
      return
    }
    const fields = readFields(
      item,
      ASSET_KEYS,
      'assets',
      where,
      '`- dist/app.tar.gz` or `- {path: dist/app, name: app-linux-amd64}`',
      problems,
    )
    if (fields === undefined) return
    const pattern = fields.path?.trim() ?? ''
    if (pattern === '') {
      problems.push(
        inputError(
          'assets',
          `${where} has no path.`,
          'Add `path:` with the file or glob to upload.',
        ),
      )
      return
    }
    problems.push(...checkPattern(pattern, where))
    if (
      pattern.startsWith('!') &&
      (fields.name !== undefined ||
        fields.link_type !== undefined ||
        fields.direct_asset_path !== undefined)
    ) {
      problems.push(
        inputError(
          'assets',
          `${where} excludes files (${quote(pattern)}) but also sets name, link_type or direct_asset_path.`,
          'An exclusion is a plain string item: `- "!dist/*.map"`.',
        ),
      )
      return
    }
    if (fields.name !== undefined) {
      for (const problem of checkAssetName(fields.name)) {
        problems.push(inputError('assets', `${where}: ${problem.message}`, problem.hint))
      }
    }
    const linkType = checkLinkType(fields.link_type, 'assets', where, problems)
    if (fields.direct_asset_path !== undefined) {
      for (const problem of checkDirectAssetPath(fields.direct_asset_path, 'assets')) {
        problems.push(inputError('assets', `${where}: ${problem.message}`, problem.hint))
      }
    }
    patterns.push({
      pattern,
      ...(fields.name === undefined ? {} : { name: fields.name }),
      ...(linkType === undefined ? {} : { linkType }),
      ...(fields.direct_asset_path === undefined
        ? {}
        : { directAssetPath: fields.direct_asset_path }),
    })
  })
  return { value: patterns, problems }
}

function checkPattern(pattern: string, where: string): ReleaseError[] {
  if (pattern.replace(/^[!\s]+/, '') === '') {
    return [
      inputError(
        'assets',
        `${where} is only '!', which excludes nothing.`,
        "Write the files to exclude after the '!'.",
      ),
    ]
  }
  return []
}

/**
 * `asset_links`: a YAML list of `{name, url, link_type, direct_asset_path}`. GitLab rejects a
 * release whose links repeat a name, url or filepath, so duplicates are caught here.
 */
export function parseAssetLinks(raw: string, defaultLinkType: LinkType): Parsed<ExternalLink[]> {
  const document = readYamlList(raw, 'asset_links')
  const problems = document.problems
  const links: ExternalLink[] = []
  document.value.forEach((item, index) => {
    const where = `item ${index + 1}`
    const fields = readFields(
      item,
      LINK_KEYS,
      'asset_links',
      where,
      '`- {name: Docs, url: https://example.com/docs}`',
      problems,
    )
    if (fields === undefined) return
    const name = fields.name?.trim() ?? ''
    const url = fields.url?.trim() ?? ''
    if (name === '')
      problems.push(
        inputError(
          'asset_links',
          `${where} has no name.`,
          'Add `name:` with the text the link shows.',
        ),
      )
    if (url === '') {
      problems.push(
        inputError(
          'asset_links',
          `${where} has no url.`,
          'Add `url:` with an http, https or ftp address.',
        ),
      )
    } else if (!isLinkUrl(url)) {
      problems.push(
        inputError(
          'asset_links',
          `${where} has url ${quote(url)}, which is not an http, https or ftp URL.`,
          'GitLab only accepts links with the http, https and ftp schemes.',
        ),
      )
    }
    const linkType = checkLinkType(fields.link_type, 'asset_links', where, problems)
    if (fields.direct_asset_path !== undefined) {
      for (const problem of checkDirectAssetPath(fields.direct_asset_path, 'asset_links')) {
        problems.push(inputError('asset_links', `${where}: ${problem.message}`, problem.hint))
      }
    }
    if (name === '' || url === '') return
    links.push({
      name,
      url,
      linkType: linkType ?? defaultLinkType,
      ...(fields.direct_asset_path === undefined
        ? {}
        : { directAssetPath: fields.direct_asset_path }),
    })
  })
  for (const [label, key] of [
    ['name', (l: ExternalLink) => l.name],
    ['url', (l: ExternalLink) => l.url],
    ['direct_asset_path', (l: ExternalLink) => l.directAssetPath],
  ] as const) {
    const seen = new Set<string>()
    const repeated = new Set<string>()
    for (const link of links) {
      const value = key(link)
      if (value === undefined) continue
      if (seen.has(value)) repeated.add(value)
      seen.add(value)
    }
    for (const value of repeated) {
      problems.push(
        inputError(
          'asset_links',
          `several links have the ${label} ${quote(value)}.`,
          `Give each link its own ${label}; GitLab rejects a release whose links repeat one.`,
        ),
      )
    }
  }
  return { value: links, problems }
}

function isLinkUrl(text: string): boolean {
  try {
    return LINK_SCHEMES.includes(new URL(text).protocol)
  } catch {
    return false
  }
}

function checkLinkType(
  value: string | undefined,
  input: string,
  where: string,
  problems: ReleaseError[],
): LinkType | undefined {
  if (value === undefined) return undefined
  if (isLinkType(value)) return value
  problems.push(
    inputError(
      input,
      `${where} has link_type ${quote(value)}.`,
      `Use one of: ${LINK_TYPE_VALUES.join(', ')}.`,
    ),
  )
  return undefined
}

function isLinkType(value: string): value is LinkType {
  return LINK_TYPE_VALUES.includes(value)
}

/**
 * Reads a YAML list with the failsafe schema: every scalar stays a string, so `name: 1.0` is
 * "1.0" and `link_type: null` is "null" rather than a number or a missing value.
 */
function readYamlList(raw: string, input: string): Parsed<unknown[]> {
  const listHint =
    input === 'assets'
      ? "Write one '- path' per line, or one glob per line without '- '."
      : 'Write a YAML list, one `- {name: …, url: …}` per item.'
  let document
  try {
    document = parseDocument(raw, { schema: 'failsafe', prettyErrors: false })
  } catch (error) {
    return {
      value: [],
      problems: [inputError(input, `is not valid YAML (${messageOf(error)}).`, listHint)],
    }
  }
  const first = document.errors[0]
  if (first !== undefined) {
    return {
      value: [],
      problems: [inputError(input, `is not valid YAML: ${firstLine(first.message)}.`, listHint)],
    }
  }
  const problems: ReleaseError[] = []
  if (document.warnings.some((w) => w.code === 'TAG_RESOLVE_FAILED')) {
    problems.push(
      inputError(
        input,
        'holds an unquoted value starting with `!`, which YAML reads as a tag.',
        "Quote it: `- '!dist/*.map'`.",
      ),
    )
  }
  const contents = document.contents
  if (contents === null || (isScalar(contents) && contents.value === '')) {
    return { value: [], problems }
  }
  if (!isSeq(contents)) {
    problems.push(inputError(input, 'must be a YAML list.', listHint))
    return { value: [], problems }
  }
  let value: unknown
  try {
    value = document.toJS({ maxAliasCount: 100 })
  } catch (error) {
    problems.push(inputError(input, `cannot be read (${messageOf(error)}).`, listHint))
    return { value: [], problems }
  }
  return { value: Array.isArray(value) ? (value as unknown[]) : [], problems }
}

type Fields<K extends string> = { [P in K]?: string }

/** A YAML mapping whose keys are all in `keys` and whose values are all strings. */
function readFields<K extends string>(
  item: unknown,
  keys: readonly K[],
  input: string,
  where: string,
  example: string,
  problems: ReleaseError[],
): Fields<K> | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item) || item instanceof Map) {
    problems.push(
      inputError(input, `${where} has the wrong shape.`, `Write items like ${example}.`),
    )
    return undefined
  }
  const fields: Fields<K> = {}
  let ok = true
  for (const [key, value] of Object.entries(item)) {
    if (!(keys as readonly string[]).includes(key)) {
      problems.push(
        inputError(
          input,
          `${where} has unknown key ${quote(key)}.`,
          `Allowed keys: ${keys.join(', ')}.`,
        ),
      )
      ok = false
    } else if (typeof value !== 'string') {
      problems.push(
        inputError(
          input,
          `${where}: ${key} must be a single value, not a list or mapping.`,
          `Write items like ${example}.`,
        ),
      )
      ok = false
    } else {
      fields[key as K] = value
    }
  }
  return ok ? fields : undefined
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/\.$/, '')
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function quote(text: string): string {
  return JSON.stringify(text)
}
