import type { Step, StepKind } from '../plan/steps.js'
import { writeDerivedFiles } from './derived-files.js'
import { ensureLink } from './link-assets.js'
import { mapLimit } from './map-limit.js'
import { createRelease, publishRelease, updateRelease } from './release-steps.js'
import { recordAttestation } from './record-attestations.js'
import type { RunContext, RunState } from './run-context.js'
import { collectServerEvidence } from './server-evidence.js'
import { labelAsset, settleUploadedNames, uploadPlannedFile } from './upload-files.js'
import { verifyPublished } from './verify-assets.js'

/** Steps of these kinds are independent of each other and run side by side, bounded. */
const PARALLEL: Partial<Record<StepKind, (context: RunContext) => number>> = {
  upload: (context) => context.maxParallel,
  link: () => 4,
}

/**
 * The one executor: runs a step list in order, one log group per stretch of steps of a kind,
 * consecutive uploads and links in parallel. Every write in it is confirmed the same way
 * (confirm-write.ts) and every wait follows the one retry policy (recovery-waits.ts).
 */
export async function executeSteps(
  steps: readonly Step[],
  context: RunContext,
  state: RunState,
): Promise<void> {
  for (const batch of batchesOf(steps)) {
    const [first] = batch
    if (first === undefined) continue
    await context.log.group(groupTitle(first, context), async () => {
      for (const run of runsOfOneKind(batch)) {
        const parallel = PARALLEL[run[0]?.kind ?? 'verify']?.(context) ?? 1
        await mapLimit(run, parallel, (step) => runStep(step, context, state))
      }
    })
  }
}

async function runStep(step: Step, context: RunContext, state: RunState): Promise<void> {
  switch (step.kind) {
    case 'create-release':
      return createRelease(context, state, step.withLinks)
    case 'update-release':
      return updateRelease(context, state)
    case 'upload':
      return uploadPlannedFile(context, state, step.file, step.replacing)
    case 'settle-names':
      return settleUploadedNames(context, state, step.names)
    case 'link':
      return ensureLink(context, state, step.link)
    case 'label':
      return labelAsset(context, state, step.asset, step.label)
    case 'write-checksums':
    case 'write-evidence':
    case 'write-provenance':
    case 'sign-evidence':
      // All are settled together: the statements list SHA256SUMS among their subjects, and a
      // signature is of the statement the release holds.
      return state.derivedDone === true ? undefined : writeDerived(context, state)
    case 'record-attestation':
      return recordAttestation(context, state, step.statement)
    case 'collect-server-evidence':
      return collectServerEvidence(context, state)
    case 'verify':
      return verifyPublished(context, state)
    case 'publish':
      return publishRelease(context, state)
  }
}

async function writeDerived(context: RunContext, state: RunState): Promise<void> {
  state.derivedDone = true
  await writeDerivedFiles(context, state)
}

/** Consecutive steps that share a log group. */
function batchesOf(steps: readonly Step[]): Step[][] {
  return consecutive(steps, groupKey)
}

function runsOfOneKind(steps: readonly Step[]): Step[][] {
  return consecutive(steps, (step) => step?.kind ?? '')
}

function consecutive(steps: readonly Step[], key: (step: Step | undefined) => string): Step[][] {
  const runs: Step[][] = []
  for (const step of steps) {
    const last = runs[runs.length - 1]
    if (last !== undefined && key(last[0]) === key(step)) last.push(step)
    else runs.push([step])
  }
  return runs
}

function groupKey(step: Step | undefined): string {
  switch (step?.kind) {
    case 'write-checksums':
    case 'write-evidence':
    case 'write-provenance':
    case 'sign-evidence':
    case 'record-attestation':
    case 'collect-server-evidence':
      return 'evidence'
    case 'update-release':
    case 'link':
    case 'label':
      return 'release'
    case 'settle-names':
      return 'upload'
    default:
      return step?.kind ?? ''
  }
}

function groupTitle(step: Step, context: RunContext): string {
  const { tagName } = context.plan.fields
  switch (groupKey(step)) {
    case 'create-release':
      return `Creating release ${tagName}`
    case 'upload':
      return 'Uploading assets'
    case 'release':
      return `Writing release ${tagName}`
    case 'evidence':
      return 'Collecting evidence'
    case 'verify':
      return 'Verifying assets'
    default:
      return `Publishing release ${tagName}`
  }
}
