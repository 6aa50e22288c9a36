import { stat } from 'node:fs/promises'
import path from 'node:path'

import * as glob from '@actions/glob'
import { ReleaseError } from '../errors.js'
import type { AssetPattern, LinkType } from '../plan/domain.js'
import { checkAssetName, checkDirectAssetPath, defaultDirectAssetPath } from './asset-name.js'
import type { AssetRules } from './asset-rules.js'
import { detectContentType } from './content-type.js'
import { expandBraces } from './expand-braces.js'
import type { LocalFile } from './local-file.js'

export interface DiscoverOptions {
  /** Directory relative patterns are resolved against. */
  readonly cwd: string
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

interface Claim {
  readonly path: string
  readonly name: string
  readonly explicitName: boolean
  readonly linkType: LinkType
  readonly directAssetPath?: string
}

/**
 * Finds the files the `assets` patterns name. Patterns follow @actions/glob (`*`, `?`, `[…]`,
 * `**`, a directory means everything below it) plus brace expansion; a pattern starting with
 * `!` excludes matches of the patterns before it, as in @actions/glob. Directories are never
 * assets; symbolic links are followed. A file matched by several patterns is uploaded once,
 * except that every pattern giving it an explicit `name` uploads it under that name.
 */
export async function discoverAssets(
  patterns: readonly AssetPattern[],
  options: DiscoverOptions,
): Promise<Discovery> {
  const cwd = path.resolve(options.cwd)
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

    let matches: string[]
    try {
      matches = await globFiles(body, exclusions, cwd)
    } catch (error) {
      problems.push(
        assetError(
          'ASSET_INVALID',
          `Pattern ${quote(entry.pattern)} cannot be searched: ${messageOf(error)}`,
          'Fix the pattern (see the @actions/glob pattern syntax).',
          error,
        ),
      )
      continue
    }

    if (matches.length === 0) {
      const excluded = exclusions.length > 0 ? ' (after exclusions)' : ''
      const message = `Pattern ${quote(entry.pattern)} matches no file in ${cwd}${excluded}.`
      if (options.failOnUnmatched) {
        problems.push(
          assetError(
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
        assetError(
          'ASSET_INVALID',
          `Pattern ${quote(entry.pattern)} sets ${field} but matches ${matches.length} files: ${listPaths(matches, cwd)}.`,
          `Narrow the pattern to one file, or drop ${field}.`,
        ),
      )
      continue
    }

    for (const match of matches) {
      claims.push({
        path: match,
        name: entry.name ?? path.basename(match),
        explicitName: entry.name !== undefined,
        linkType: entry.linkType ?? options.defaultLinkType ?? 'other',
        ...(entry.directAssetPath === undefined ? {} : { directAssetPath: entry.directAssetPath }),
      })
    }
  }

  const chosen = chooseClaims(claims)
  const files: LocalFile[] = []
  for (const claim of chosen) {
    const file = await describeFile(claim, options, problems, warnings)
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

async function globFiles(
  include: string,
  exclusions: readonly string[],
  cwd: string,
): Promise<string[]> {
  const lines = [
    ...expandBraces(include).map((p) => rootPattern(p, cwd)),
    ...exclusions.flatMap((p) => expandBraces(p).map((e) => `!${rootPattern(e, cwd)}`)),
  ]
  const globber = await glob.create(lines.join('\n'), {
    matchDirectories: false,
    followSymbolicLinks: true,
    implicitDescendants: true,
    omitBrokenSymbolicLinks: true,
  })
  return [...new Set(await globber.glob())].sort()
}

// @actions/glob resolves relative patterns against process.cwd(); assets are relative to the
// workspace, so patterns are made absolute first (with the workspace path escaped, since a
// directory name may contain glob characters).
function rootPattern(pattern: string, cwd: string): string {
  if (pattern === '~' || pattern.startsWith('~/')) return pattern
  return path.isAbsolute(pattern) ? path.normalize(pattern) : path.join(escapeGlob(cwd), pattern)
}

function escapeGlob(literal: string): string {
  return literal
    .replace(/\\/g, '\\\\')
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]')
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

async function describeFile(
  claim: Claim,
  options: DiscoverOptions,
  problems: ReleaseError[],
  warnings: string[],
): Promise<LocalFile | undefined> {
  let size: number
  try {
    const stats = await stat(claim.path)
    if (!stats.isFile()) return undefined
    size = stats.size
  } catch (error) {
    problems.push(
      assetError(
        'ASSET_NOT_FOUND',
        `Cannot read ${claim.path}: ${messageOf(error)}`,
        'Check the file exists and is readable.',
        error,
      ),
    )
    return undefined
  }

  // Name and size rules depend on the forge; without one the caller checks them itself.
  if (options.rules !== undefined) {
    const nameProblems = [...checkAssetName(claim.name), ...options.rules.checkName(claim.name)]
    for (const problem of nameProblems) {
      problems.push(
        assetError('ASSET_INVALID', `${problem.message} (file ${claim.path})`, problem.hint ?? ''),
      )
    }
    const finding = options.rules.checkSize(claim.name, size)
    if (finding?.severity === 'error') {
      problems.push(assetError('ASSET_TOO_LARGE', finding.message, finding.hint))
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
      assetError(
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
      assetError(
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

function assetError(
  code: 'ASSET_INVALID' | 'ASSET_NOT_FOUND' | 'ASSET_TOO_LARGE',
  message: string,
  hint: string,
  cause?: unknown,
): ReleaseError {
  return new ReleaseError({
    code,
    input: 'assets',
    message,
    hint,
    ...(cause === undefined ? {} : { cause }),
  })
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
