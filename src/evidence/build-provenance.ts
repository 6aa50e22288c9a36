import type { RemoteRelease } from '../plan/remote.js'
import type { CiContext } from '../settings/settings.js'
import { IN_TOTO_STATEMENT_TYPE, compareNames } from './build-evidence.js'
import { projectPageOf } from './project-page.js'

export const SLSA_PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1'
/** GitHub's own build type for a workflow run, as actions/attest-build-provenance writes it. */
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1'
export const GITHUB_BUILDER_PREFIX = 'https://github.com/actions/runner'
const DOC = 'https://github.com/forge-release/forge-release/blob/main/docs/provenance-v1.md'
/**
 * Build types documented in docs/provenance-v1.md: a GitLab CI job, a Forgejo or Gitea Actions
 * job, and a run by hand.
 */
export const GITLAB_CI_BUILD_TYPE = `${DOC}#gitlab-ci`
export const GITEA_ACTIONS_BUILD_TYPE = `${DOC}#forgejo-and-gitea-actions`
export const BY_HAND_BUILD_TYPE = `${DOC}#by-hand`

/** An in-toto ResourceDescriptor. */
export interface ResourceDescriptor {
  readonly uri?: string
  readonly name?: string
  readonly digest?: Readonly<Record<string, string>>
}

/** SLSA Provenance v1 (https://slsa.dev/spec/v1.0/provenance) about the release's files. */
export interface ProvenanceStatement {
  readonly _type: typeof IN_TOTO_STATEMENT_TYPE
  readonly subject: readonly {
    readonly name: string
    readonly digest: { readonly sha256: string }
  }[]
  readonly predicateType: typeof SLSA_PROVENANCE_TYPE
  readonly predicate: {
    readonly buildDefinition: {
      readonly buildType: string
      readonly externalParameters: Readonly<Record<string, unknown>>
      readonly internalParameters?: Readonly<Record<string, unknown>>
      readonly resolvedDependencies: readonly ResourceDescriptor[]
    }
    readonly runDetails: {
      readonly builder: { readonly id: string }
      readonly metadata?: {
        readonly invocationId?: string
        readonly startedOn?: string
      }
    }
  }
}

export interface ProvenanceInput {
  /** The same subjects as the evidence: every file of the release and SHA256SUMS. */
  readonly subjects: readonly { readonly name: string; readonly sha256: string }[]
  readonly release: RemoteRelease
  readonly ci: CiContext
}

/**
 * How the release's files came to be, in the standard form `gh attestation verify`, cosign
 * (`--type slsaprovenance1`) and slsa-verifier read: the CI's workflow or pipeline as the build
 * type, its parameters, the commit it ran at, and the run itself.
 */
export function buildProvenance(input: ProvenanceInput): ProvenanceStatement {
  const subject = [...input.subjects]
    .sort((a, b) => compareNames(a.name, b.name))
    .map((s) => ({ name: s.name, digest: { sha256: s.sha256 } }))
  const { ci, release } = input
  const projectUrl = ci.projectUrl ?? projectPageOf(release.webUrl) ?? release.webUrl
  const tagRef = `refs/tags/${release.tagName}`
  const dependencies: ResourceDescriptor[] = []
  const addSource = (ref: string | undefined, commit: string | undefined): void => {
    if (commit === undefined) return
    const uri = `git+${projectUrl}${ref === undefined ? '' : `@${ref}`}`
    if (dependencies.some((d) => d.digest?.gitCommit === commit)) return
    dependencies.push({ uri, digest: { gitCommit: commit } })
  }
  // What the workflow ran at, then the released commit when that is another one (a release
  // made from a branch pipeline tags a commit of its own choosing).
  addSource(ci.ref, ci.commitSha)
  addSource(tagRef, release.commitSha)
  const metadata = compact({ invocationId: ci.invocationUrl, startedOn: ci.startedAt })
  const runDetails = (id: string): ProvenanceStatement['predicate']['runDetails'] =>
    Object.keys(metadata).length === 0 ? { builder: { id } } : { builder: { id }, metadata }

  switch (ci.system) {
    case 'github-actions':
      if (ci.giteaActions === true) {
        // The same workflow syntax, but neither GitHub's build type nor its runners: the
        // instance's Actions ran it.
        return statement(subject, {
          buildDefinition: {
            buildType: GITEA_ACTIONS_BUILD_TYPE,
            externalParameters: {
              workflow: compact({ ref: ci.ref, repository: projectUrl, path: ci.workflowPath }),
            },
            internalParameters: { gitea: compact({ event_name: ci.trigger, job: ci.jobId }) },
            resolvedDependencies: dependencies,
          },
          runDetails: runDetails(`${ci.serverUrl ?? projectUrl}/actions`),
        })
      }
      return statement(subject, {
        buildDefinition: {
          buildType: GITHUB_WORKFLOW_BUILD_TYPE,
          externalParameters: {
            workflow: compact({ ref: ci.ref, repository: projectUrl, path: ci.workflowPath }),
          },
          internalParameters: {
            github: compact({
              event_name: ci.trigger,
              repository_id: ci.repositoryId,
              repository_owner_id: ci.repositoryOwnerId,
              runner_environment: ci.runnerEnvironment,
            }),
          },
          resolvedDependencies: dependencies,
        },
        runDetails: runDetails(
          `${GITHUB_BUILDER_PREFIX}/${ci.runnerEnvironment ?? 'github-hosted'}`,
        ),
      })
    case 'gitlab-ci':
      return statement(subject, {
        buildDefinition: {
          buildType: GITLAB_CI_BUILD_TYPE,
          externalParameters: {
            pipeline: compact({
              source: projectUrl,
              config_path: ci.workflowPath,
              ref: ci.ref,
              pipeline_source: ci.trigger,
            }),
          },
          internalParameters: {
            gitlab: compact({
              job_name: ci.jobName,
              job_id: ci.jobId,
              pipeline_url: ci.pipelineUrl,
              runner_id: ci.runnerId,
              runner_description: ci.runnerDescription,
              server_version: ci.serverVersion,
            }),
          },
          resolvedDependencies: dependencies,
        },
        runDetails: runDetails(
          ci.runnerId === undefined
            ? `${ci.serverUrl ?? projectUrl}/-/runners`
            : `${projectUrl}/-/runners/${ci.runnerId}`,
        ),
      })
    case 'none':
      return statement(subject, {
        buildDefinition: {
          buildType: BY_HAND_BUILD_TYPE,
          externalParameters: { project: projectUrl, tag_name: release.tagName },
          resolvedDependencies: dependencies,
        },
        runDetails: { builder: { id: BY_HAND_BUILD_TYPE } },
      })
  }
}

function statement(
  subject: ProvenanceStatement['subject'],
  predicate: ProvenanceStatement['predicate'],
): ProvenanceStatement {
  return { _type: IN_TOTO_STATEMENT_TYPE, subject, predicateType: SLSA_PROVENANCE_TYPE, predicate }
}

export function serialiseProvenance(statement: ProvenanceStatement): string {
  return `${JSON.stringify(statement, null, 2)}\n`
}

export function parseProvenance(text: string): ProvenanceStatement | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProvenanceStatement>
    if (value._type !== IN_TOTO_STATEMENT_TYPE || value.predicateType !== SLSA_PROVENANCE_TYPE)
      return undefined
    return value as ProvenanceStatement
  } catch {
    return undefined
  }
}

/**
 * Whether two statements say the same about how the files were made: the subjects and the build
 * definition, without the parts that describe one run (internal parameters, the run's details).
 * A re-run of the job, or another job of a build matrix, keeps the provenance as first written.
 */
export function sameProvenance(a: ProvenanceStatement, b: ProvenanceStatement): boolean {
  return JSON.stringify(essence(a)) === JSON.stringify(essence(b))
}

function essence(statement: ProvenanceStatement): unknown {
  const { buildType, externalParameters, resolvedDependencies } =
    statement.predicate.buildDefinition
  return { subject: statement.subject, buildType, externalParameters, resolvedDependencies }
}

/** Drops unset fields. */
function compact<T extends Record<string, string | undefined>>(value: T): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => entry[1] !== undefined),
  )
}
