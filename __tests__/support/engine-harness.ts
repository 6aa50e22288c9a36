/**
 * The engine's write recovery around one adapter, for adapter tests: creates and uploads are
 * confirmed, repeated and settled the way a run does it, against a fake server.
 */
import type { Readable } from 'node:stream'

import type { ConfirmedWrite } from '../../src/engine/confirm-write.js'
import { openRemoteAsset } from '../../src/engine/read-remote.js'
import { RecoveryWaits } from '../../src/engine/recovery-waits.js'
import { createRelease } from '../../src/engine/release-steps.js'
import type { RunContext, RunState } from '../../src/engine/run-context.js'
import { storeFile } from '../../src/engine/upload-files.js'
import type { Forge, RemoteAsset, RemoteRelease, UploadFile } from '../../src/forges/forge.js'
import type { Logger } from '../../src/log.js'
import type { ReleaseFields } from '../../src/plan/remote.js'

export interface EngineHarness {
  create(fields: ReleaseFields): Promise<{ created: boolean; release: RemoteRelease }>
  upload(
    release: RemoteRelease | undefined,
    file: UploadFile,
    replacing?: RemoteAsset,
    onProgress?: (sent: number) => void,
  ): Promise<RemoteAsset>
  store(
    release: RemoteRelease | undefined,
    file: UploadFile,
    replacing?: RemoteAsset,
  ): Promise<ConfirmedWrite<RemoteAsset>>
  open(asset: RemoteAsset): Promise<Readable>
}

export function engineFor(
  forge: Forge,
  options: { log: Logger; sleep: (ms: number) => Promise<void>; retries?: number },
): EngineHarness {
  const waits = new RecoveryWaits({
    retries: options.retries ?? 3,
    log: options.log,
    sleep: options.sleep,
    random: () => 0.5,
  })
  const contextFor = (fields: ReleaseFields): RunContext => ({
    forge,
    plan: {
      platform: forge.platform,
      fields,
      refGivenExplicitly: false,
      files: [],
      externalLinks: [],
      ifReleaseExists: 'update',
      ifAssetExists: 'replace',
      given: { name: true, description: false, milestones: false, releasedAt: false },
    },
    createFields: fields,
    log: options.log,
    waits,
    maxParallel: 4,
    progressIntervalMs: 60_000,
    ci: { system: 'none' },
    outDir: '/nonexistent',
    now: () => new Date(0),
    checksums: false,
    evidence: false,
    verify: 'standard',
  })
  const blankState = (): RunState => ({
    release: undefined,
    created: false,
    existedBefore: false,
    stored: new Map(),
    uploadedShas: new Map(),
    foreign: new Set(),
    writes: 0,
    bundles: new Map(),
    storedTexts: new Map(),
  })
  const anyFields: ReleaseFields = { tagName: 'unused', name: 'unused' }
  return {
    async create(fields) {
      const state = blankState()
      await createRelease(contextFor(fields), state, false)
      if (state.release === undefined) throw new Error('no release after create')
      return { created: state.created, release: state.release }
    },
    async upload(release, file, replacing, onProgress) {
      return (await storeFile(contextFor(anyFields), release, file, replacing, onProgress)).value
    },
    store: (release, file, replacing) => storeFile(contextFor(anyFields), release, file, replacing),
    open: (asset) => openRemoteAsset(forge, asset, waits),
  }
}
