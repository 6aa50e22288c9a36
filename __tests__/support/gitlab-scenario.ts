/** A fake GitLab with one project, a commit on main, tokens and milestones, for end-to-end tests. */
import { startFakeGitLab, type FakeGitLab, type FakeGitLabOptions } from './fake-forge/index.js'
import type { Env } from './run-tool.js'

export const PRIVATE_TOKEN = 'glpat-Secr3tT0ken-xyz987'
export const JOB_TOKEN = 'glcbt-J0bT0ken-abc123456'
export const PROJECT = 'group/app'

export interface GitLabScenario {
  readonly gitlab: FakeGitLab
  readonly mainSha: string
  env(extra?: Env): Env
  jobEnv(extra?: Env): Env
  close(): Promise<void>
}

export async function startGitLabScenario(
  options: FakeGitLabOptions = {},
): Promise<GitLabScenario> {
  const gitlab = await startFakeGitLab({
    projects: [{ id: 42, path_with_namespace: PROJECT, visibility: 'private' }],
    tokens: {
      [PRIVATE_TOKEN]: { type: 'private', access: 'maintainer' },
      [JOB_TOKEN]: { type: 'job', access: 'developer' },
    },
    ...options,
  })
  const project = gitlab.project(PROJECT)
  const mainSha = project.branches.get('main') ?? ''
  for (const title of ['v1.0', 'v1.1']) {
    gitlab.state.addMilestone(PROJECT, { title, issueStats: { total: 5, closed: 3 } })
  }
  const base = (extra: Env): Env => ({
    INPUT_API_URL: gitlab.apiUrl,
    INPUT_PROJECT: PROJECT,
    INPUT_PLATFORM: 'gitlab',
    INPUT_VERIFY: 'true',
    ...extra,
  })
  return {
    gitlab,
    mainSha,
    env: (extra = {}) =>
      base({ INPUT_TOKEN: PRIVATE_TOKEN, INPUT_TOKEN_TYPE: 'private', ...extra }),
    // As a GitLab CI job sees it: predefined variables only, the job token as credential.
    jobEnv: (extra = {}) => ({
      GITLAB_CI: 'true',
      CI: 'true',
      CI_API_V4_URL: gitlab.apiUrl,
      CI_SERVER_URL: gitlab.url,
      // Every GitLab CI job has it; the job token may not read /version.
      CI_SERVER_VERSION: gitlab.config.version,
      CI_PROJECT_ID: '42',
      CI_PROJECT_URL: `${gitlab.url}/${PROJECT}`,
      CI_JOB_TOKEN: JOB_TOKEN,
      CI_COMMIT_SHA: mainSha,
      CI_PIPELINE_URL: `${gitlab.url}/${PROJECT}/-/pipelines/7`,
      CI_JOB_URL: `${gitlab.url}/${PROJECT}/-/jobs/99`,
      CI_JOB_ID: '99',
      ...extra,
    }),
    close: () => gitlab.close(),
  }
}
