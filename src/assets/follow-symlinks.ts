import path from 'node:path'

/**
 * Which symbolic links a glob may follow (the `follow_symlinks` input): `inside` those whose
 * target lies in the workspace or below the pattern's own base directory, `always` every one,
 * `never` none. A path written without glob characters is followed whatever the policy: the
 * user named it.
 */
export type SymlinkPolicy = 'inside' | 'always' | 'never'

export const SYMLINK_POLICIES: readonly SymlinkPolicy[] = ['inside', 'always', 'never']

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
