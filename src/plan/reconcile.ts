import { ReleaseError } from '../errors.js'
import type { LocalFile } from '../assets/local-file.js'
import type { ReleasePlan } from './release-plan.js'
import type { LinkSpec, ReleaseFields, RemoteAsset, RemoteLink, RemoteRelease } from './remote.js'

export type ReleaseDecision =
  | { readonly kind: 'create' }
  | { readonly kind: 'update'; readonly changed: readonly (keyof ReleaseFields)[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'skip' }

/** `file.sha256` is set wherever the decision depended on the content (see filesToHashFirst). */
export type AssetDecision =
  | { readonly kind: 'upload'; readonly file: LocalFile }
  | { readonly kind: 'replace'; readonly file: LocalFile; readonly existing: RemoteAsset }
  | { readonly kind: 'keep'; readonly file: LocalFile; readonly existing: RemoteAsset }
  | { readonly kind: 'keep-other'; readonly file: LocalFile; readonly existing: RemoteAsset }

export interface Reconciliation {
  readonly release: ReleaseDecision
  readonly assets: readonly AssetDecision[]
}

/**
 * Decides, from what the run wants and what the forge holds, what to create, update, upload
 * or leave alone. Pure: the one place where re-runs and races are made safe, because every
 * write the engine makes follows from a decision taken here on freshly read state.
 */
export function reconcile(
  plan: ReleasePlan<LocalFile>,
  existing: RemoteRelease | undefined,
  remoteAssets: readonly RemoteAsset[],
): Reconciliation {
  const release = decideRelease(plan, existing)
  if (release.kind === 'skip') return { release, assets: [] }
  const stored = remoteAssets.filter((a) => a.stored)
  const byName = new Map(stored.map((a) => [a.name, a]))
  const plannedNames = new Set(plan.files.map((f) => f.name))
  const conflicts: string[] = []
  const assets = plan.files.map((file): AssetDecision => {
    const remote = byName.get(file.name) ?? renamedCopy(file, stored, plannedNames)
    if (remote === undefined) return { kind: 'upload', file }
    if (hasSameContent(file, remote)) return { kind: 'keep', file, existing: remote }
    switch (plan.ifAssetExists) {
      case 'replace':
        return { kind: 'replace', file, existing: remote }
      case 'skip':
        return { kind: 'keep-other', file, existing: remote }
      case 'fail':
        conflicts.push(file.name)
        return { kind: 'keep-other', file, existing: remote }
    }
  })
  if (conflicts.length > 0) {
    throw new ReleaseError({
      code: 'ASSET_EXISTS',
      input: 'if_asset_exists',
      message: `The release already has ${conflicts.map((n) => `'${n}'`).join(', ')} with other content.`,
      hint: "Set if_asset_exists to 'replace' to overwrite or 'skip' to keep the existing files.",
    })
  }
  return { release, assets }
}

/**
 * The planned files whose decision depends on their content: the forge holds a file of the same
 * name, or one of the same size under a name no planned file claims (a renamed copy). Every
 * other file is uploaded whatever its content, so it is hashed from the bytes its upload reads.
 */
export function filesToHashFirst<F extends LocalFile>(
  files: readonly F[],
  remoteAssets: readonly RemoteAsset[],
): F[] {
  const stored = remoteAssets.filter((a) => a.stored)
  const names = new Set(stored.map((a) => a.name))
  const plannedNames = new Set(files.map((f) => f.name))
  const unclaimed = stored.filter((a) => !plannedNames.has(a.name) && a.sha256 !== undefined)
  return files.filter(
    (file) =>
      file.sha256 === undefined &&
      (names.has(file.name) || unclaimed.some((a) => a.size === undefined || a.size === file.size)),
  )
}

/**
 * A file the forge stored under another name (Gongfeng and GitHub rename special characters)
 * is recognised by its content, as long as no planned file claims that name itself.
 */
function renamedCopy(
  file: LocalFile,
  stored: readonly RemoteAsset[],
  plannedNames: ReadonlySet<string>,
): RemoteAsset | undefined {
  return stored.find(
    (a) =>
      !plannedNames.has(a.name) &&
      a.sha256 !== undefined &&
      (a.size === undefined || a.size === file.size) &&
      a.sha256 === contentHash(file),
  )
}

/** The file's sha256, which the caller must have computed wherever the forge holds a candidate. */
function contentHash(file: LocalFile): string {
  if (file.sha256 === undefined) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `${file.name} must be hashed before it is compared with the forge's files.`,
    })
  }
  return file.sha256
}

function decideRelease(
  plan: ReleasePlan<LocalFile>,
  existing: RemoteRelease | undefined,
): ReleaseDecision {
  if (existing === undefined) return { kind: 'create' }
  if (plan.ifReleaseExists === 'skip') return { kind: 'skip' }
  if (plan.ifReleaseExists === 'fail') {
    throw new ReleaseError({
      code: 'RELEASE_EXISTS',
      input: 'if_release_exists',
      message: `A release for tag '${existing.tagName}' already exists.`,
      hint: "Set if_release_exists to 'update' to update it or 'skip' to leave it alone.",
    })
  }
  const changed = changedFields(plan, existing)
  return changed.length === 0 ? { kind: 'unchanged' } : { kind: 'update', changed }
}

export function changedFields(
  plan: ReleasePlan<LocalFile>,
  existing: RemoteRelease,
): (keyof ReleaseFields)[] {
  const { fields, given } = plan
  const changed: (keyof ReleaseFields)[] = []
  if (given.name && fields.name !== existing.name) changed.push('name')
  if (
    given.description &&
    normaliseText(fields.description) !== normaliseText(existing.description)
  ) {
    changed.push('description')
  }
  if (
    given.milestones &&
    existing.milestones !== undefined &&
    !sameSet(fields.milestones ?? [], existing.milestones)
  ) {
    changed.push('milestones')
  }
  if (given.releasedAt && !sameInstant(fields.releasedAt, existing.releasedAt))
    changed.push('releasedAt')
  if (
    fields.labels !== undefined &&
    existing.labels !== undefined &&
    !sameSet(fields.labels, existing.labels)
  ) {
    changed.push('labels')
  }
  if (
    fields.prerelease !== undefined &&
    existing.prerelease !== undefined &&
    fields.prerelease !== existing.prerelease
  ) {
    changed.push('prerelease')
  }
  return changed
}

/**
 * Same content means the same sha256 when the forge (or our SHA256SUMS) knows it; a forge that
 * reports only sizes is trusted on size alone. Another size is other content whatever an older
 * SHA256SUMS says: a stored file cut short is replaced, not kept.
 */
export function hasSameContent(file: LocalFile, remote: RemoteAsset): boolean {
  if (remote.size !== undefined && remote.size !== file.size) return false
  if (remote.sha256 !== undefined) return remote.sha256.toLowerCase() === contentHash(file)
  return remote.size !== undefined && remote.size === file.size
}

export interface LinkChanges {
  readonly create: readonly LinkSpec[]
  readonly update: readonly { readonly link: LinkSpec; readonly existing: RemoteLink }[]
}

/**
 * Links the release should gain or change so that each desired link exists exactly once.
 * A link is matched by name, then by direct asset path, then by URL, because GitLab keeps
 * each of the three unique within a release. Links the tool did not ask for are left alone.
 */
export function reconcileLinks(
  desired: readonly LinkSpec[],
  existing: readonly RemoteLink[],
): LinkChanges {
  const create: LinkSpec[] = []
  const update: { link: LinkSpec; existing: RemoteLink }[] = []
  const claimed = new Set<string>()
  for (const link of desired) {
    const match =
      existing.find((l) => !claimed.has(l.id) && l.name === link.name) ??
      existing.find(
        (l) =>
          !claimed.has(l.id) &&
          link.directAssetPath !== undefined &&
          l.directAssetPath === link.directAssetPath,
      ) ??
      existing.find((l) => !claimed.has(l.id) && l.url === link.url)
    if (match === undefined) {
      create.push(link)
      continue
    }
    claimed.add(match.id)
    if (!sameLink(link, match)) update.push({ link, existing: match })
  }
  return { create, update }
}

function sameLink(link: LinkSpec, remote: RemoteLink): boolean {
  return (
    link.name === remote.name &&
    link.url === remote.url &&
    link.linkType === remote.linkType &&
    (link.directAssetPath ?? undefined) === (remote.directAssetPath ?? undefined)
  )
}

function normaliseText(text: string | undefined): string {
  return (text ?? '').replace(/\r\n/g, '\n').trimEnd()
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((x) => right.has(x))
}

function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return Date.parse(a) === Date.parse(b)
}
