import { lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs'
import path from 'node:path'

import type { ReleaseError } from '../errors.js'
import { describeNonRegularFile } from './file-kind.js'
import { refuseLink, isWithin, type LinkBoundary, type SymlinkPolicy } from './follow-symlinks.js'
import {
  escapeGlob,
  exclusionLines,
  globPaths,
  hasTrailingSeparator,
  isExcluded,
  joinPattern,
  matchesPath,
  searchPathOf,
  splitPattern,
  trimTrailingSeparator,
} from './glob-engine.js'
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

/** One brace alternative of an `assets` line, as @actions/glob is asked to search it. */
export interface PatternShape {
  /**
   * @actions/glob's search path: the literal directories before the first glob segment, or the
   * whole path when there is none. The user wrote it out, so a link there is followed as written.
   */
  readonly base: string
  /** The include lines: the pattern, and for a named directory the files below it. */
  readonly lines: readonly string[]
  /** A directory it matches is on its way to files (a named directory, a `**`), not an error. */
  readonly acceptsDirectories: boolean
}

/**
 * How one absolute pattern is searched. A path without glob characters, or a pattern ending with
 * a separator, names directories and so stands for every file below them (@actions/glob's
 * implicit descendants, asked for here only where they apply, so `dist/*` meeting a directory is
 * an error and not its whole tree). Throws when @actions/glob refuses the pattern.
 */
export async function describePattern(pattern: string): Promise<PatternShape> {
  const trailing = hasTrailingSeparator(pattern)
  const trimmed = trimTrailingSeparator(pattern)
  const base = await searchPathOf(trimmed)
  const { segments } = splitPattern(trimmed)
  const literal = segments.length === splitPattern(base).segments.length
  // `dir/**` would also match a file `dir` (the globstar matches the directory it starts from,
  // written with a trailing separator), so the files below a directory are `dir/*` and deeper.
  const lines = trailing
    ? [`${trimmed}${path.sep}*`, `${trimmed}${path.sep}*${path.sep}**`]
    : literal
      ? [trimmed, `${trimmed}${path.sep}**`]
      : [trimmed]
  return { base, lines, acceptsDirectories: trailing || literal || segments.includes('**') }
}

/** Checks an exclusion the way @actions/glob will read it; throws when it refuses it. */
export async function checkExclusion(pattern: string): Promise<void> {
  await searchPathOf(trimTrailingSeparator(pattern))
}

/** One pattern's search: the alternative, the exclusions after it, where links may lead. */
interface Search {
  /** The pattern as the user wrote it, for messages. */
  readonly display: string
  readonly shape: PatternShape
  /** `!` lines after the pattern, absolute, without their `!`. */
  readonly exclusions: readonly string[]
  readonly boundary: LinkBoundary
  readonly context: SearchContext
  readonly result: SearchResult
}

/**
 * A tree @actions/glob walks: the pattern's own (`mapped` undefined), or a linked directory the
 * policy lets a pattern into. @actions/glob walks that through the link's real path; what it
 * finds is named through the link, as the pattern would have met it.
 */
interface Tree {
  /** Include lines, written from `start`. */
  readonly lines: readonly string[]
  /** Where the lines' literal part ends: the pattern's base, or the real linked directory. */
  readonly start: string
  readonly mapped?: { readonly real: string; readonly shown: string }
  /**
   * The real directories holding each link that led here, outermost first: a link to one of them,
   * or to a directory above one, leads back and is not followed (stops link cycles).
   */
  readonly chain: readonly string[]
}

/** A path a search met: as the user would name it, and the path @actions/glob gave. */
interface Item {
  readonly shown: string
  readonly walked: string
}

/**
 * Links nested deeper than this (a link inside a linked directory inside …) are not followed:
 * the kernel's own limit on links in one path (MAXSYMLINKS).
 */
const MAX_LINKED_TREES = 40

/**
 * Searches one `assets` pattern (its brace alternatives) and returns the regular files it
 * matches. Nothing it matches is dropped without a word: a directory a glob matches, a FIFO, a
 * device, a /proc file, a link loop, a dangling link, and a link the `follow_symlinks` policy
 * refuses are each a problem naming the file; a linked directory the pattern would only have
 * searched, but may not, is a warning. Links in the part of the pattern the user wrote out are
 * followed as written.
 */
export async function searchPattern(
  display: string,
  alternatives: readonly PatternShape[],
  exclusions: readonly string[],
  context: SearchContext,
): Promise<SearchResult> {
  const result: SearchResult = { files: [], problems: [], warnings: [] }
  for (const shape of alternatives) {
    const realBase = realpathOr(shape.base, shape.base)
    const boundary: LinkBoundary = {
      policy: context.policy,
      workspace: context.workspace,
      base: realBase,
    }
    const search: Search = { display, shape, exclusions, boundary, context, result }
    await searchTree({ lines: shape.lines, start: shape.base, chain: [] }, search)
  }
  return result
}

async function searchTree(tree: Tree, search: Search): Promise<void> {
  const matched = await notExcluded(await walk(tree.lines, tree, search, true), tree, search)
  const seen = new Set(matched.map((item) => item.walked))
  for (const item of matched) await reportMatch(item, tree, search)

  // @actions/glob does not say which links it stopped at on its way: they are what the
  // pattern's leading segments match (`dist/*` of `dist/*/app.bin`), asked for separately.
  const prefixes = tree.lines.flatMap((line) => leadingPatterns(line, tree.start))
  if (prefixes.length > 0) {
    const links: Item[] = []
    for (const item of await walk(prefixes, tree, search, false)) {
      if (seen.has(item.walked)) continue
      if (lstatOrUndefined(item.walked)?.isSymbolicLink()) links.push(item)
    }
    for (const item of await notExcluded(links, tree, search)) {
      await followLink(item, { matched: false }, tree, search)
    }
  }

  // The pattern's base may itself be a link to a directory; what the user wrote out is followed.
  if (tree.mapped === undefined && !seen.has(search.shape.base)) {
    const base = search.shape.base
    if (lstatOrUndefined(base)?.isSymbolicLink()) {
      await followLink({ shown: base, walked: base }, { matched: false }, tree, search)
    }
  }
}

/**
 * Runs @actions/glob over one tree and names what it found through the tree's link. In the
 * pattern's own tree the `!` lines go to @actions/glob; in a linked tree see notExcluded.
 */
async function walk(
  lines: readonly string[],
  tree: Tree,
  search: Search,
  matchDirectories: boolean,
): Promise<Item[]> {
  const native = tree.mapped === undefined ? exclusionLines(search.exclusions) : []
  let found: string[]
  try {
    found = await globPaths([...lines, ...native], { matchDirectories })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // A file where the pattern needs a directory: nothing below it to match.
    if (code === 'ENOTDIR' || code === 'ENOENT') return []
    const failed = (error as NodeJS.ErrnoException).path
    const where = failed === undefined ? search.display : shownPath(failed, tree, search)
    search.result.problems.push(unreadableProblem(where ?? search.display, error))
    return []
  }
  const items: Item[] = []
  for (const walked of found) {
    const shown = toShown(walked, tree)
    if (shown !== undefined) items.push({ shown, walked })
  }
  return items
}

/**
 * In a linked tree @actions/glob walks real paths, which the `!` lines (written for the paths
 * the user sees) do not name: each path is checked as the user would name it.
 */
async function notExcluded(items: readonly Item[], tree: Tree, search: Search): Promise<Item[]> {
  if (tree.mapped === undefined) return [...items]
  const kept: Item[] = []
  for (const item of items) {
    if (!(await isExcluded(search.exclusions, item.shown))) kept.push(item)
  }
  return kept
}

/** What a matched path is: a file is a result, anything else a problem or nothing. */
async function reportMatch(item: Item, tree: Tree, search: Search): Promise<void> {
  const stats = lstatOrUndefined(item.walked)
  if (stats === undefined) return
  if (stats.isSymbolicLink()) {
    await followLink(item, { matched: true }, tree, search)
    return
  }
  if (stats.isDirectory()) {
    // A `**` or a named directory walks it; @actions/glob does that already.
    if (!search.shape.acceptsDirectories) {
      search.result.problems.push(directoryProblem(shown(item, search), search.display))
    }
    return
  }
  let realPath: string
  try {
    realPath = realpathSync.native(item.walked)
  } catch (error) {
    search.result.problems.push(unreadableProblem(shown(item, search), error))
    return
  }
  addFile(item, stats, realPath, undefined, search)
}

/**
 * A link the search met: matched by the pattern, or on the pattern's way to its files. The
 * pattern's written-out base is followed whatever the policy; any other link only where
 * `follow_symlinks` allows, its refusal said as an error when the pattern matches the link and as
 * a warning when it would only have searched the directory behind it.
 */
async function followLink(
  item: Item,
  how: { readonly matched: boolean },
  tree: Tree,
  search: Search,
): Promise<void> {
  const { problems, warnings } = search.result
  let target: string
  let stats: Stats
  try {
    target = realpathSync.native(item.walked)
    stats = statSync(target)
  } catch (error) {
    if (!how.matched) return
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') problems.push(linkLoopProblem(shown(item, search)))
    else if (code === 'ENOENT') {
      const pointsTo = readlinkOrUndefined(item.walked)
      if (pointsTo !== undefined) problems.push(danglingLinkProblem(shown(item, search), pointsTo))
    } else problems.push(unreadableProblem(shown(item, search), error))
    return
  }

  const writtenOut = tree.mapped === undefined && item.walked === search.shape.base
  const reason = writtenOut ? undefined : refuseLink(target, search.boundary)
  if (reason !== undefined) {
    // A device, FIFO or /proc file is never an asset: saying so beats suggesting
    // follow_symlinks: always, which would only lead to that error.
    const special = stats.isDirectory() ? undefined : describeNonRegularFile(stats, target)
    if (!how.matched || special === undefined) {
      const link = refusedLink(item, target, reason, search)
      if (how.matched) problems.push(refusedLinkProblem(link))
      else if (stats.isDirectory()) warnings.push(unsearchedLinkWarning(link, search.display))
      return
    }
  }

  if (stats.isDirectory()) {
    if (how.matched && !search.shape.acceptsDirectories) {
      problems.push(directoryProblem(shown(item, search), search.display))
      return
    }
    await searchLinkedTree(item, target, tree, search)
  } else if (how.matched) {
    addFile(item, stats, target, target, search)
  }
}

function addFile(
  item: Item,
  stats: Stats,
  realPath: string,
  linkTarget: string | undefined,
  search: Search,
): void {
  const what = describeNonRegularFile(stats, realPath)
  if (what === undefined) search.result.files.push({ path: item.shown, realPath })
  else search.result.problems.push(nonRegularFileProblem(shown(item, search), what, linkTarget))
}

/**
 * Searches the directory behind a link the pattern may follow, with what is left of the pattern
 * once the link has matched its leading segments, and @actions/glob rooted at the directory's
 * real path.
 */
async function searchLinkedTree(
  item: Item,
  target: string,
  tree: Tree,
  search: Search,
): Promise<void> {
  // A link to a directory the search is inside (above the link, or above a link it came
  // through) leads back to itself: what lies there is found, or left out, without it.
  const realParent = realpathOr(path.dirname(item.walked), undefined)
  if (
    realParent === undefined ||
    [...tree.chain, realParent].some((dir) => isWithin(dir, target))
  ) {
    return
  }
  if (tree.chain.length >= MAX_LINKED_TREES) {
    search.result.warnings.push(
      `${shown(item, search)} is not searched: it is ${MAX_LINKED_TREES} linked directories deep.`,
    )
    return
  }
  const rests = await remainders(item.walked, tree)
  if (rests.length === 0) return
  await searchTree(
    {
      lines: rests.map((rest) => `${escapeGlob(target)}${path.sep}${rest}`),
      start: target,
      mapped: { real: target, shown: item.shown },
      chain: [...tree.chain, realParent],
    },
    search,
  )
}

/**
 * What each include line still has to match below `linkPath` (a path @actions/glob gave):
 * for every way its leading segments match the link, the segments after them. A `**` that
 * matched the link goes on matching below it.
 */
async function remainders(linkPath: string, tree: Tree): Promise<string[]> {
  const rests = new Set<string>()
  const depth = splitPattern(linkPath).segments.length
  const from = splitPattern(tree.start).segments.length
  for (const line of tree.lines) {
    const { root, segments } = splitPattern(line)
    if (linkPath === tree.start) {
      if (segments.length > from) rests.add(segments.slice(from).join(path.sep))
      continue
    }
    for (let end = from + 1; end <= segments.length; end++) {
      const leading = segments.slice(0, end)
      // Without a `**`, leading segments match only a path of as many segments.
      if (!leading.includes('**') && end !== depth) continue
      if (!(await matchesPath(joinPattern(root, leading), linkPath))) continue
      const rest = segments[end - 1] === '**' ? segments.slice(end - 1) : segments.slice(end)
      if (rest.length > 0) rests.add(rest.join(path.sep))
    }
  }
  return [...rests]
}

/** The patterns of a line's leading glob segments: `a/*` and `a/*\/b` for `a/*\/b/*.zip`. */
function leadingPatterns(line: string, start: string): string[] {
  const { root, segments } = splitPattern(line)
  const from = splitPattern(start).segments.length
  const patterns: string[] = []
  for (let end = from + 1; end < segments.length; end++) {
    patterns.push(joinPattern(root, segments.slice(0, end)))
  }
  return patterns
}

function refusedLink(
  item: Item,
  target: string,
  reason: 'never' | 'outside',
  search: Search,
): RefusedLink {
  const { workspace, base } = search.boundary
  return {
    shown: shown(item, search),
    target,
    reason,
    workspace,
    ...(isWithin(base, workspace) ? {} : { outsideBase: showPath(base, search.context.cwd) }),
  }
}

/** A path @actions/glob gave, named as the user would meet it; undefined when out of the tree. */
function toShown(walked: string, tree: Tree): string | undefined {
  if (tree.mapped === undefined) return walked
  const { real, shown } = tree.mapped
  if (!isWithin(walked, real)) return undefined
  return path.join(shown, path.relative(real, walked))
}

function shownPath(walked: string, tree: Tree, search: Search): string | undefined {
  const named = toShown(walked, tree)
  return named === undefined ? undefined : showPath(named, search.context.cwd)
}

function shown(item: Item, search: Search): string {
  return showPath(item.shown, search.context.cwd)
}

// Discovery's file-system questions are answered with synchronous calls: nothing else runs
// before the plan is made, and a thousand files asked through the thread pool one await at a
// time took a second of round trips.
function lstatOrUndefined(itemPath: string): Stats | undefined {
  try {
    return lstatSync(itemPath)
  } catch {
    return undefined
  }
}

function realpathOr<T>(itemPath: string, fallback: T): string | T {
  try {
    return realpathSync.native(itemPath)
  } catch {
    return fallback
  }
}

function readlinkOrUndefined(itemPath: string): string | undefined {
  try {
    return readlinkSync(itemPath)
  } catch {
    return undefined
  }
}
