import type { Platform } from '../plan/domain.js'

/** Which release to verify: where its forge's API is, which project, which tag. */
export interface ReleaseAddress {
  readonly platform: Platform
  readonly apiUrl: string
  readonly project: string
  readonly tagName: string
}

export const GITHUB_API = 'https://api.github.com'
export const GONGFENG_API = 'https://git.code.tencent.com/api/v3'
/** Hosts whose release pages are Forgejo's, though they look like GitHub's. */
const GITEA_HOSTS: readonly string[] = ['codeberg.org']

/**
 * A release's web page, as people share it, turned into its address:
 *   https://github.com/octo/app/releases/tag/v1.2.0
 *   https://gitlab.example.com/group/sub/app/-/releases/v1.2.0
 *   https://git.code.tencent.com/group/app/releases/v1.2.0
 *   https://codeberg.org/owner/app/releases/tag/v1.2.0 (Forgejo/Gitea)
 * `apiUrl` (given) wins over the API root guessed from the page: GitLab under a relative URL
 * root, or a GitHub Enterprise Server whose API is not at /api/v3. Forgejo and Gitea pages look
 * like GitHub's: they are told apart by `--platform gitea`, an `api_url` ending in /api/v1, or a
 * host known to run Forgejo (Codeberg).
 */
export function parseReleaseUrl(
  text: string,
  given: { readonly platform?: Platform; readonly apiUrl?: string } = {},
): ReleaseAddress | { readonly problem: string } {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { problem: `${JSON.stringify(text)} is not a URL` }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `${JSON.stringify(text)} is not an http(s) URL` }
  }
  const path = url.pathname.replace(/\/+$/, '')
  const host = url.hostname.toLowerCase()
  const decode = (tag: string): string => tag.split('/').map(decodeURIComponent).join('/')

  const gitlab = /^(\/.+?)\/-\/releases\/(.+)$/.exec(path)
  if (gitlab?.[1] !== undefined && gitlab[2] !== undefined && given.platform !== 'github') {
    const apiUrl = given.apiUrl ?? `${url.origin}/api/v4`
    // Under a relative URL root (https://host/gitlab/…) the project path starts after it.
    const root = new URL(apiUrl).pathname.replace(/\/api\/v4\/*$/, '')
    const projectPath = gitlab[1].startsWith(`${root}/`) ? gitlab[1].slice(root.length) : gitlab[1]
    return {
      platform: given.platform ?? 'gitlab',
      apiUrl,
      project: projectPath.slice(1),
      tagName: decode(gitlab[2]),
    }
  }
  const giteaApi = given.apiUrl !== undefined && /\/api\/v1$/.test(given.apiUrl)
  if (given.platform === 'gitea' || giteaApi || GITEA_HOSTS.includes(host)) {
    const apiUrl = given.apiUrl ?? `${url.origin}/api/v1`
    // Under a ROOT_URL with a path (https://host/git/…) the repository starts after it.
    const root = new URL(apiUrl).pathname.replace(/\/api\/v1\/*$/, '')
    const page = path.startsWith(`${root}/`) ? path.slice(root.length) : path
    const gitea = /^\/([^/]+\/[^/]+)\/releases\/tag\/(.+)$/.exec(page)
    if (gitea?.[1] !== undefined && gitea[2] !== undefined) {
      return { platform: 'gitea', apiUrl, project: gitea[1], tagName: decode(gitea[2]) }
    }
  }
  const github = /^\/([^/]+\/[^/]+)\/releases\/tag\/(.+)$/.exec(path)
  const gongfengHost = host === 'git.code.tencent.com' || host.endsWith('.tencent.com')
  if (github?.[1] !== undefined && github[2] !== undefined && !gongfengHost) {
    return {
      platform: given.platform ?? 'github',
      apiUrl:
        given.apiUrl ??
        (host === 'github.com'
          ? GITHUB_API
          : host.endsWith('.ghe.com')
            ? `https://api.${host}`
            : `${url.origin}/api/v3`),
      project: github[1],
      tagName: decode(github[2]),
    }
  }
  const other = /^\/(.+?)\/releases\/(.+)$/.exec(path)
  if (
    other?.[1] !== undefined &&
    other[2] !== undefined &&
    (gongfengHost || given.platform === 'gongfeng')
  ) {
    return {
      platform: 'gongfeng',
      apiUrl:
        given.apiUrl ?? (host === 'git.code.tencent.com' ? GONGFENG_API : `${url.origin}/api/v3`),
      project: other[1],
      tagName: decode(other[2]),
    }
  }
  return {
    problem: `${JSON.stringify(text)} is not a release page (…/releases/tag/<tag> on GitHub, Forgejo and Gitea, …/-/releases/<tag> on GitLab, …/releases/<tag> on Gongfeng)`,
  }
}
