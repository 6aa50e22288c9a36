import { hasServerEvidence } from '../forges/forge.js'
import { requireRelease, type RunContext, type RunState } from './run-context.js'

/** Reads of the release while the server's background job collects the evidence. */
const EVIDENCE_POLLS = 5

/**
 * The collect-server-evidence step (GitLab). A release that this run did not change keeps the
 * evidence the server already has; otherwise a collection is requested, and the new entry is
 * recognised by the count of evidences, read until it appears.
 */
export async function collectServerEvidence(context: RunContext, state: RunState): Promise<void> {
  const { forge, log } = context
  if (!hasServerEvidence(forge)) return
  const release = requireRelease(state, 'collect server evidence')
  const before = (await forge.findRelease(release.tagName))?.serverEvidenceShas ?? []
  if (state.writes === 0 && before.length > 0) {
    state.serverEvidenceSha = before[0]
    log.info('The release is unchanged; keeping the evidence GitLab already collected')
    return
  }
  const { refused } = await forge.requestServerEvidence(release)
  if (refused !== undefined) {
    log.warn(refused)
    return
  }
  for (let poll = 0; poll < EVIDENCE_POLLS; poll++) {
    if (poll > 0) await context.waits.pause(poll)
    const shas = (await forge.findRelease(release.tagName))?.serverEvidenceShas ?? []
    if (shas.length > before.length && shas[0] !== undefined) {
      state.serverEvidenceSha = shas[0]
      return
    }
  }
  log.warn('GitLab accepted the evidence request; its sha was not available yet.')
}
