import path from 'node:path'

import type { SymlinkPolicy } from '../plan/domain.js'

export type { SymlinkPolicy } from '../plan/domain.js'

/** Where links met by one pattern may lead. Both directories are real paths (no links). */
export interface LinkBoundary {
  readonly policy: SymlinkPolicy
  readonly workspace: string
  /** The pattern's literal directory prefix, resolved: what the user wrote out. */
  readonly base: string
}

/** Why a link resolving to `target` (a real path) may not be followed, or undefined when it may. */
export function refuseLink(
  target: string,
  boundary: LinkBoundary,
): 'never' | 'outside' | undefined {
  switch (boundary.policy) {
    case 'always':
      return undefined
    case 'never':
      return 'never'
    case 'inside':
      return isWithin(target, boundary.workspace) || isWithin(target, boundary.base)
        ? undefined
        : 'outside'
  }
}

/** Whether `candidate` is `root` or lies below it (both absolute, normalised). */
export function isWithin(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate)
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  )
}
