/** A fake GitHub with one private repository, a commit on main and tokens, for end-to-end tests. */
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fake-forge/github.js'
import type { Env } from './run-tool.js'

export const GITHUB_TOKEN = 'ghs_Secr3tInstallati0nT0ken42'
export const READ_TOKEN = 'ghp_ReadOnlyT0kenForTests123'
export const REPOSITORY = 'octo/app'

export interface GitHubScenario {
  readonly github: FakeGitHub
  readonly mainSha: string
  /** Inputs for a run by hand (CLI): platform, api_url, project and token given explicitly. */
  env(extra?: Env): Env
  /** As a GitHub Actions job on a tag push sees it: predefined variables and the token input. */
  actionsEnv(tag: string, extra?: Env): Env
  close(): Promise<void>
}

export async function startGitHubScenario(
  options: FakeGitHubOptions = {},
): Promise<GitHubScenario> {
  const github = await startFakeGitHub({
    repos: [{ fullName: REPOSITORY }],
    tokens: {
      [GITHUB_TOKEN]: { permission: 'write', login: 'github-actions[bot]' },
      [READ_TOKEN]: { permission: 'read', login: 'reader' },
    },
    ...options,
  })
  const mainSha = github.repo(REPOSITORY).branches.get('main') ?? ''
  return {
    github,
    mainSha,
    env: (extra = {}) => ({
      INPUT_PLATFORM: 'github',
      INPUT_API_URL: github.apiUrl,
      INPUT_PROJECT: REPOSITORY,
      INPUT_TOKEN: GITHUB_TOKEN,
      INPUT_REF: mainSha,
      ...extra,
    }),
    actionsEnv: (tag, extra = {}) => ({
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SERVER_URL: github.webUrl,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_REF: `refs/tags/${tag}`,
      GITHUB_REF_NAME: tag,
      GITHUB_SHA: mainSha,
      GITHUB_RUN_ID: '4242',
      GITHUB_JOB: 'release',
      INPUT_TOKEN: GITHUB_TOKEN,
      ...extra,
    }),
    close: () => github.close(),
  }
}
