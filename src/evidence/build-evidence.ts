import { createHash } from 'node:crypto'

import type { ExternalLink } from '../plan/domain.js'
import type { CiContext } from '../settings/settings.js'
import type { RemoteRelease } from '../plan/remote.js'

export const EVIDENCE_PREDICATE_TYPE =
  'https://github.com/forge-release/forge-release/blob/main/docs/evidence-v1.md'
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'

export interface EvidenceAsset {
  readonly name: string
  readonly url: string
  readonly size?: number
  readonly sha256: string
}

export interface EvidenceInput {
  readonly release: RemoteRelease
  readonly platform: string
  readonly assets: readonly EvidenceAsset[]
  readonly externalLinks: readonly ExternalLink[]
  readonly ci: CiContext
  readonly collectedAt: string
}

/**
 * The local evidence: an in-toto Statement v1 whose subjects are the release's files, so that
 * standard attestation tools (cosign attest-blob, witness, slsa-verifier) can sign and check it.
 */
export interface EvidenceStatement {
  readonly _type: typeof IN_TOTO_STATEMENT_TYPE
  readonly subject: readonly {
    readonly name: string
    readonly digest: { readonly sha256: string }
  }[]
  readonly predicateType: typeof EVIDENCE_PREDICATE_TYPE
  readonly predicate: {
    readonly platform: string
    readonly release: {
      readonly tag_name: string
      readonly name: string
      readonly description: string
      readonly commit_sha: string | null
      readonly released_at: string | null
      readonly url: string
      readonly milestones: readonly {
        readonly title: string
        readonly issues_total: number | null
        readonly issues_closed: number | null
      }[]
    }
    readonly assets: readonly {
      readonly name: string
      readonly url: string
      readonly size: number | null
      readonly sha256: string
    }[]
    readonly links: readonly {
      readonly name: string
      readonly url: string
      readonly link_type: string
    }[]
    readonly pipeline: {
      readonly system: string
      readonly pipeline_url: string | null
      readonly job_url: string | null
      readonly job_id: string | null
    }
    readonly collected_at: string
  }
}

export function buildEvidence(input: EvidenceInput): EvidenceStatement {
  const assets = [...input.assets].sort((a, b) => compareNames(a.name, b.name))
  const { release } = input
  const milestones =
    release.milestoneStats ??
    (release.milestones ?? []).map((title) => ({ title, issues: undefined }))
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: assets.map((a) => ({ name: a.name, digest: { sha256: a.sha256 } })),
    predicateType: EVIDENCE_PREDICATE_TYPE,
    predicate: {
      platform: input.platform,
      release: {
        tag_name: release.tagName,
        name: release.name,
        description: release.description,
        commit_sha: release.commitSha ?? null,
        released_at: release.releasedAt ?? null,
        url: release.webUrl,
        milestones: milestones.map((m) => ({
          title: m.title,
          issues_total: m.issues?.total ?? null,
          issues_closed: m.issues?.closed ?? null,
        })),
      },
      assets: assets.map((a) => ({
        name: a.name,
        url: a.url,
        size: a.size ?? null,
        sha256: a.sha256,
      })),
      links: [...input.externalLinks]
        .sort((a, b) => compareNames(a.name, b.name))
        .map((l) => ({ name: l.name, url: l.url, link_type: l.linkType })),
      pipeline: {
        system: input.ci.system,
        pipeline_url: input.ci.pipelineUrl ?? null,
        job_url: input.ci.jobUrl ?? null,
        job_id: input.ci.jobId ?? null,
      },
      collected_at: input.collectedAt,
    },
  }
}

export function serialiseEvidence(statement: EvidenceStatement): string {
  return `${JSON.stringify(statement, null, 2)}\n`
}

/**
 * Whether two statements say the same about the release. The collection time and the pipeline
 * that collected it are left out, so a re-run of an unchanged release keeps the evidence as is.
 */
export function sameEvidence(a: EvidenceStatement, b: EvidenceStatement): boolean {
  return JSON.stringify(essence(a)) === JSON.stringify(essence(b))
}

function essence(statement: EvidenceStatement): unknown {
  const { collected_at: _collectedAt, pipeline: _pipeline, ...rest } = statement.predicate
  return { subject: statement.subject, predicate: rest }
}

export function parseEvidence(text: string): EvidenceStatement | undefined {
  try {
    const value = JSON.parse(text) as Partial<EvidenceStatement>
    if (value._type !== IN_TOTO_STATEMENT_TYPE || value.predicateType !== EVIDENCE_PREDICATE_TYPE)
      return undefined
    return value as EvidenceStatement
  } catch {
    return undefined
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Byte order, as `sort` under LC_ALL=C and as SHA256SUMS is sorted. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}
