import type { LocalFile } from '../assets/local-file.js'
import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import { filesToHashFirst, reconcile, type Reconciliation } from '../plan/reconcile.js'
import type { VerifyMode } from '../plan/domain.js'
import type { ReleasePlan } from '../plan/release-plan.js'
import { addShasFromChecksums, addShasFromDownloads } from './read-remote.js'
import type { RecoveryWaits } from './recovery-waits.js'
import { withHashes } from './upload-files.js'

/** The forge's side as the run found it, and what reconcile made of it. */
export interface ForgeReading {
  readonly existing: RemoteRelease | undefined
  readonly remote: readonly RemoteAsset[]
  readonly decision: Reconciliation
  /** The plan's files, hashed where the forge holds something to compare them with. */
  readonly files: readonly LocalFile[]
  /** Create the release before uploading: the tag cannot be seen (a CI job token) and no ref was given. */
  readonly createFirst: boolean
}

/** SPEC step 3, its reading half: the release, the tag, the stored files, and the decision. */
export async function readForge(
  forge: Forge,
  plan: ReleasePlan<LocalFile>,
  waits: RecoveryWaits,
  log: Logger,
  verify: VerifyMode = 'standard',
): Promise<ForgeReading> {
  const { tagName } = plan.fields
  await forge.connect()
  // Read side by side, one round trip fewer for a new release; a release that exists leaves
  // the tag's answer unused (and its failure unreported: the release's own read decides).
  const tagRead = forge.findTag(tagName)
  tagRead.catch(() => undefined)
  const existing = await forge.findRelease(tagName)
  let createFirst = false
  if (existing === undefined) {
    const tag = await tagRead
    if (tag.state === 'missing' && plan.fields.ref === undefined) {
      throw new ReleaseError({
        code: 'TAG_MISSING',
        input: 'ref',
        message: `Tag '${tagName}' does not exist and no ref was given to create it from.`,
        hint: "Set 'ref' to the commit, branch or tag to create the tag from, or push the tag first.",
      })
    }
    if (tag.state === 'exists') warnOnOtherCommit(plan, tag.commitSha, log)
    createFirst = tag.state === 'unknown' && plan.fields.ref === undefined
    log.info(`Release ${tagName} does not exist yet; it will be created`)
  } else {
    if (existing.commitSha !== undefined) warnOnOtherCommit(plan, existing.commitSha, log)
    log.info(`Release ${tagName} exists (${existing.webUrl})`)
  }
  let listed = await forge.listAssets(existing, tagName)
  if (verify === 'full') {
    // Same-name files the server reports no sha256 of are hashed from their bytes, so that a
    // re-run after a failed full verify replaces what SHA256SUMS would call unchanged.
    listed = await addShasFromDownloads(
      forge,
      listed,
      new Set(plan.files.map((f) => f.name)),
      waits,
    )
  }
  const remote = await addShasFromChecksums(forge, listed, waits)
  // Only files the forge may already hold need their hash to be decided on; the others are
  // hashed from the bytes their upload reads.
  const hashedFirst = new Map(
    (await withHashes(filesToHashFirst(plan.files, remote))).map((f) => [f.name, f.sha256]),
  )
  const files = plan.files.map((f) => {
    const sha256 = hashedFirst.get(f.name)
    return sha256 === undefined ? f : { ...f, sha256 }
  })
  const decision = reconcile({ ...plan, files }, existing, remote)
  return { existing, remote, decision, files, createFirst }
}

function warnOnOtherCommit(plan: ReleasePlan<LocalFile>, commit: string, log: Logger): void {
  const ref = plan.fields.ref
  if (!plan.refGivenExplicitly || ref === undefined || !/^[0-9a-f]{7,64}$/i.test(ref)) return
  if (!commit.toLowerCase().startsWith(ref.toLowerCase())) {
    log.warn(
      `Tag ${plan.fields.tagName} already points at ${commit}, not at the given ref ${ref}; the release uses the tag's commit`,
    )
  }
}
