import { envelopeToJSON, type TransparencyLogEntry } from '@sigstore/bundle'
import type { SignatureBundle, VerificationMaterial, Witness } from '@sigstore/sign'

import { ReleaseError } from '../errors.js'
import type { Transport } from '../http/types.js'

/** One entry of Rekor's answer (API v1, "createLogEntry" / "getLogEntryByUUID"). */
interface RekorEntry {
  readonly body: string
  readonly integratedTime: number
  readonly logID: string
  readonly logIndex: number
  readonly verification?: {
    readonly signedEntryTimestamp?: string
    readonly inclusionProof?: {
      readonly logIndex: number
      readonly treeSize: number
      readonly rootHash: string
      readonly hashes: readonly string[]
      readonly checkpoint: string
    }
  }
}

export interface RekorWitnessOptions {
  readonly http: Transport
  readonly rekorUrl: string
}

/**
 * A @sigstore/sign Witness that records the signed envelope in Rekor through the tool's own
 * transport, as a `dsse` entry (what cosign and sigstore-js write for attestations). The answer's
 * signed entry timestamp and inclusion proof go into the bundle, so the signature can be checked
 * offline. https://github.com/sigstore/rekor/blob/main/openapi.yaml
 */
export function createRekorWitness(options: RekorWitnessOptions): Witness {
  return {
    async testify(content: SignatureBundle, publicKey: string): Promise<VerificationMaterial> {
      if (content.$case !== 'dsseEnvelope') {
        throw new ReleaseError({ code: 'INTERNAL', message: 'Only DSSE envelopes are logged.' })
      }
      const proposed = {
        apiVersion: '0.0.1',
        kind: 'dsse',
        spec: {
          proposedContent: {
            envelope: JSON.stringify(envelopeToJSON(content.dsseEnvelope)),
            verifiers: [Buffer.from(publicKey).toString('base64')],
          },
        },
      }
      const entry = await createEntry(options, proposed)
      return { tlogEntries: [toTransparencyLogEntry(entry)] }
    },
  }
}

async function createEntry(options: RekorWitnessOptions, proposed: unknown): Promise<RekorEntry> {
  const entries = `${options.rekorUrl}/api/v1/log/entries`
  const created = await options.http.request<Record<string, RekorEntry> | undefined>({
    method: 'POST',
    url: entries,
    body: { kind: 'json', value: proposed },
    // The log keeps one entry per signature: when an answer was lost, sending the entry again
    // gets 409 and the address of the entry that landed, which is then read.
    idempotent: true,
    acceptStatus: [409],
    label: 'record the signature in Rekor',
  })
  if (created.status !== 409) return onlyEntry(created.body, options.rekorUrl)
  const location = created.headers['location']
  if (location === undefined) {
    throw new ReleaseError({
      code: 'HTTP',
      message: `Rekor (${options.rekorUrl}) says the entry exists but not where.`,
      hint: 'Re-run the job: it signs again with a new key.',
    })
  }
  const existing = await options.http.request<Record<string, RekorEntry> | undefined>({
    method: 'GET',
    url: new URL(location, `${options.rekorUrl}/`).href,
    label: 'read the Rekor entry of the signature',
  })
  return onlyEntry(existing.body, options.rekorUrl)
}

function onlyEntry(body: Record<string, RekorEntry> | undefined, rekorUrl: string): RekorEntry {
  const entries = Object.values(body ?? {})
  const [entry] = entries
  if (entries.length !== 1 || entry === undefined || typeof entry.body !== 'string') {
    throw new ReleaseError({
      code: 'HTTP',
      message: `Rekor (${rekorUrl}) answered with ${entries.length} log entries instead of one.`,
      hint: 'Check rekor_url: it should be the root of a Rekor instance.',
    })
  }
  return entry
}

/** Rekor's JSON entry as the bundle's TransparencyLogEntry (as @sigstore/sign converts it). */
function toTransparencyLogEntry(entry: RekorEntry): TransparencyLogEntry {
  const body = JSON.parse(Buffer.from(entry.body, 'base64').toString('utf8')) as {
    kind: string
    apiVersion: string
  }
  const proof = entry.verification?.inclusionProof
  const set = entry.verification?.signedEntryTimestamp
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: Buffer.from(entry.logID, 'hex') },
    integratedTime: String(entry.integratedTime),
    kindVersion: { kind: body.kind, version: body.apiVersion },
    inclusionPromise:
      set === undefined ? undefined : { signedEntryTimestamp: Buffer.from(set, 'base64') },
    inclusionProof:
      proof === undefined
        ? undefined
        : {
            logIndex: String(proof.logIndex),
            treeSize: String(proof.treeSize),
            rootHash: Buffer.from(proof.rootHash, 'hex'),
            hashes: proof.hashes.map((hash) => Buffer.from(hash, 'hex')),
            checkpoint: { envelope: proof.checkpoint },
          },
    canonicalizedBody: Buffer.from(entry.body, 'base64'),
  }
}
