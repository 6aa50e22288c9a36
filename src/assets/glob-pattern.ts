import os from 'node:os'
import path from 'node:path'

import { Minimatch } from 'minimatch'

const IS_WINDOWS = process.platform === 'win32'

/**
 * The options @actions/glob gives minimatch, so that patterns keep the syntax the README has
 * always documented: `*` matches dotfiles, no extglobs, braces are expanded before (see
 * expand-braces.ts), case-insensitive only on Windows.
 */
const MINIMATCH_OPTIONS = {
  dot: true,
  nobrace: true,
  nocase: IS_WINDOWS,
  nocomment: true,
  noext: true,
  nonegate: true,
} as const

/**
 * One glob, matched the way @actions/glob matches it. Discovery walks the file system itself
 * (see search-pattern.ts) because it has to see every symbolic link, special file and directory
 * a pattern meets, which @actions/glob skips or follows without saying.
 */
export class GlobPattern {
  /**
   * The literal directories before the first glob segment: where the search starts, and a path
   * the user wrote out, so links in it are followed as written.
   */
  readonly base: string
  /** No glob character at all: the user named this one path. */
  readonly literal: boolean
  /** Has a `**` segment: the directories it matches are on its way down, not results. */
  readonly walksDirectories: boolean
  /** Ends with a separator, which asks for directories (and so everything below them). */
  readonly directoriesOnly: boolean
  private readonly minimatch: Minimatch
  private readonly endsWithGlobstar: boolean
  private readonly trimmed: string

  /**
   * @param source an absolute pattern (relative ones are rooted by the caller, with the working
   *   directory escaped); `~` stands for the home directory, as in @actions/glob.
   * @param descendantsOnly the pattern stands for what lies below a matched directory, not for
   *   the directory itself.
   */
  constructor(
    source: string,
    private readonly descendantsOnly = false,
  ) {
    const expanded = expandHome(source)
    this.directoriesOnly = /[\\/]$/.test(expanded) && !isRoot(expanded)
    this.trimmed = trimTrailingSeparator(expanded)
    const { root, segments } = splitSegments(this.trimmed)
    const literals = segments.map(literalOf)
    const firstGlob = literals.indexOf(undefined)
    const prefix = (firstGlob < 0 ? literals : literals.slice(0, firstGlob)) as string[]
    this.base = path.join(root, ...prefix)
    this.literal = firstGlob < 0
    this.walksDirectories = segments.includes('**')
    this.endsWithGlobstar = segments[segments.length - 1] === '**'
    this.minimatch = new Minimatch(toSlashes(this.trimmed), MINIMATCH_OPTIONS)
  }

  /** Whether `itemPath` (absolute) is matched by the pattern. */
  matches(itemPath: string): boolean {
    let candidate = trimTrailingSeparator(itemPath)
    // minimatch does not match `/a/**` against `/a`; @actions/glob appends a separator so that
    // the directory a globstar starts from matches too.
    if (this.endsWithGlobstar && !this.descendantsOnly) candidate = `${candidate}${path.sep}`
    return this.minimatch.match(toSlashes(candidate))
  }

  /** Whether something below `itemPath` (a directory) could be matched. */
  mayMatchBelow(itemPath: string): boolean {
    const candidate = toSlashes(trimTrailingSeparator(itemPath))
    const first = this.minimatch.set[0]
    if (first === undefined) return false
    if (isRoot(itemPath)) return true
    return this.minimatch.matchOne(candidate.split('/'), first, true)
  }

  /** Everything below what this pattern matches: a named directory stands for its whole tree. */
  descendants(): GlobPattern {
    return new GlobPattern(`${this.trimmed}${path.sep}**`, true)
  }
}

/** Escapes glob characters of a literal path (the working directory) for use in a pattern. */
export function escapeGlob(literal: string): string {
  // On Windows `\` is a separator, never an escape.
  return (IS_WINDOWS ? literal : literal.replace(/\\/g, '\\\\'))
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]')
}

function expandHome(pattern: string): string {
  if (pattern !== '~' && !pattern.startsWith('~/') && !pattern.startsWith(`~${path.sep}`)) {
    return pattern
  }
  return `${escapeGlob(os.homedir())}${pattern.slice(1)}`
}

function isRoot(itemPath: string): boolean {
  return path.dirname(itemPath) === itemPath
}

function trimTrailingSeparator(itemPath: string): string {
  let trimmed = itemPath
  while (/[\\/]$/.test(trimmed) && !isRoot(trimmed)) trimmed = trimmed.slice(0, -1)
  return trimmed
}

function toSlashes(itemPath: string): string {
  return IS_WINDOWS ? itemPath.replace(/\\/g, '/') : itemPath
}

function splitSegments(pattern: string): { root: string; segments: string[] } {
  const { root } = path.parse(pattern)
  const rest = pattern.slice(root.length)
  const segments = rest.split(IS_WINDOWS ? /[\\/]+/ : /\/+/).filter((s) => s !== '')
  return { root, segments }
}

/**
 * The path segment a pattern segment stands for, or undefined when it is a glob. As in
 * @actions/glob: `\x` escapes (not on Windows), and a one-character set `[x]` is the literal x.
 */
function literalOf(segment: string): string | undefined {
  let literal = ''
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] ?? ''
    if (c === '\\' && !IS_WINDOWS && i + 1 < segment.length) {
      literal += segment[++i] ?? ''
    } else if (c === '*' || c === '?') {
      return undefined
    } else if (c === '[' && i + 1 < segment.length) {
      const set = readCharacterSet(segment, i + 1)
      if (set === undefined) {
        literal += c
      } else if (set.chars.length > 1) {
        return undefined
      } else {
        literal += set.chars
        i = set.close
      }
    } else {
      literal += c
    }
  }
  return literal
}

/** The characters of a `[…]` set starting at `from`, or undefined when it is never closed. */
function readCharacterSet(
  segment: string,
  from: number,
): { chars: string; close: number } | undefined {
  let chars = ''
  for (let i = from; i < segment.length; i++) {
    const c = segment[i] ?? ''
    if (c === '\\' && !IS_WINDOWS && i + 1 < segment.length) {
      chars += segment[++i] ?? ''
    } else if (c === ']') {
      // An empty set `[]` is no set: @actions/glob keeps the bracket as a literal character.
      return chars === '' ? undefined : { chars, close: i }
    } else {
      chars += c
    }
  }
  return undefined
}
