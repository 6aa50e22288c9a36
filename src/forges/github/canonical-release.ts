import type { GitHubRelease } from './wire.js'

/**
 * The one release every job of a build matrix settles on for `tagName`. GitHub lets any number
 * of DRAFTS share a tag (only a published release owns it), so jobs that each create a draft at
 * once leave several. They converge without talking to each other: the published release if
 * there is one (there can be only one), else the draft with the lowest id — ids grow with
 * creation, so a job that lists after its own create always sees every earlier draft and picks
 * the same one as everybody else.
 */
export function pickCanonicalRelease<T extends Pick<GitHubRelease, 'id' | 'tag_name' | 'draft'>>(
  releases: readonly T[],
  tagName: string,
): T | undefined {
  const forTag = releases.filter((release) => release.tag_name === tagName)
  const published = forTag.find((release) => !release.draft)
  if (published !== undefined) return published
  return forTag.reduce<T | undefined>(
    (lowest, release) => (lowest === undefined || release.id < lowest.id ? release : lowest),
    undefined,
  )
}
