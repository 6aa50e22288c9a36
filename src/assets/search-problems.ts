import path from 'node:path'

import { ReleaseError, type ErrorCode } from '../errors.js'
import { isWithin } from './follow-symlinks.js'

/**
 * The errors discovery reports about what a pattern matched. Each names the file as the user
 * would find it, says what is wrong and what would fix it; all of them stop the run before any
 * request.
 */

export function assetProblem(
  code: Extract<ErrorCode, 'ASSET_INVALID' | 'ASSET_NOT_FOUND' | 'ASSET_TOO_LARGE'>,
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

/** A path as the user would write it: relative to the working directory when below it. */
export function showPath(itemPath: string, cwd: string): string {
  return isWithin(itemPath, cwd) ? path.relative(cwd, itemPath) || '.' : itemPath
}

const LEAVE_OUT = "leave it out with a '!' line in 'assets'"

export function linkLoopProblem(shown: string): ReleaseError {
  return assetProblem(
    'ASSET_INVALID',
    `${shown} is a symbolic link loop: following it never reaches a file.`,
    `Fix or remove the link, or ${LEAVE_OUT}.`,
  )
}

export function danglingLinkProblem(shown: string, target: string): ReleaseError {
  return assetProblem(
    'ASSET_NOT_FOUND',
    `${shown} is a symbolic link to ${target}, which does not exist.`,
    `Build what it points to before this step, fix or remove the link, or ${LEAVE_OUT}.`,
  )
}

export interface RefusedLink {
  readonly shown: string
  readonly target: string
  readonly reason: 'never' | 'outside'
  readonly workspace: string
  /** The pattern's base directory as shown, when it lies outside the workspace. */
  readonly outsideBase?: string
}

export function refusedLinkProblem(link: RefusedLink): ReleaseError {
  const explicit = `write its path in 'assets' without glob characters (${link.shown})`
  if (link.reason === 'never') {
    return assetProblem(
      'ASSET_INVALID',
      `${link.shown} is a symbolic link (to ${link.target}) and follow_symlinks is never.`,
      `To publish it, ${explicit}, or set follow_symlinks: inside.`,
    )
  }
  return assetProblem(
    'ASSET_INVALID',
    `${link.shown} is a symbolic link to ${link.target}, ${whereOutside(link)}; it is not published.`,
    `To publish it, ${explicit}, or set follow_symlinks: always.`,
  )
}

/** A link to a directory a `**` would have walked into, but may not follow. */
export function unsearchedLinkWarning(link: RefusedLink, pattern: string): string {
  const why =
    link.reason === 'never' ? 'follow_symlinks is never' : `it points ${whereOutside(link)}`
  const fix =
    link.reason === 'never' ? 'set follow_symlinks: inside' : 'set follow_symlinks: always'
  return `${link.shown} is a symbolic link to the directory ${link.target}, which ${JSON.stringify(pattern)} does not search: ${why}. To search it, name the directory in 'assets' or ${fix}.`
}

function whereOutside(link: RefusedLink): string {
  const base = link.outsideBase === undefined ? '' : ` and outside ${link.outsideBase}`
  return `outside the workspace (${link.workspace})${base}`
}

export function directoryProblem(shown: string, pattern: string): ReleaseError {
  const parent = pattern.includes('/') ? pattern.slice(0, pattern.lastIndexOf('/')) : '.'
  return assetProblem(
    'ASSET_INVALID',
    `${shown} is a directory, matched by ${JSON.stringify(pattern)}; only files are published.`,
    `Narrow the pattern to files (for example ${parent}/*.tar.gz), write ${parent}/**/* to publish every file below it, or ${LEAVE_OUT}.`,
  )
}

export function nonRegularFileProblem(shown: string, what: string, target?: string): ReleaseError {
  const subject =
    target === undefined ? `${shown} is ${what}` : `${shown} leads to ${target}, ${what}`
  return assetProblem(
    'ASSET_INVALID',
    `${subject}; only regular files are published.`,
    `Narrow the pattern so it does not match it, or ${LEAVE_OUT}.`,
  )
}

export function unreadableProblem(shown: string, error: unknown): ReleaseError {
  const code = (error as NodeJS.ErrnoException).code
  const reason = code ?? (error instanceof Error ? error.message : String(error))
  return assetProblem(
    'ASSET_NOT_FOUND',
    `cannot read ${shown} (${reason}).`,
    'Make the file readable by the user the job runs as, or leave it out of `assets`.',
    error,
  )
}
