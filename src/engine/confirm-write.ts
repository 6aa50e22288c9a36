import type { ReadBack, WriteResult } from '../forges/forge.js'
import type { RecoveryWaits } from './recovery-waits.js'

export interface ConfirmedWrite<T> {
  /** `written`: this request did it; `landed`: an earlier attempt or an identical write did; `other`: another job's version holds the place. */
  readonly how: 'written' | 'landed' | 'other'
  readonly value: T
}

export interface WriteToConfirm<T> {
  /** For log lines: `upload app.tar.gz`. */
  readonly what: string
  readonly write: () => Promise<WriteResult<T>>
  readBack(situation: { outcome: 'exists' | 'unknown'; lastAttempt: boolean }): Promise<ReadBack<T>>
}

/**
 * Runs a write that must not be repeated blindly. A write whose answer was lost, or that found
 * its place taken, is read back first: what is there is the result. Only when nothing is there
 * is the write sent again, after the retry policy's wait; when the policy gives up, the last
 * failure is thrown.
 */
export async function confirmWrite<T>(
  operation: WriteToConfirm<T>,
  waits: RecoveryWaits,
): Promise<ConfirmedWrite<T>> {
  for (let attempt = 0; ; attempt++) {
    const result = await operation.write()
    if (result.kind === 'created') return { how: 'written', value: result.value }
    const found = await operation.readBack({
      outcome: result.kind,
      // One repeat is left: whatever blocks the place may be cleared for it.
      lastAttempt: !waits.allows(attempt + 1),
    })
    if (found.kind !== 'absent') {
      return { how: found.kind === 'landed' ? 'landed' : 'other', value: found.value }
    }
    await waits.beforeRepeat(attempt, result.cause, operation.what)
  }
}
