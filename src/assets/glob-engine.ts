import os from 'node:os'
import path from 'node:path'

import * as glob from '@actions/glob'

/**
 * @actions/glob is the glob engine: it walks the file system and matches every path, so patterns
 * keep its documented syntax (`*` matches dotfiles, no extglobs, a `!` line excludes). It is asked
 * never to follow a link: a link is returned as itself (dangling or looping ones too), which is
 * what lets discovery judge every link a pattern meets (search-pattern.ts). It never descends
 * into a linked directory either; discovery does that where the link policy allows.
 */
const NEVER_FOLLOW = {
  followSymbolicLinks: false,
  implicitDescendants: false,
  omitBrokenSymbolicLinks: false,
} as const

const IS_WINDOWS = process.platform === 'win32'

/**
 * The paths the pattern lines (newline-joined by @actions/glob, `!` lines exclude) match,
 * links unresolved. `matchDirectories: false` leaves out the directories matched.
 */
export async function globPaths(
  lines: readonly string[],
  options: { readonly matchDirectories: boolean },
): Promise<string[]> {
  const globber = await glob.create(lines.join('\n'), { ...NEVER_FOLLOW, ...options })
  return globber.glob()
}

/**
 * Where @actions/glob starts searching for `pattern`: its literal directories before the first
 * glob segment (the whole path for a pattern without glob characters). Throws when @actions/glob
 * refuses the pattern (a `..` segment, a glob in the root).
 */
export async function searchPathOf(pattern: string): Promise<string> {
  const globber = await glob.create(pattern, NEVER_FOLLOW)
  return globber.getSearchPaths()[0] ?? pattern
}

/**
 * Whether `pattern` matches `itemPath`, an existing path, as @actions/glob matches it: the path
 * is searched on its own, with the pattern as an exclusion, and is returned unless it matches.
 */
export async function matchesPath(pattern: string, itemPath: string): Promise<boolean> {
  return !(await keptBy([`!${pattern}`], itemPath))
}

/**
 * Whether one of the `!` lines of `assets` (patterns without their `!`) leaves out `itemPath`,
 * an existing path, or a directory above it.
 */
export async function isExcluded(
  exclusions: readonly string[],
  itemPath: string,
): Promise<boolean> {
  if (exclusions.length === 0) return false
  return !(await keptBy(exclusionLines(exclusions), itemPath))
}

/** An exclusion leaves out what it matches and, as in @actions/glob, everything below it. */
export function exclusionLines(exclusions: readonly string[]): string[] {
  return exclusions.flatMap((e) => [`!${e}`, `!${trimTrailingSeparator(e)}${path.sep}**`])
}

async function keptBy(negations: readonly string[], itemPath: string): Promise<boolean> {
  // A path is one line of the pattern list: a line break in it cannot be asked about.
  if (/[\r\n]/.test(itemPath)) return false
  const found = await globPaths([escapeGlob(itemPath), ...negations], { matchDirectories: true })
  return found.includes(itemPath)
}

/** Escapes glob characters of a literal path for use in a pattern (@actions/glob's rules). */
export function escapeGlob(literal: string): string {
  // On Windows `\` is a separator, never an escape.
  return (IS_WINDOWS ? literal : literal.replace(/\\/g, '\\\\'))
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]')
}

/** `~` at the start stands for the home directory, as in @actions/glob. */
export function expandHome(pattern: string): string {
  if (pattern !== '~' && !pattern.startsWith('~/') && !pattern.startsWith(`~${path.sep}`)) {
    return pattern
  }
  return `${escapeGlob(os.homedir())}${pattern.slice(1)}`
}

/** An absolute pattern's root and its segments (separators collapsed). */
export function splitPattern(pattern: string): { root: string; segments: string[] } {
  const { root } = path.parse(pattern)
  const segments = pattern
    .slice(root.length)
    .split(IS_WINDOWS ? /[\\/]+/ : /\/+/)
    .filter((s) => s !== '')
  return { root, segments }
}

export function joinPattern(root: string, segments: readonly string[]): string {
  return `${root}${segments.join(path.sep)}`
}

export function hasTrailingSeparator(pattern: string): boolean {
  return /[\\/]$/.test(pattern) && !isRoot(pattern)
}

export function trimTrailingSeparator(pattern: string): string {
  let trimmed = pattern
  while (hasTrailingSeparator(trimmed)) trimmed = trimmed.slice(0, -1)
  return trimmed
}

function isRoot(itemPath: string): boolean {
  return path.dirname(itemPath) === itemPath
}
