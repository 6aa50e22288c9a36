import type { LocalFile } from '../assets/local-file.js'
import {
  CHECKSUMS_NAME,
  EVIDENCE_NAME,
  PROVENANCE_NAME,
  STATEMENT_NAMES,
  bundleNameOf,
} from './derived-names.js'
import type { LinkType } from './domain.js'
import type { AssetDecision, Reconciliation } from './reconcile.js'
import type { ReleasePlan } from './release-plan.js'
import type { ReleaseFields, RemoteAsset, RemoteLink, RemoteRelease } from './remote.js'

/**
 * How the engine settles a write whose outcome is unknown (the answer was lost) or that found
 * its place taken. Every such write is first read back; then:
 * - `adopt`: whatever holds the place is taken as the result (a release another job created);
 * - `give-way`: ours if it holds our content, else the other job's version stays (a file);
 * - `update`: what holds the place is updated to ours (a link);
 * - `repeat`: the write is idempotent and is simply sent again (the transport does that).
 * Whenever the read-back finds nothing, the write is repeated under the retry policy.
 */
export type Recovery = 'adopt' | 'give-way' | 'update' | 'repeat'

/** One link the release should carry (GitLab): to a file of this run, or an external URL. */
export interface LinkTarget {
  readonly name: string
  readonly linkType: LinkType
  readonly directAssetPath?: string
  /** External links and stored files have one; a file this run uploads gets its URL then. */
  readonly url?: string
  readonly existing?: RemoteLink
}

export type Step =
  | {
      readonly kind: 'create-release'
      readonly tagName: string
      readonly fields: ReleaseFields
      /** The release starts as a draft, published once its files are verified (GitHub). */
      readonly draft: boolean
      /** Its links are created with it, in the same request (GitLab, a new release). */
      readonly withLinks: boolean
      readonly recovery: 'adopt'
    }
  | {
      readonly kind: 'update-release'
      readonly tagName: string
      readonly changed: readonly (keyof ReleaseFields)[]
      readonly recovery: 'repeat'
    }
  | {
      readonly kind: 'upload'
      readonly file: LocalFile
      readonly replacing?: RemoteAsset
      readonly recovery: 'give-way'
    }
  | {
      /** One check, after the uploads, that no other job stored one of their names too (Forgejo/Gitea). */
      readonly kind: 'settle-names'
      readonly names: readonly string[]
      readonly recovery: 'give-way'
    }
  | { readonly kind: 'link'; readonly link: LinkTarget; readonly recovery: 'update' }
  | {
      /** A kept file the forge renamed, whose label does not carry the name it was given (GitHub). */
      readonly kind: 'label'
      readonly asset: RemoteAsset
      readonly label: string
      readonly recovery: 'repeat'
    }
  | { readonly kind: 'write-checksums'; readonly recovery: 'give-way' }
  | { readonly kind: 'write-evidence'; readonly recovery: 'give-way' }
  | { readonly kind: 'write-provenance'; readonly recovery: 'give-way' }
  /** Signs one statement (Sigstore keyless) and uploads `<statement>.sigstore.json`. */
  | { readonly kind: 'sign-evidence'; readonly statement: string; readonly recovery: 'give-way' }
  /** Records a statement's signed bundle in the forge's attestations (GitHub). */
  | {
      readonly kind: 'record-attestation'
      readonly statement: string
      readonly recovery: 'adopt'
    }
  | { readonly kind: 'collect-server-evidence'; readonly recovery: 'repeat' }
  | { readonly kind: 'verify'; readonly recovery: 'repeat' }
  | { readonly kind: 'publish'; readonly tagName: string; readonly recovery: 'repeat' }

export type StepKind = Step['kind']

/** What the forge can do, as plain data (the engine reads it off the adapter's interfaces). */
export interface ForgeShape {
  /** Links are objects of their own, created after the file is stored (GitLab). */
  readonly links: boolean
  /** A new release is created as a draft and published at the end (GitHub). */
  readonly drafts: boolean
  readonly serverEvidence: boolean
  /** Signed attestations are kept by the forge too, found by the files' sha256 (GitHub). */
  readonly attestations: boolean
  /** A stored file shows a label beside its stored name (GitHub). */
  readonly labels: boolean
  /** Two files may hold one name; uploads are checked for twins together (Forgejo/Gitea). */
  readonly twins: boolean
}

export interface StepOptions {
  readonly checksums: boolean
  readonly evidence: boolean
  readonly verify: boolean
  /** The statements are signed (a signer and an identity exist); needs `evidence`. */
  readonly sign: boolean
  /** The user asked for a draft: it is left unpublished. */
  readonly keepDraft: boolean
  /**
   * Create the release before any upload even where files need no release (GitLab with a job
   * token and no `ref`): creating it is how the run learns whether the tag exists.
   */
  readonly createFirst: boolean
}

/**
 * The ordered writes that bring the forge from `existing` to the plan. Pure: the dry run prints
 * this very list, and the engine runs it. Consecutive steps of one kind may run in parallel.
 */
export function planSteps(
  plan: ReleasePlan<LocalFile>,
  existing: RemoteRelease | undefined,
  remoteAssets: readonly RemoteAsset[],
  decision: Reconciliation,
  shape: ForgeShape,
  options: StepOptions,
): Step[] {
  const { tagName } = plan.fields
  const steps: Step[] = []
  const isNew = existing === undefined
  const createBefore = isNew && (!shape.links || options.createFirst)
  const create = (withLinks: boolean): Step => ({
    kind: 'create-release',
    tagName,
    fields: plan.fields,
    draft: shape.drafts,
    withLinks,
    recovery: 'adopt',
  })
  if (createBefore) steps.push(create(false))
  const uploads = decision.assets.flatMap(uploadStep)
  steps.push(...uploads)
  if (shape.twins && uploads.length > 0) {
    steps.push({
      kind: 'settle-names',
      names: uploads.map((step) => step.file.name),
      recovery: 'give-way',
    })
  }
  if (isNew && !createBefore) steps.push(create(true))
  if (decision.release.kind === 'update') {
    steps.push({
      kind: 'update-release',
      tagName,
      changed: decision.release.changed,
      recovery: 'repeat',
    })
  }
  if (shape.links && !(isNew && !createBefore)) {
    steps.push(...linkSteps(plan, decision.assets, remoteAssets))
  }
  if (shape.labels) steps.push(...labelSteps(decision.assets))
  if (options.checksums) steps.push({ kind: 'write-checksums', recovery: 'give-way' })
  if (options.evidence) {
    steps.push({ kind: 'write-evidence', recovery: 'give-way' })
    steps.push({ kind: 'write-provenance', recovery: 'give-way' })
  }
  if (options.evidence && options.sign) {
    for (const statement of STATEMENT_NAMES) {
      steps.push({ kind: 'sign-evidence', statement, recovery: 'give-way' })
    }
    if (shape.attestations) {
      for (const statement of STATEMENT_NAMES) {
        steps.push({ kind: 'record-attestation', statement, recovery: 'adopt' })
      }
    }
  }
  if (options.evidence && shape.serverEvidence) {
    steps.push({ kind: 'collect-server-evidence', recovery: 'repeat' })
  }
  if (options.verify) steps.push({ kind: 'verify', recovery: 'repeat' })
  const draftAfterRun = isNew ? shape.drafts : existing.draft
  if (draftAfterRun && !options.keepDraft)
    steps.push({ kind: 'publish', tagName, recovery: 'repeat' })
  return steps
}

function uploadStep(decision: AssetDecision): Extract<Step, { kind: 'upload' }>[] {
  if (decision.kind === 'upload')
    return [{ kind: 'upload', file: decision.file, recovery: 'give-way' }]
  if (decision.kind === 'replace') {
    return [
      { kind: 'upload', file: decision.file, replacing: decision.existing, recovery: 'give-way' },
    ]
  }
  return []
}

/**
 * Links of an existing release that are missing or may change: a file uploaded now gets a new
 * URL where the storage address is not fixed by its name, so its link is checked once stored.
 */
function linkSteps(
  plan: ReleasePlan<LocalFile>,
  decisions: readonly AssetDecision[],
  remoteAssets: readonly RemoteAsset[],
): Step[] {
  const links = remoteAssets.flatMap((a) => (a.link === undefined ? [] : [a.link]))
  const byName = new Map(links.map((l) => [l.name, l]))
  const targets: LinkTarget[] = []
  for (const decision of decisions) {
    const { file } = decision
    const existing = byName.get(file.name)
    const stored = decision.kind === 'keep' || decision.kind === 'keep-other'
    const target: LinkTarget = {
      name: file.name,
      linkType: file.linkType,
      ...(file.directAssetPath === undefined ? {} : { directAssetPath: file.directAssetPath }),
      ...(stored ? { url: decision.existing.url } : {}),
      ...(existing === undefined ? {} : { existing }),
    }
    if (existing === undefined || !stored || !sameLink(target, existing)) targets.push(target)
  }
  for (const link of plan.externalLinks) {
    const existing = byName.get(link.name)
    const target: LinkTarget = { ...link, ...(existing === undefined ? {} : { existing }) }
    if (existing === undefined || !sameLink(target, existing)) targets.push(target)
  }
  return targets.map((link) => ({ kind: 'link', link, recovery: 'update' }))
}

function sameLink(target: LinkTarget, link: RemoteLink): boolean {
  return (
    target.url === link.url &&
    target.linkType === link.linkType &&
    (target.directAssetPath ?? undefined) === (link.directAssetPath ?? undefined)
  )
}

/** The file a step that writes one of the tool's own files stores (SHA256SUMS, statements, bundles). */
export function derivedFileOf(
  step: Extract<
    Step,
    { kind: 'write-checksums' | 'write-evidence' | 'write-provenance' | 'sign-evidence' }
  >,
): string {
  switch (step.kind) {
    case 'write-checksums':
      return CHECKSUMS_NAME
    case 'write-evidence':
      return EVIDENCE_NAME
    case 'write-provenance':
      return PROVENANCE_NAME
    case 'sign-evidence':
      return bundleNameOf(step.statement)
  }
}

/**
 * Kept files the forge stored under another name whose label does not say the name they were
 * given (stored by an older version of the tool, or by hand): their label is set. Uploads set it
 * themselves.
 */
function labelSteps(decisions: readonly AssetDecision[]): Step[] {
  return decisions.flatMap((decision): Step[] => {
    const label = decision.file.originalName
    if (decision.kind !== 'keep' || label === undefined) return []
    if (decision.existing.label === label) return []
    return [{ kind: 'label', asset: decision.existing, label, recovery: 'repeat' }]
  })
}

/** Steps that write to the forge (all but the checks), for counting and dry-run listings. */
export function isWrite(step: Step): boolean {
  return step.kind !== 'verify' && step.kind !== 'settle-names'
}
