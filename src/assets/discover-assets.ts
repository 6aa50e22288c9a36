import { realpath } from 'node:fs/promises'
import path from 'node:path'

import type { ReleaseError } from '../errors.js'
import type { AssetPattern, LinkType } from '../plan/domain.js'
import { checkAssetName, checkDirectAssetPath, defaultDirectAssetPath } from './asset-name.js'
import type { AssetRules } from './asset-rules.js'
import { detectContentType } from './content-type.js'
import { expandBraces } from './expand-braces.js'
import { identityOf, statOpenedFile, type FileIdentity } from './file-identity.js'
import type { SymlinkPolicy } from './follow-symlinks.js'
import { escapeGlob, expandHome } from './glob-engine.js'
import type { LocalFile } from './local-file.js'
import {
  assetProblem,
  nonRegularFileProblem,
  showPath,
  unreadableProblem,
} from './search-problems.js'
import {
  checkExclusion,
  describePattern,
  searchPattern,
  type FoundFile,
  type PatternShape,
  type SearchContext,
} from './search-pattern.js'

export interface DiscoverOptions {
  /** Directory relative patterns are resolved against. */
  readonly cwd: string
  /**
   * The workspace (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`, else the working directory): links a
   * glob meets may lead into it under `follow_symlinks: inside`. Default: `cwd`.
   */
  readonly workspace?: string
  /** Which symbolic links globs follow; default `inside`. */
  readonly followSymlinks?: SymlinkPolicy
  /** A pattern that matches nothing is a problem (true) or a warning (false). */
  readonly failOnUnmatched: boolean
  /** When given, names and sizes are checked against that forge's rules. */
  readonly rules?: AssetRules
  /** `link_type` of files whose pattern does not set one. */
  readonly defaultLinkType?: LinkType
}

export interface Discovery {
  /** Sorted by name (byte order). */
  readonly files: LocalFile[]
  readonly problems: ReleaseError[]
  readonly warnings: string[]
}

interface Claim extends FoundFile {
  readonly name: string
  readonly explicitName: boolean
  readonly linkType: LinkType
  readonly directAssetPath?: string
}

/**
 * Finds the files the `assets` patterns name. Patterns follow @actions/glob (`*`, `?`, `[…]`,
 * `**`, a directory named without glob characters means every file below it) plus brace
 * expansion; a pattern starting with `!` excludes matches of the patterns before it. Only
 * regular files are assets: a directory a glob matches, a special file, a link loop, a dangling
 * link, or a link `follow_symlinks` does not follow is a problem naming it (search-pattern.ts).
 * A file matched by several patterns is uploaded once, except that every pattern giving it an
 * explicit `name` uploads it under that name.
 */
export async function discoverAssets(
  patterns: readonly AssetPattern[],
  options: DiscoverOptions,
): Promise<Discovery> {
  const cwd = path.resolve(options.cwd)
  const context: SearchContext = {
    cwd,
    workspace: await realDirectory(path.resolve(cwd, options.workspace ?? cwd)),
    policy: options.followSymlinks ?? 'inside',
  }
  const problems: ReleaseError[] = []
  const warnings: string[] = []
  const claims: Claim[] = []

  for (const [index, entry] of patterns.entries()) {
    const { negated, body } = splitNegation(entry.pattern)
    if (negated || body === '' || body.startsWith('#')) continue
    const exclusions = patterns
      .slice(index + 1)
      .map((later) => splitNegation(later.pattern))
      .filter((later) => later.negated && later.body !== '')
      .map((later) => later.body)

    const found = await findFiles(entry.pattern, body, exclusions, context)
    problems.push(...found.problems)
    warnings.push(...found.warnings)
    const matches = found.files
    if (matches.length === 0) {
      // A pattern whose every match was a problem has been reported already.
      if (found.problems.length > 0) continue
      const excluded = exclusions.length > 0 ? ' (after exclusions)' : ''
      const message = `Pattern ${quote(entry.pattern)} matches no file in ${cwd}${excluded}.`
      if (options.failOnUnmatched) {
        problems.push(
          assetProblem(
            'ASSET_NOT_FOUND',
            message,
            'Check that the files are built before this step and that the path is relative to the working directory, or set fail_on_unmatched_assets: false.',
          ),
        )
      } else {
        warnings.push(message)
      }
      continue
    }

    if (matches.length > 1 && (entry.name !== undefined || entry.directAssetPath !== undefined)) {
      const field = entry.name !== undefined ? 'name' : 'direct_asset_path'
      problems.push(
        assetProblem(
          'ASSET_INVALID',
          `Pattern ${quote(entry.pattern)} sets ${field} but matches ${matches.length} files: ${listPaths(
            matches.map((m) => m.path),
            cwd,
          )}.`,
          `Narrow the pattern to one file, or drop ${field}.`,
        ),
      )
      continue
    }

    for (const match of matches) {
      claims.push({
        ...match,
        name: entry.name ?? path.basename(match.path),
        explicitName: entry.name !== undefined,
        linkType: entry.linkType ?? options.defaultLinkType ?? 'other',
        ...(entry.directAssetPath === undefined ? {} : { directAssetPath: entry.directAssetPath }),
      })
    }
  }

  const chosen = chooseClaims(claims)
  const files: LocalFile[] = []
  for (const claim of chosen) {
    const file = describeFile(claim, options, cwd, problems, warnings)
    if (file !== undefined) files.push(file)
  }
  reportDuplicates(files, cwd, options.rules?.linkPaths === true, problems)
  files.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
  return { files, problems, warnings }
}

/** @actions/glob semantics: an odd number of leading `!` makes an exclusion. */
function splitNegation(pattern: string): { negated: boolean; body: string } {
  let body = pattern.trim()
  let negated = false
  while (body.startsWith('!')) {
    negated = !negated
    body = body.slice(1).trim()
  }
  return { negated, body }
}

/** The regular files one pattern matches, sorted, each once; or why it cannot be searched. */
async function findFiles(
  display: string,
  include: string,
  exclusions: readonly string[],
  context: SearchContext,
): Promise<{ files: FoundFile[]; problems: ReleaseError[]; warnings: string[] }> {
  const alternatives: PatternShape[] = []
  const excludes: string[] = []
  try {
    for (const pattern of expandBraces(include)) {
      alternatives.push(await describePattern(rootPattern(pattern, context.cwd)))
    }
    for (const pattern of exclusions.flatMap((e) => expandBraces(e))) {
      const rooted = rootPattern(pattern, context.cwd)
      await checkExclusion(rooted)
      excludes.push(rooted)
    }
  } catch (error) {
    const problem = assetProblem(
      'ASSET_INVALID',
      `Pattern ${quote(display)} cannot be searched: ${messageOf(error)}`,
      'Fix the pattern (see the @actions/glob pattern syntax).',
      error,
    )
    return { files: [], problems: [problem], warnings: [] }
  }
  const found = await searchPattern(display, alternatives, excludes, context)
  const unique = new Map(found.files.map((file) => [file.path, file]))
  const files = [...unique.values()].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  )
  return { files, problems: found.problems, warnings: found.warnings }
}

// @actions/glob resolves relative patterns against process.cwd(); assets are relative to the
// workspace, so patterns are made absolute first (with the workspace path escaped, since a
// directory name may contain glob characters).
function rootPattern(pattern: string, cwd: string): string {
  const expanded = expandHome(pattern)
  if (expanded !== pattern) return expanded
  return path.isAbsolute(pattern) ? path.normalize(pattern) : path.join(escapeGlob(cwd), pattern)
}

/** The real path of a directory, or the path itself when it cannot be resolved. */
async function realDirectory(directory: string): Promise<string> {
  try {
    return await realpath(directory)
  } catch {
    return directory
  }
}

/** One upload per (file, name); an explicit name replaces the file's implicit basename upload. */
function chooseClaims(claims: readonly Claim[]): Claim[] {
  const named = new Set(claims.filter((c) => c.explicitName).map((c) => c.path))
  const seen = new Set<string>()
  const chosen: Claim[] = []
  for (const claim of claims) {
    if (!claim.explicitName && named.has(claim.path)) continue
    const key = `${claim.path}\u0000${claim.name}`
    if (seen.has(key)) continue
    seen.add(key)
    chosen.push(claim)
  }
  return chosen
}

function describeFile(
  claim: Claim,
  options: DiscoverOptions,
  cwd: string,
  problems: ReleaseError[],
  warnings: string[],
): LocalFile | undefined {
  let identity: FileIdentity
  try {
    const stats = statOpenedFile(claim.realPath)
    // The search saw a regular file; whatever took its place since is not one.
    if (!stats.isFile()) {
      problems.push(nonRegularFileProblem(showPath(claim.path, cwd), 'not a regular file'))
      return undefined
    }
    identity = identityOf(stats)
  } catch (error) {
    problems.push(unreadableProblem(showPath(claim.path, cwd), error))
    return undefined
  }
  const { size } = identity

  // Name and size rules depend on the forge; without one the caller checks them itself.
  if (options.rules !== undefined) {
    const nameProblems = [...checkAssetName(claim.name), ...options.rules.checkName(claim.name)]
    for (const problem of nameProblems) {
      problems.push(
        assetProblem(
          'ASSET_INVALID',
          `${problem.message} (file ${claim.path})`,
          problem.hint ?? '',
        ),
      )
    }
    const finding = options.rules.checkSize(claim.name, size)
    if (finding?.severity === 'error') {
      problems.push(assetProblem('ASSET_TOO_LARGE', finding.message, finding.hint))
    } else if (finding !== undefined) {
      warnings.push(`${finding.message} ${finding.hint}`)
    }
  }

  let directAssetPath = claim.directAssetPath
  if (directAssetPath !== undefined) {
    problems.push(...checkDirectAssetPath(directAssetPath))
  } else {
    directAssetPath = defaultDirectAssetPath(claim.name)
    if (directAssetPath === undefined && options.rules?.linkPaths === true) {
      warnings.push(
        `${claim.name}: /${claim.name} is not a valid GitLab link path, so its link gets no direct asset path; set direct_asset_path in 'assets' to give it one.`,
      )
    }
  }

  return {
    path: claim.path,
    name: claim.name,
    size,
    identity,
    linkType: claim.linkType,
    ...(directAssetPath === undefined ? {} : { directAssetPath }),
    contentType: detectContentType(claim.name),
  }
}

function reportDuplicates(
  files: readonly LocalFile[],
  cwd: string,
  linkPaths: boolean,
  problems: ReleaseError[],
): void {
  const byName = groupBy(files, (f) => f.name)
  for (const [name, group] of byName) {
    if (group.length < 2) continue
    problems.push(
      assetProblem(
        'ASSET_INVALID',
        `Several files would be uploaded as ${quote(name)}: ${listPaths(
          group.map((f) => f.path),
          cwd,
        )}.`,
        "Give each a distinct upload name with a YAML `name` in 'assets', or exclude all but one with a '!' pattern.",
      ),
    )
  }
  // GitLab keeps link paths unique per release; only explicit paths can collide here.
  if (!linkPaths) return
  const byPath = groupBy(
    files.filter((f) => f.directAssetPath !== undefined && (byName.get(f.name)?.length ?? 0) < 2),
    (f) => f.directAssetPath ?? '',
  )
  for (const [directPath, group] of byPath) {
    if (group.length < 2) continue
    problems.push(
      assetProblem(
        'ASSET_INVALID',
        `Several assets have direct_asset_path ${quote(directPath)}: ${group.map((f) => f.name).join(', ')}.`,
        'Give each asset its own direct_asset_path.',
      ),
    )
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [item])
    else group.push(item)
  }
  return groups
}

function listPaths(paths: readonly string[], cwd: string): string {
  const shown = paths.slice(0, 5).map((p) => path.relative(cwd, p) || p)
  return paths.length > 5 ? `${shown.join(', ')} and ${paths.length - 5} more` : shown.join(', ')
}

function quote(text: string): string {
  return JSON.stringify(text)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
