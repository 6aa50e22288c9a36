import type { CiContext } from './settings.js'
import type { Environment } from './read-input.js'

export type CiSystem = CiContext['system']

export function detectCiSystem(env: Environment): CiSystem {
  if (env.GITHUB_ACTIONS === 'true') return 'github-actions'
  if (env.GITLAB_CI === 'true') return 'gitlab-ci'
  return 'none'
}

/**
 * Forgejo and Gitea Actions run GitHub-style workflows: their runners set GITHUB_ACTIONS=true
 * and the GITHUB_* variables (GITHUB_API_URL is `<ROOT_URL>/api/v1`), and tell themselves apart
 * with GITEA_ACTIONS=true (act_runner and forgejo-runner) and FORGEJO_ACTIONS=true
 * (forgejo-runner, internal/app/run/runner.go). Any of these says whose server runs the job.
 */
export function isGiteaActions(env: Environment): boolean {
  if (env.GITHUB_ACTIONS !== 'true') return false
  return (
    env.GITEA_ACTIONS === 'true' ||
    env.FORGEJO_ACTIONS === 'true' ||
    /\/api\/v1\/*$/.test(readVariable(env, 'GITHUB_API_URL') ?? '')
  )
}

/** A variable's value, or undefined when unset or empty (CI systems export empty strings). */
export function readVariable(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/** The run's CI facts, for evidence and for defaults. */
export function readCiContext(env: Environment, system: CiSystem): CiContext {
  const v = (name: string): string | undefined => readVariable(env, name)
  if (system === 'gitlab-ci') {
    const tag = v('CI_COMMIT_TAG')
    const branch = v('CI_COMMIT_BRANCH')
    return compact({
      system,
      serverUrl: v('CI_SERVER_URL'),
      serverVersion: v('CI_SERVER_VERSION'),
      projectUrl: v('CI_PROJECT_URL'),
      pipelineUrl: v('CI_PIPELINE_URL'),
      jobUrl: v('CI_JOB_URL'),
      jobId: v('CI_JOB_ID'),
      jobToken: v('CI_JOB_TOKEN'),
      projectPath: v('CI_PROJECT_PATH'),
      ref:
        tag !== undefined
          ? `refs/tags/${tag}`
          : branch !== undefined
            ? `refs/heads/${branch}`
            : undefined,
      commitSha: v('CI_COMMIT_SHA'),
      trigger: v('CI_PIPELINE_SOURCE'),
      workflowPath: v('CI_CONFIG_PATH') ?? '.gitlab-ci.yml',
      invocationUrl: v('CI_JOB_URL'),
      jobName: v('CI_JOB_NAME'),
      runnerId: v('CI_RUNNER_ID'),
      runnerDescription: v('CI_RUNNER_DESCRIPTION'),
      startedAt: v('CI_JOB_STARTED_AT'),
    })
  }
  if (system === 'github-actions') {
    const server = v('GITHUB_SERVER_URL')?.replace(/\/+$/, '')
    const repository = v('GITHUB_REPOSITORY')
    const gitea = isGiteaActions(env)
    // Forgejo and Gitea address a run by its number in the repository (ActionRun.Link: run.Index,
    // which the runner exports as GITHUB_RUN_NUMBER); GitHub by its id.
    const runId = gitea ? (v('GITHUB_RUN_NUMBER') ?? v('GITHUB_RUN_ID')) : v('GITHUB_RUN_ID')
    const projectUrl =
      server !== undefined && repository !== undefined ? `${server}/${repository}` : undefined
    const pipelineUrl =
      projectUrl !== undefined && runId !== undefined
        ? `${projectUrl}/actions/runs/${runId}`
        : undefined
    // GitHub addresses each attempt of a run; Forgejo and Gitea only the run.
    const attempt = gitea ? undefined : v('GITHUB_RUN_ATTEMPT')
    return compact({
      system,
      ...(gitea ? { giteaActions: true } : {}),
      serverUrl: server,
      projectUrl,
      pipelineUrl,
      // GitHub exposes no numeric job id to the job; GITHUB_JOB is the job's key in the workflow.
      jobId: v('GITHUB_JOB'),
      projectPath: repository,
      ref: v('GITHUB_REF'),
      commitSha: v('GITHUB_SHA'),
      trigger: v('GITHUB_EVENT_NAME'),
      workflowPath: workflowPathOf(v('GITHUB_WORKFLOW_REF'), repository),
      invocationUrl:
        pipelineUrl !== undefined && attempt !== undefined
          ? `${pipelineUrl}/attempts/${attempt}`
          : pipelineUrl,
      repositoryId: v('GITHUB_REPOSITORY_ID'),
      repositoryOwnerId: v('GITHUB_REPOSITORY_OWNER_ID'),
      runnerEnvironment: v('RUNNER_ENVIRONMENT'),
    })
  }
  return { system }
}

/** The tag the pipeline runs for, if it runs for one. */
export function readCiTag(env: Environment, system: CiSystem): string | undefined {
  if (system === 'gitlab-ci') return readVariable(env, 'CI_COMMIT_TAG')
  if (system === 'github-actions') {
    const ref = readVariable(env, 'GITHUB_REF')
    return ref?.startsWith('refs/tags/') === true ? ref.slice('refs/tags/'.length) : undefined
  }
  return undefined
}

export function readCiCommit(env: Environment, system: CiSystem): string | undefined {
  if (system === 'gitlab-ci') return readVariable(env, 'CI_COMMIT_SHA')
  if (system === 'github-actions') return readVariable(env, 'GITHUB_SHA')
  return undefined
}

/**
 * The workflow file from GITHUB_WORKFLOW_REF (`octo/app/.github/workflows/release.yml@refs/tags/v1`):
 * https://docs.github.com/actions/reference/workflows-and-actions/variables
 */
function workflowPathOf(
  workflowRef: string | undefined,
  repository: string | undefined,
): string | undefined {
  if (workflowRef === undefined) return undefined
  const at = workflowRef.lastIndexOf('@')
  const file = at < 0 ? workflowRef : workflowRef.slice(0, at)
  const prefix = repository === undefined ? '' : `${repository}/`
  return file.startsWith(prefix) ? file.slice(prefix.length) : file
}

/** Drops unset fields, so the context holds only what the CI system told. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
