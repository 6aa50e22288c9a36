import type { Stats } from 'node:fs'
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises'
import path from 'node:path'

import type { ReleaseError } from '../errors.js'
import { describeNonRegularFile } from './file-kind.js'
import { refuseLink, isWithin, type LinkBoundary, type SymlinkPolicy } from './follow-symlinks.js'
import type { GlobPattern } from './glob-pattern.js'
import {
  danglingLinkProblem,
  directoryProblem,
  linkLoopProblem,
  nonRegularFileProblem,
  refusedLinkProblem,
  showPath,
  unreadableProblem,
  unsearchedLinkWarning,
  type RefusedLink,
} from './search-problems.js'

/** A regular file a pattern matched. */
export interface FoundFile {
  /** As matched, links in it unresolved: the path messages name and the upload name comes from. */
  readonly path: string
  /** Where the file really is (no link left in it). */
  readonly realPath: string
}

export interface SearchContext {
  /** Where relative patterns start; paths below it are shown relative to it. */
  readonly cwd: string
  /** The workspace, as a real path: links into it may be followed under `inside`. */
  readonly workspace: string
  readonly policy: SymlinkPolicy
}

export interface SearchResult {
  readonly files: FoundFile[]
  readonly problems: ReleaseError[]
  readonly warnings: string[]
}

/** A path the walk reached, and the real directories above it (to stop at a link back up). */
interface Item {
  readonly path: string
  /** Its real path when its parent's real path gives it; undefined for the search's start. */
  readonly realPath: string | undefined
  readonly ancestors: readonly string[]
}

/** What an item turned out to be once links were resolved. */
type Entry =
  | { readonly kind: 'gone' }
  | { readonly kind: 'loop' }
  | { readonly kind: 'dangling'; readonly target: string }
  | { readonly kind: 'unreadable'; readonly error: unknown }
  | {
      readonly kind: 'found'
      readonly stats: Stats
      readonly realPath: string
      /** Set when the item is a link: where it leads. */
      readonly linkTarget?: string
    }

/** An item waiting to be looked at; the search's start comes already inspected. */
interface Pending {
  readonly item: Item
  readonly entry?: Entry
}

/** One pattern's search: its brace alternatives, the exclusions after it, where it may go. */
interface Search {
  /** The pattern as the user wrote it, for messages. */
  readonly display: string
  readonly includes: readonly GlobPattern[]
  readonly excludes: readonly GlobPattern[]
  readonly boundary: LinkBoundary
  readonly context: SearchContext
  readonly result: SearchResult
}

/**
 * Walks the file system for one `assets` pattern (its brace alternatives) and returns the
 * regular files it matches. Nothing it matches is dropped without a word: a directory matched by
 * a glob, a FIFO, a device, a /proc file, a link loop or a dangling link, and a link that the
 * `follow_symlinks` policy refuses are each a problem naming the file. Links in the part of the
 * pattern the user wrote out (its base directory, or a path without glob characters) are
 * followed as written.
 */
export async function searchPattern(
  display: string,
  alternatives: readonly GlobPattern[],
  exclusions: readonly GlobPattern[],
  context: SearchContext,
): Promise<SearchResult> {
  const result: SearchResult = { files: [], problems: [], warnings: [] }
  // As in @actions/glob, excluding a directory excludes everything below it.
  const excludes = exclusions.flatMap((e) => [e, e.descendants()])
  for (const pattern of alternatives) {
    const start: Item = { path: pattern.base, realPath: undefined, ancestors: [] }
    const base = await inspect(start)
    const includes =
      pattern.literal || pattern.directoriesOnly ? [pattern, pattern.descendants()] : [pattern]
    const boundary: LinkBoundary = {
      policy: context.policy,
      workspace: context.workspace,
      base: base.kind === 'found' ? base.realPath : pattern.base,
    }
    await walk(start, base, { display, includes, excludes, boundary, context, result })
  }
  return result
}

async function walk(start: Item, startEntry: Entry, search: Search): Promise<void> {
  const stack: Pending[] = [{ item: start, entry: startEntry }]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { item } = next
    const matchers = search.includes.filter((p) => p.matches(item.path))
    const below = search.includes.some((p) => p.mayMatchBelow(item.path))
    if (matchers.length === 0 && !below) continue
    const excluded = search.excludes.some((p) => p.matches(item.path))
    const entry = next.entry ?? (await inspect(item))
    const linkBelowBase = entry.kind === 'found' && entry.linkTarget !== undefined && item !== start
    if (
      linkBelowBase &&
      stopsAtLink(item, entry, { matched: matchers.length > 0, excluded }, search)
    ) {
      continue
    }
    if (entry.kind === 'found' && entry.stats.isDirectory()) {
      const full = !excluded && matchers.length > 0
      if (full && !matchers.some(acceptsDirectories)) {
        search.result.problems.push(directoryProblem(shown(item, search), search.display))
        continue
      }
      stack.push(...(await children(item, entry.realPath, search)))
      continue
    }
    // Anything but a directory is a result or nothing: a pattern for directories skips it.
    const full = !excluded && matchers.some((p) => !p.directoriesOnly)
    if (full) reportMatch(item, entry, search)
  }
}

/** Whether a directory this pattern matches is on its way to files rather than a result. */
function acceptsDirectories(pattern: GlobPattern): boolean {
  return pattern.literal || pattern.directoriesOnly || pattern.walksDirectories
}

/**
 * Checks a link met below the pattern's base against the policy. Returns true when the walk
 * must not follow it, after saying so: an error when the pattern matches the link itself, a
 * warning when it is a directory the pattern would only have searched, nothing when a `!` line
 * leaves it out anyway. A matched link to something that is no file at all is left to
 * reportMatch, whose error names what it is.
 */
function stopsAtLink(
  item: Item,
  entry: Extract<Entry, { kind: 'found' }>,
  how: { readonly matched: boolean; readonly excluded: boolean },
  search: Search,
): boolean {
  const reason = refuseLink(entry.realPath, search.boundary)
  if (reason === undefined) return false
  if (how.excluded) return true
  // A device, FIFO or /proc file is never an asset: saying so beats suggesting
  // follow_symlinks: always, which would only lead to that error.
  const special = entry.stats.isDirectory()
    ? undefined
    : describeNonRegularFile(entry.stats, entry.realPath)
  if (how.matched && special !== undefined) return false
  const { workspace, base } = search.boundary
  const link: RefusedLink = {
    shown: shown(item, search),
    target: entry.realPath,
    reason,
    workspace,
    ...(isWithin(base, workspace) ? {} : { outsideBase: showPath(base, search.context.cwd) }),
  }
  if (how.matched) search.result.problems.push(refusedLinkProblem(link))
  else if (entry.stats.isDirectory()) {
    search.result.warnings.push(unsearchedLinkWarning(link, search.display))
  }
  return true
}

/** A full match that is not a directory: a regular file is a result, anything else a problem. */
function reportMatch(item: Item, entry: Entry, search: Search): void {
  const { problems, files } = search.result
  const name = shown(item, search)
  switch (entry.kind) {
    case 'gone':
      return
    case 'loop':
      problems.push(linkLoopProblem(name))
      return
    case 'dangling':
      problems.push(danglingLinkProblem(name, entry.target))
      return
    case 'unreadable':
      problems.push(unreadableProblem(name, entry.error))
      return
    case 'found': {
      const what = describeNonRegularFile(entry.stats, entry.realPath)
      if (what === undefined) files.push({ path: item.path, realPath: entry.realPath })
      else problems.push(nonRegularFileProblem(name, what, entry.linkTarget))
    }
  }
}

async function children(item: Item, realPath: string, search: Search): Promise<Pending[]> {
  // A link back to a directory above: everything below it is searched from there already.
  if (item.ancestors.includes(realPath)) return []
  let names: string[]
  try {
    names = await readdir(realPath)
  } catch (error) {
    search.result.problems.push(unreadableProblem(shown(item, search), error))
    return []
  }
  const ancestors = [...item.ancestors, realPath]
  // Reversed, so that the stack pops them in directory order.
  return names
    .sort()
    .reverse()
    .map((name) => ({
      item: {
        path: path.join(item.path, name),
        realPath: path.join(realPath, name),
        ancestors,
      },
    }))
}

function shown(item: Item, search: Search): string {
  return showPath(item.path, search.context.cwd)
}

/** lstat, then for a link: where it leads, or why it leads nowhere. */
async function inspect(item: Item): Promise<Entry> {
  let own: Stats
  try {
    own = await lstat(item.path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { kind: 'gone' }
      : { kind: 'unreadable', error }
  }
  try {
    if (!own.isSymbolicLink()) {
      // The search's start may sit below links (a linked workspace, /tmp on macOS).
      const realPath = item.realPath ?? (await realpath(item.path))
      return { kind: 'found', stats: own, realPath }
    }
    const realPath = await realpath(item.path)
    return { kind: 'found', stats: await stat(realPath), realPath, linkTarget: realPath }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') return { kind: 'loop' }
    if (code === 'ENOENT') {
      const target = await readlink(item.path).catch(() => undefined)
      return target === undefined ? { kind: 'gone' } : { kind: 'dangling', target }
    }
    return { kind: 'unreadable', error }
  }
}
