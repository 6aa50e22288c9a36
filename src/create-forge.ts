import type { Forge } from './forges/forge.js'
import { GiteaForge } from './forges/gitea/gitea-forge.js'
import { GITHUB_WRITE_WINDOWS } from './forges/github/github-rules.js'
import { GitLabForge } from './forges/gitlab/gitlab-forge.js'
import { GongfengForge } from './forges/gongfeng/gongfeng-forge.js'
import type { WriteWindow } from './http/request-pacer.js'
import type { Transport } from './http/types.js'
import type { Logger } from './log.js'
import type { Settings } from './settings/settings.js'

/**
 * The adapter for the settings' platform: settings become the adapter's plain options here.
 * GitHub's, with Octokit, is loaded only for GitHub (bundled all the same: `eager` keeps it in
 * dist/index.js, and evaluates it on first use): the other forges start without it.
 */
export async function createForge(
  settings: Settings,
  http: Transport,
  log: Logger,
): Promise<Forge> {
  switch (settings.platform) {
    case 'gitlab':
      return new GitLabForge(
        {
          apiUrl: settings.apiUrl,
          project: settings.project,
          uploadTo: settings.uploadTo,
          packageName: settings.packageName,
          packageVersion: settings.packageVersion,
          usesJobToken: settings.tokenType === 'job',
          ...(settings.ci.serverVersion === undefined
            ? {}
            : { serverVersion: settings.ci.serverVersion }),
          ...(settings.ci.serverUrl === undefined ? {} : { serverUrl: settings.ci.serverUrl }),
          ...(settings.ci.projectUrl === undefined ? {} : { projectUrl: settings.ci.projectUrl }),
        },
        http,
        log,
      )
    case 'gongfeng':
      return new GongfengForge(
        {
          apiUrl: settings.apiUrl,
          project: settings.project,
        },
        http,
        log,
      )
    case 'github': {
      const { GitHubForge } = await import(
        /* webpackMode: "eager" */ './forges/github/github-forge.js'
      )
      return new GitHubForge(
        {
          apiUrl: settings.apiUrl,
          repository: settings.project,
          token: settings.token,
        },
        http,
        log,
      )
    }
    case 'gitea':
      return new GiteaForge({ apiUrl: settings.apiUrl, repository: settings.project }, http, log)
  }
}

/**
 * Origins that may receive the token: the API's own, and for GitHub its upload host
 * (uploads.github.com for github.com, the same host under /api/uploads on GitHub Enterprise).
 */
export function credentialOrigins(settings: Settings): string[] {
  const api = new URL(settings.apiUrl)
  if (settings.platform === 'github' && api.hostname === 'api.github.com') {
    return [api.origin, 'https://uploads.github.com']
  }
  return [api.origin]
}

/** Headers that carry the token, per token type. */
export function credentialHeaders(settings: Settings): Record<string, string> {
  switch (settings.tokenType) {
    case 'private':
      return { 'PRIVATE-TOKEN': settings.token }
    case 'job':
      return { 'JOB-TOKEN': settings.token }
    case 'bearer':
      return { Authorization: `Bearer ${settings.token}` }
  }
}

/**
 * The write limits requests are paced to: the one the user set, else the forge's documented
 * limits that its server does not announce in headers.
 */
export function writeWindowsFor(settings: Settings): readonly WriteWindow[] {
  if (settings.maxWritesPerMinute > 0)
    return [{ limit: settings.maxWritesPerMinute, windowMs: 60_000 }]
  return settings.platform === 'github' ? GITHUB_WRITE_WINDOWS : []
}

/** What a read-only adapter needs: the release's forge and project, and maybe a token. */
export interface ReaderTarget {
  readonly platform: Settings['platform']
  readonly apiUrl: string
  readonly project: string
  readonly tagName: string
  /** Empty for anonymous reads of a public project. */
  readonly token: string
}

/**
 * An adapter for reading a release as its users see it (`forge-release verify`): on GitLab the
 * release's links are its files, wherever they are stored. GitHub's is loaded as createForge
 * loads it: only for GitHub.
 */
export async function createReaderForge(
  target: ReaderTarget,
  http: Transport,
  log: Logger,
): Promise<Forge> {
  switch (target.platform) {
    case 'gitlab':
      return new GitLabForge(
        {
          apiUrl: target.apiUrl,
          project: target.project,
          uploadTo: 'project_uploads',
          packageName: 'release-assets',
          packageVersion: target.tagName,
          usesJobToken: false,
        },
        http,
        log,
      )
    case 'gongfeng':
      return new GongfengForge({ apiUrl: target.apiUrl, project: target.project }, http, log)
    case 'github': {
      const { GitHubForge } = await import(
        /* webpackMode: "eager" */ './forges/github/github-forge.js'
      )
      return new GitHubForge(
        { apiUrl: target.apiUrl, repository: target.project, token: target.token },
        http,
        log,
      )
    }
    case 'gitea':
      return new GiteaForge({ apiUrl: target.apiUrl, repository: target.project }, http, log)
  }
}
