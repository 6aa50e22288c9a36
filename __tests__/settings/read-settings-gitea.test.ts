import { readFileSync } from 'node:fs'

import { InputErrors, type ReleaseError } from '../../src/errors.js'
import { readSettings } from '../../src/settings/read-settings.js'
import type { Settings } from '../../src/settings/settings.js'

type Env = Record<string, string | undefined>

function fixture(name: string): Env {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'),
  ) as Env
}

function problemsOf(env: Env): ReleaseError[] {
  try {
    readSettings(env)
  } catch (error) {
    if (error instanceof InputErrors) return [...error.problems]
    throw error
  }
  throw new Error('readSettings accepted the environment')
}

/** A run by hand against Codeberg. */
const CODEBERG: Env = {
  INPUT_API_URL: 'https://codeberg.org/api/v1',
  INPUT_PROJECT: 'forge/app',
  INPUT_TOKEN: 'codeberg-token',
  INPUT_TAG_NAME: 'v1.0.0',
}

describe('readSettings in Forgejo and Gitea Actions', () => {
  it('reads a Forgejo Actions tag push: the runner’s server, repository, tag, commit and token', () => {
    const settings = readSettings(fixture('forgejo-actions-tag-push'))
    expect(settings).toMatchObject<Partial<Settings>>({
      platform: 'gitea',
      apiUrl: 'https://codeberg.org/api/v1',
      project: 'forge/app',
      token: 'forgejo_actions_token_value',
      tokenType: 'bearer',
      tagName: 'v3.1.0',
      ref: '0123456789abcdef0123456789abcdef01234567',
      draft: false,
      prerelease: true,
      workingDirectory: '/workspace/forge/app',
    })
    expect(settings.warnings).toEqual([])
    // Forgejo addresses a run by its number in the repository.
    expect(settings.ci).toMatchObject({
      system: 'github-actions',
      serverUrl: 'https://codeberg.org',
      projectUrl: 'https://codeberg.org/forge/app',
      pipelineUrl: 'https://codeberg.org/forge/app/actions/runs/42',
    })
  })

  it('reads a Gitea Actions job (GITEA_ACTIONS only) the same way', () => {
    expect(readSettings(fixture('gitea-actions-tag-push'))).toMatchObject<Partial<Settings>>({
      platform: 'gitea',
      apiUrl: 'https://gitea.example.com/api/v1',
      project: 'team/service',
      tagName: 'v0.9.0',
    })
  })

  it('knows the runner from GITHUB_API_URL ending in /api/v1 when the runner sets no marker', () => {
    const env = { ...fixture('gitea-actions-tag-push'), GITEA_ACTIONS: undefined }
    expect(readSettings(env).platform).toBe('gitea')
  })

  it('falls back to GITHUB_SERVER_URL/api/v1 when the runner gives no GITHUB_API_URL', () => {
    const env = { ...fixture('forgejo-actions-tag-push'), GITHUB_API_URL: undefined }
    expect(readSettings(env).apiUrl).toBe('https://codeberg.org/api/v1')
  })

  it('sends a job’s GITHUB_TOKEN to its own server only, and never to GitHub', () => {
    const job = {
      ...fixture('forgejo-actions-tag-push'),
      INPUT_TOKEN: undefined,
      GITHUB_TOKEN: 'own',
    }
    expect(readSettings(job).token).toBe('own')
    // Publishing to GitHub from a Forgejo job: GitHub's API, not the runner's server.
    const toGitHub = { ...job, INPUT_PLATFORM: 'github', INPUT_PROJECT: 'octo/app', GH_TOKEN: 'gh' }
    expect(readSettings(toGitHub)).toMatchObject({ apiUrl: 'https://api.github.com', token: 'gh' })
  })

  it('takes platform forgejo as gitea', () => {
    expect(readSettings({ ...CODEBERG, INPUT_PLATFORM: 'forgejo' }).platform).toBe('gitea')
  })
})

describe('readSettings for Forgejo/Gitea outside their Actions', () => {
  it('detects the platform from an api_url ending in /api/v1', () => {
    expect(readSettings(CODEBERG)).toMatchObject({ platform: 'gitea', tokenType: 'bearer' })
  })

  it('reads GITEA_TOKEN and FORGEJO_TOKEN, but not GITHUB_TOKEN', () => {
    const base = { ...CODEBERG, INPUT_TOKEN: undefined }
    expect(readSettings({ ...base, FORGEJO_TOKEN: 'fj' }).token).toBe('fj')
    expect(readSettings({ ...base, GITEA_TOKEN: 'gt', FORGEJO_TOKEN: 'fj' }).token).toBe('gt')
    const problems = problemsOf({ ...base, GITHUB_TOKEN: 'gh' })
    expect(problems.map((p) => p.input)).toEqual(['token'])
    expect(problems[0]?.hint).toMatch(/write:repository/)
  })

  it('asks for api_url when platform gitea has none, with a Forgejo example', () => {
    const problems = problemsOf({ ...CODEBERG, INPUT_API_URL: undefined, INPUT_PLATFORM: 'gitea' })
    expect(problems.map((p) => p.input)).toEqual(['api_url'])
    expect(problems[0]?.hint).toMatch(/codeberg\.org\/api\/v1/)
  })

  it('refuses PRIVATE-TOKEN and JOB-TOKEN, and a project that is not owner/repo', () => {
    expect(problemsOf({ ...CODEBERG, INPUT_TOKEN_TYPE: 'private' }).map((p) => p.input)).toEqual([
      'token_type',
    ])
    expect(problemsOf({ ...CODEBERG, INPUT_PROJECT: 'a/b/c' }).map((p) => p.input)).toEqual([
      'project',
    ])
  })

  it('warns when api_url does not end with /api/v1', () => {
    const settings = readSettings({
      ...CODEBERG,
      INPUT_PLATFORM: 'gitea',
      INPUT_API_URL: 'https://git.example.com/',
    })
    expect(settings.warnings).toEqual([
      'api_url https://git.example.com/ does not end with /api/v1; Forgejo/Gitea API roots usually do.',
    ])
  })

  it('applies draft, prerelease and tag_message to Forgejo/Gitea, and warns about GitHub-only inputs', () => {
    const settings = readSettings({
      ...CODEBERG,
      INPUT_DRAFT: 'true',
      INPUT_PRERELEASE: 'true',
      INPUT_TAG_MESSAGE: 'Release',
      INPUT_MAKE_LATEST: 'false',
    })
    expect(settings).toMatchObject({ draft: true, prerelease: true, tagMessage: 'Release' })
    expect(settings.warnings).toEqual([
      "Input 'make_latest' applies only to GitHub; it is ignored when publishing to Forgejo/Gitea.",
    ])
  })
})
