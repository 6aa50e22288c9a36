import type { Platform } from './inputs.js'
import type { CiSystem } from './ci-environment.js'

export const GONGFENG_API_URL = 'https://git.code.tencent.com/api/v3'
export const GITHUB_API_URL = 'https://api.github.com'

/** The forge an API root unmistakably belongs to, or undefined when the URL alone cannot tell. */
export function recogniseApiUrl(url: URL): Platform | undefined {
  const host = url.hostname.toLowerCase()
  const path = url.pathname.replace(/\/+$/, '')
  if (
    host === 'git.code.tencent.com' ||
    host === 'git.tencent.com' ||
    host.endsWith('.tencent.com')
  ) {
    return 'gongfeng'
  }
  // GitHub.com and GitHub Enterprise Cloud with data residency (api.<subdomain>.ghe.com).
  if (host === 'api.github.com' || (host.startsWith('api.') && host.endsWith('.ghe.com'))) {
    return 'github'
  }
  if (path.endsWith('/api/v4')) return 'gitlab'
  // Forgejo and Gitea serve their REST API at <ROOT_URL>/api/v1 (Codeberg, gitea.com, self-hosted).
  if (path.endsWith('/api/v1')) return 'gitea'
  return undefined
}

export type Detection =
  | {
      readonly platform: Platform
      /** Said when the guess could be wrong, with how to choose the other forge. */
      readonly notice?: string
    }
  | { readonly problem: string; readonly hint: string }

/**
 * `platform: auto`. An `api_url` that names its forge decides (any runtime may publish to any
 * forge); otherwise the CI system does, and GitHub Actions runs on GitHub unless a Forgejo or
 * Gitea runner says it is theirs (`giteaActions`, see isGiteaActions). `/api/v3` on an unknown
 * host is Gongfeng (self-hosted) or GitHub Enterprise Server, never GitLab (it removed API v3 in
 * 9.0, 2017): under GitHub Actions it is taken for GitHub Enterprise Server, elsewhere for
 * Gongfeng, and either guess says how to choose the other.
 */
export function detectPlatform(
  apiUrl: URL | undefined,
  system: CiSystem,
  giteaActions = false,
): Detection {
  const recognised = apiUrl === undefined ? undefined : recogniseApiUrl(apiUrl)
  if (recognised !== undefined) return { platform: recognised }
  if (apiUrl !== undefined && apiUrl.pathname.replace(/\/+$/, '').endsWith('/api/v3')) {
    const root = `${apiUrl.origin}${apiUrl.pathname.replace(/\/+$/, '')}`
    return system === 'github-actions'
      ? {
          platform: 'github',
          notice: `api_url ${root} ends with /api/v3: publishing to GitHub Enterprise Server. For a self-hosted Gongfeng, set platform: gongfeng.`,
        }
      : {
          platform: 'gongfeng',
          notice: `api_url ${root} ends with /api/v3, which GitLab no longer serves: publishing to Gongfeng. For GitHub Enterprise Server, set platform: github.`,
        }
  }
  const hint = 'Set platform to gitlab, gongfeng, github or gitea (Forgejo and Gitea).'
  if (system === 'github-actions') return { platform: giteaActions ? 'gitea' : 'github' }
  if (system === 'gitlab-ci') return { platform: 'gitlab' }
  if (apiUrl === undefined) {
    return {
      problem:
        'cannot tell which forge to publish to: not running in GitHub, Forgejo or Gitea Actions or GitLab CI, and no api_url given.',
      hint: `${hint} Or give api_url (for example https://gitlab.example.com/api/v4 or https://codeberg.org/api/v1).`,
    }
  }
  return { problem: `cannot tell which forge ${apiUrl.origin}${apiUrl.pathname} is.`, hint }
}
