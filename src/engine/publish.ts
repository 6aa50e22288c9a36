import type { LocalFile } from '../assets/local-file.js'
import {
  hasAttestations,
  hasDrafts,
  hasLabels,
  hasLinks,
  hasSameNameTwins,
  hasServerEvidence,
  type Forge,
  type RemoteAsset,
  type RemoteRelease,
} from '../forges/forge.js'
import type { Logger } from '../log.js'
import type { VerifyMode } from '../plan/domain.js'
import type { PlannedFile, ReleasePlan } from '../plan/release-plan.js'
import { isWrite, planSteps, type ForgeShape, type Step } from '../plan/steps.js'
import type { CiContext } from '../settings/settings.js'
import type { SignerIdentity, StatementSigner } from '../signing/statement-signer.js'
import { executeSteps } from './execute-steps.js'
import { readForge } from './read-forge.js'
import type { RecoveryWaits } from './recovery-waits.js'
import type { RunContext, RunState } from './run-context.js'
import { keepStoredFiles, withHashes } from './upload-files.js'

export interface PublishOptions {
  readonly forge: Forge
  readonly plan: ReleasePlan<LocalFile>
  readonly log: Logger
  readonly waits: RecoveryWaits
  readonly checksums: boolean
  readonly evidence: boolean
  readonly verify: VerifyMode
  /** The user asked for a draft: it stays unpublished. */
  readonly draft: boolean
  readonly dryRun: boolean
  readonly maxParallel: number
  readonly progressIntervalMs: number
  readonly ci: CiContext
  readonly outDir: string
  readonly now: () => Date
  /** Signs the evidence and provenance statements (`sign`); absent when the run does not sign. */
  readonly signer?: StatementSigner
}

/** A statement's signed bundle on the release. */
export interface PublishedBundle {
  readonly statement: string
  readonly name: string
  readonly url: string
  readonly identity?: SignerIdentity
}

export interface PublishedAsset {
  /** As the forge stores it. */
  readonly name: string
  /** As it was given (differs where the forge renamed special characters). */
  readonly originalName: string
  /** The name GitHub shows for it; null where the forge has no labels or none is set. */
  readonly label: string | null
  readonly url: string
  readonly directAssetUrl: string
  readonly linkType: string
  readonly size: number
  readonly sha256: string
}

export type PublishOutcome =
  | {
      readonly kind: 'dry-run'
      readonly steps: readonly Step[]
      readonly requests: readonly string[]
    }
  | {
      readonly kind: 'published'
      readonly release: RemoteRelease
      readonly created: boolean
      readonly assets: readonly PublishedAsset[]
      readonly evidenceFile?: string
      readonly evidenceSha?: string
      readonly provenanceFile?: string
      readonly bundles: readonly PublishedBundle[]
    }

/**
 * SPEC steps 3 to 5: read the forge, reconcile, and run the resulting step list (or, on a dry
 * run, print it: the very list the executor would run).
 */
export async function publish(options: PublishOptions): Promise<PublishOutcome> {
  const { forge, plan, log } = options
  const { tagName } = plan.fields
  const reading = await log.group(`Ensuring release ${tagName}`, () =>
    readForge(forge, plan, options.waits, log, options.verify),
  )
  const { existing, decision } = reading
  if (decision.release.kind === 'skip' && existing !== undefined) {
    log.info(`Release ${tagName} exists and if_release_exists is 'skip': nothing to do`)
    return {
      kind: 'published',
      release: existing,
      created: false,
      assets: publishedFrom(reading.remote, await withHashes(reading.files)),
      bundles: [],
    }
  }
  const steps = planSteps(
    { ...plan, files: reading.files },
    existing,
    reading.remote,
    decision,
    shapeOf(forge),
    {
      checksums: options.checksums,
      evidence: options.evidence,
      verify: options.verify !== 'off',
      sign: options.signer !== undefined,
      keepDraft: options.draft,
      createFirst: reading.createFirst,
    },
  )
  if (options.dryRun) return describeSteps(forge, steps, log, options.signer)

  const context: RunContext = {
    forge,
    plan: { ...plan, files: reading.files },
    createFields: { ...plan.fields, ...(hasDrafts(forge) ? { draft: true } : {}) },
    log,
    waits: options.waits,
    maxParallel: options.maxParallel,
    progressIntervalMs: options.progressIntervalMs,
    ci: options.ci,
    outDir: options.outDir,
    now: options.now,
    checksums: options.checksums,
    evidence: options.evidence,
    verify: options.verify,
    ...(options.signer === undefined ? {} : { signer: options.signer }),
  }
  const state: RunState = {
    release: existing,
    created: false,
    existedBefore: existing !== undefined,
    stored: new Map(),
    uploadedShas: new Map(),
    foreign: new Set(),
    writes: 0,
    bundles: new Map(),
    storedTexts: new Map(),
  }
  keepStoredFiles(
    context,
    state,
    decision.assets.flatMap((d) => (d.kind === 'keep' || d.kind === 'keep-other' ? [d] : [])),
  )
  if (existing !== undefined && decision.release.kind === 'unchanged') {
    log.info(`Release ${tagName} already has the given name, description and milestones`)
  }
  await executeSteps(steps, context, state)
  const files = await withHashes(reading.files, state.uploadedShas)
  return {
    kind: 'published',
    release: state.release ?? existing ?? missingRelease(tagName),
    created: state.created,
    assets: publishedFrom(state.everyAsset ?? [...state.stored.values()], files),
    ...(state.evidenceFile === undefined ? {} : { evidenceFile: state.evidenceFile }),
    ...(state.provenanceFile === undefined ? {} : { provenanceFile: state.provenanceFile }),
    bundles: [...state.bundles.values()].map((b) => ({
      statement: b.statement,
      name: b.name,
      url: b.asset.url,
      ...(b.identity === undefined ? {} : { identity: b.identity }),
    })),
    ...(state.serverEvidenceSha !== undefined
      ? { evidenceSha: state.serverEvidenceSha }
      : state.evidenceSha === undefined
        ? {}
        : { evidenceSha: state.evidenceSha }),
  }
}

export function shapeOf(forge: Forge): ForgeShape {
  return {
    links: hasLinks(forge),
    drafts: hasDrafts(forge),
    serverEvidence: hasServerEvidence(forge),
    attestations: hasAttestations(forge),
    labels: hasLabels(forge),
    twins: hasSameNameTwins(forge),
  }
}

function describeSteps(
  forge: Forge,
  steps: readonly Step[],
  log: Logger,
  signer: StatementSigner | undefined,
): Promise<PublishOutcome> {
  return log.group('Dry run: requests that would be made', () => {
    const requests = steps.filter(isWrite).flatMap((step) => [
      // A signature is made by Fulcio and Rekor before the bundle is uploaded to the forge.
      ...(step.kind === 'sign-evidence' && signer !== undefined
        ? signer.describe(step.statement)
        : []),
      ...forge.describe(step),
    ])
    for (const line of requests) log.info(line)
    log.info(
      `Dry run: ${requests.length} write request${requests.length === 1 ? '' : 's'} planned; nothing was changed`,
    )
    return Promise.resolve({ kind: 'dry-run', steps, requests })
  })
}

function missingRelease(tagName: string): never {
  throw new Error(`No step created or found release ${tagName}`)
}

function publishedFrom(
  assets: readonly RemoteAsset[],
  files: readonly PlannedFile[],
): PublishedAsset[] {
  const planned = new Map(files.map((f) => [f.name, f]))
  return assets
    .filter((a) => a.stored)
    .map((a) => {
      const local = planned.get(a.name)
      return {
        name: a.name,
        originalName: local?.originalName ?? a.label ?? a.name,
        label: a.label ?? null,
        url: a.url,
        directAssetUrl: a.directAssetUrl ?? a.url,
        linkType: a.link?.linkType ?? local?.linkType ?? 'other',
        size: a.size ?? local?.size ?? 0,
        sha256: a.sha256 ?? local?.sha256 ?? '',
      }
    })
}
