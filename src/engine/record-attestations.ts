import { ReleaseError } from '../errors.js'
import { hasAttestations } from '../forges/forge.js'
import { confirmWrite } from './confirm-write.js'
import type { RunContext, RunState } from './run-context.js'

/**
 * The record-attestation step: the statement's signed bundle is also stored in the forge's
 * attestations (GitHub), found there by the sha256 of any of its subjects, so `gh attestation
 * verify <file> --repo <owner/repo>` checks a downloaded file. A bundle already recorded (a
 * re-run) is not recorded again. A forge that will not take it (no `attestations: write`, an
 * older GitHub Enterprise Server) gets a warning: the bundle is on the release regardless.
 */
export async function recordAttestation(
  context: RunContext,
  state: RunState,
  statement: string,
): Promise<void> {
  const { forge, log } = context
  const bundle = state.bundles.get(statement)
  if (!hasAttestations(forge) || bundle === undefined) return
  // Loaded here, not at start-up: only runs that sign get this far (see derived-files.ts).
  const { readBundleFacts } = await import(/* webpackMode: "eager" */ '../signing/bundle-facts.js')
  const facts = readBundleFacts(bundle.text)
  if ('problem' in facts) return
  const subject = firstSubjectSha256(facts.payload)
  const ours = dsseSignatureOf(JSON.parse(bundle.text))
  if (subject === undefined || ours === undefined) return
  const recorded = async (): Promise<boolean> =>
    (await forge.listAttestations(subject)).some((other) => dsseSignatureOf(other) === ours)
  try {
    if (await recorded()) {
      log.info(`The attestation of ${statement} is recorded already`)
      return
    }
    const result = await confirmWrite<{ readonly id?: string }>(
      {
        what: `record the attestation of ${statement}`,
        write: () => forge.createAttestation(JSON.parse(bundle.text)),
        readBack: async () =>
          (await recorded()) ? { kind: 'landed', value: {} } : { kind: 'absent' },
      },
      context.waits,
    )
    state.writes++
    const id = result.value.id === undefined ? '' : ` (id ${result.value.id})`
    log.info(`Recorded the attestation of ${statement}${id}`)
  } catch (error) {
    if (
      error instanceof ReleaseError &&
      (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND')
    ) {
      log.warn(`${error.message}${error.hint === undefined ? '' : ` ${error.hint}`}`)
      return
    }
    throw error
  }
}

/** The sha256 of the statement's first subject: any subject finds the attestation. */
function firstSubjectSha256(payload: Buffer): string | undefined {
  try {
    const statement = JSON.parse(payload.toString('utf8')) as {
      subject?: { digest?: { sha256?: unknown } }[]
    }
    const sha = statement.subject?.[0]?.digest?.sha256
    return typeof sha === 'string' ? sha.toLowerCase() : undefined
  } catch {
    return undefined
  }
}

/** A bundle's DSSE signature (base64, as serialised): one per signing, so it names the bundle. */
function dsseSignatureOf(bundle: unknown): string | undefined {
  if (typeof bundle !== 'object' || bundle === null) return undefined
  const envelope = (bundle as { dsseEnvelope?: { signatures?: { sig?: unknown }[] } }).dsseEnvelope
  const sig = envelope?.signatures?.[0]?.sig
  return typeof sig === 'string' ? sig : undefined
}
