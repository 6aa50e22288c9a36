/**
 * A fake Forgejo/Gitea with one private repository, a commit on main and tokens, for end-to-end
 * tests: a run by hand, and a job as Forgejo Actions runs it.
 */
import { startFakeGitea, type FakeGitea, type FakeGiteaOptions } from './fake-forge/index.js'
import type { Env } from './run-tool.js'

export const GITEA_TOKEN = 'fj_Secr3tForgejoT0ken_9a8b7c6d'
export const GITEA_READ_TOKEN = 'fj_ReadOnlyT0kenForTests_1234'
export const REPOSITORY = 'forge/app'

export interface GiteaScenario {
  readonly gitea: FakeGitea
  readonly mainSha: string
  /** Inputs for a run by hand (CLI): platform, api_url, project, token and ref given. */
  env(extra?: Env): Env
  /**
   * A job of a Forgejo Actions workflow on a tag push, as forgejo-runner sets it up
   * (internal/app/run/runner.go and the act GitHub context): GITHUB_* pointing at the Forgejo
   * server, GITEA_ACTIONS and FORGEJO_ACTIONS, and `token` from the action's default
   * `${{ github.token }}`. No platform, api_url or project input.
   */
  actionsEnv(tag: string, extra?: Env): Env
  close(): Promise<void>
}

export async function startGiteaScenario(options: FakeGiteaOptions = {}): Promise<GiteaScenario> {
  const gitea = await startFakeGitea({
    repos: [{ fullName: REPOSITORY }],
    tokens: {
      [GITEA_TOKEN]: { permission: 'write', login: 'forgejo-actions' },
      [GITEA_READ_TOKEN]: { permission: 'read', login: 'reader', scopes: ['read:repository'] },
    },
    ...options,
  })
  const mainSha = gitea.repo(REPOSITORY).branches.get('main') ?? ''
  return {
    gitea,
    mainSha,
    env: (extra = {}) => ({
      INPUT_PLATFORM: 'gitea',
      INPUT_API_URL: gitea.apiUrl,
      INPUT_PROJECT: REPOSITORY,
      INPUT_TOKEN: GITEA_TOKEN,
      INPUT_REF: mainSha,
      ...extra,
    }),
    actionsEnv: (tag, extra = {}) => ({
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITEA_ACTIONS: 'true',
      GITEA_ACTIONS_RUNNER_VERSION: 'v11.1.2',
      FORGEJO_ACTIONS: 'true',
      FORGEJO_ACTIONS_RUNNER_VERSION: 'v11.1.2',
      GITHUB_SERVER_URL: gitea.webUrl,
      GITHUB_API_URL: gitea.apiUrl,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_REPOSITORY_OWNER: 'forge',
      GITHUB_REF: `refs/tags/${tag}`,
      GITHUB_REF_NAME: tag,
      GITHUB_REF_TYPE: 'tag',
      GITHUB_SHA: mainSha,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_RUN_ID: '9041',
      GITHUB_RUN_NUMBER: '17',
      GITHUB_JOB: 'release',
      GITHUB_ACTOR: 'forge',
      INPUT_TOKEN: GITEA_TOKEN,
      ...extra,
    }),
    close: () => gitea.close(),
  }
}
