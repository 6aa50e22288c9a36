import type { LocalFile } from '../assets/local-file.js'
import { ReleaseError } from '../errors.js'
import type { Forge, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import type { VerifyMode } from '../plan/domain.js'
import type { ReleasePlan } from '../plan/release-plan.js'
import type { ReleaseFields } from '../plan/remote.js'
import type { CiContext } from '../settings/settings.js'
import type { SignerIdentity, StatementSigner } from '../signing/statement-signer.js'
import type { RecoveryWaits } from './recovery-waits.js'

/** What every step runner needs, fixed for the whole run. */
export interface RunContext {
  readonly forge: Forge
  readonly plan: ReleasePlan<LocalFile>
  /** The fields a new release is created with (a draft where the forge starts with one). */
  readonly createFields: ReleaseFields
  readonly log: Logger
  readonly waits: RecoveryWaits
  readonly maxParallel: number
  readonly progressIntervalMs: number
  readonly ci: CiContext
  /** Where SHA256SUMS, the evidence and assets.json are written locally. */
  readonly outDir: string
  readonly now: () => Date
  readonly checksums: boolean
  readonly evidence: boolean
  readonly verify: VerifyMode
  /** Signs the statements; absent when the run does not sign. */
  readonly signer?: StatementSigner
}

/** A statement's Sigstore bundle as the release holds it once the derived files settled. */
export interface SettledBundle {
  /** `<statement>.sigstore.json` */
  readonly name: string
  readonly statement: string
  readonly asset: RemoteAsset
  /** The bundle's JSON text. */
  readonly text: string
  readonly identity?: SignerIdentity
}

/** What the run learns and changes as its steps run. */
export interface RunState {
  release: RemoteRelease | undefined
  /** This run created the release. */
  created: boolean
  /** The release was there before this run. */
  readonly existedBefore: boolean
  /** The stored asset of every planned file, kept or uploaded. */
  readonly stored: Map<string, RemoteAsset>
  /** The sha256 of every uploaded file, learnt from the bytes its upload read. */
  readonly uploadedShas: Map<string, string>
  /**
   * Planned files whose stored version is knowingly another than the local file: kept under
   * if_asset_exists: skip, or another job's version that won the name.
   */
  readonly foreign: Set<string>
  /** Writes this run made; a run that made none published nothing and verifies nothing. */
  writes: number
  /** Every file of the release as the derived files describe it (SHA256SUMS, evidence). */
  everyAsset?: readonly RemoteAsset[]
  evidenceFile?: string
  evidenceSha?: string
  provenanceFile?: string
  /** The derived files' texts this run stored, by sha256. */
  readonly storedTexts: Map<string, string>
  /** The bundle of each signed statement, by statement name. */
  readonly bundles: Map<string, SettledBundle>
  /** Why signing was skipped once the identity was known (`sign: auto`). */
  signingSkipped?: string
  serverEvidenceSha?: string
  /** SHA256SUMS and the evidence were settled (one step settles both). */
  derivedDone?: boolean
}

export function requireRelease(state: RunState, what: string): RemoteRelease {
  if (state.release === undefined) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `Cannot ${what}: no earlier step created or found the release.`,
    })
  }
  return state.release
}
