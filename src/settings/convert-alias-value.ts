import type { AliasValue } from './inputs.js'

/** The input's value (undefined: the alias means "not given"), or why the value is unusable. */
export type Converted =
  { readonly value: string | undefined } | { readonly problem: string; readonly hint: string }

/**
 * Turns an alias's value, in the other tool's format, into a value of our input. Pure; the
 * value is as given (untrimmed).
 */
export function convertAliasValue(conversion: AliasValue, raw: string): Converted {
  switch (conversion.kind) {
    case 'same':
      return { value: raw }
    case 'globs': {
      const globs = splitGlobs(raw)
      // A YAML flow list of quoted strings: unambiguous whatever the globs start with
      // (`[`, `-`, `#` and `!` mean something at the start of a line of `assets`).
      return { value: globs.length === 0 ? undefined : JSON.stringify(globs) }
    }
    case 'boolean': {
      const text = raw.trim()
      if (text !== 'true' && text !== 'false') {
        return {
          problem: `${JSON.stringify(text)} is not a boolean.`,
          hint: 'Use exactly `true` or `false`.',
        }
      }
      return { value: conversion[text] }
    }
    case 'json-links':
      return convertJsonLinks(raw)
    case 'gitlab-server-url': {
      const root = raw.trim().replace(/\/+$/, '')
      return { value: root.endsWith('/api/v4') ? root : `${root}/api/v4` }
    }
  }
}

/**
 * Globs separated by new lines or by commas outside `{…}` (softprops/action-gh-release splits
 * the same way; ncipollo/release-action splits at every comma, which breaks a `{a,b}` glob
 * anyway, so no working glob of either is read differently).
 */
export function splitGlobs(text: string): string[] {
  const globs: string[] = []
  for (const line of text.split(/\r?\n/)) {
    let current = ''
    let depth = 0
    for (const char of line) {
      if (char === '{') depth++
      if (char === '}') depth = Math.max(0, depth - 1)
      if (char === ',' && depth === 0) {
        globs.push(current.trim())
        current = ''
      } else {
        current += char
      }
    }
    globs.push(current.trim())
  }
  return globs.filter((glob) => glob !== '')
}

const LINK_EXAMPLE = '{"name": "Docs", "url": "https://example.com/docs"}'

/**
 * release-cli's `--assets-link`: one JSON link or an array of them; the flag may be repeated,
 * which the command line joins with new lines. `filepath` is GitLab's deprecated name of
 * `direct_asset_path`.
 */
function convertJsonLinks(raw: string): Converted {
  const values = parseJsonValues(raw)
  if (values === undefined) {
    return {
      problem: `${JSON.stringify(raw.trim())} is not JSON.`,
      hint: `Give a JSON link like ${LINK_EXAMPLE}, or an array of them.`,
    }
  }
  const links = values.flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]))
  return {
    value: JSON.stringify(
      links.map((link) => {
        if (link === null || typeof link !== 'object' || Array.isArray(link)) return link
        const { filepath, ...rest } = link as Record<string, unknown>
        return filepath === undefined || 'direct_asset_path' in rest
          ? link
          : { ...rest, direct_asset_path: filepath }
      }),
    ),
  }
}

/** JSON values one after another (`{…}\n{…}`), or undefined when the text is not that. */
function parseJsonValues(text: string): unknown[] | undefined {
  const values: unknown[] = []
  let start = -1
  let depth = 0
  let inString = false
  let escaped = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? ''
    if (start < 0) {
      if (/\s/.test(char)) continue
      if (char !== '{' && char !== '[') return undefined
      start = i
    }
    if (inString) {
      if (escaped) escaped = false
      else if (char === '\\') escaped = true
      else if (char === '"') inString = false
    } else if (char === '"') {
      inString = true
    } else if (char === '{' || char === '[') {
      depth++
    } else if ((char === '}' || char === ']') && --depth === 0) {
      try {
        values.push(JSON.parse(text.slice(start, i + 1)) as unknown)
      } catch {
        return undefined
      }
      start = -1
    }
  }
  return start < 0 && values.length > 0 ? values : undefined
}
