/**
 * The project's web page, from its release's page: what provenance names as the source when no
 * CI tells, and what `verify` expects the signer to belong to. Tags may hold slashes.
 *   GitLab   https://gitlab.com/group/app/-/releases/v1            → https://gitlab.com/group/app
 *   GitHub   https://github.com/octo/app/releases/tag/v1           → https://github.com/octo/app
 *   Gongfeng https://git.code.tencent.com/group/app/releases/v1    → https://git.code.tencent.com/group/app
 */
export function projectPageOf(releaseWebUrl: string): string | undefined {
  const gitlab = releaseWebUrl.indexOf('/-/releases/')
  if (gitlab > 0) return releaseWebUrl.slice(0, gitlab)
  const github = /^(https?:\/\/[^/]+(?:\/[^/]+){2})\/releases\/tag\//.exec(releaseWebUrl)
  if (github?.[1] !== undefined) return github[1]
  const other = releaseWebUrl.lastIndexOf('/releases/')
  return other > 0 ? releaseWebUrl.slice(0, other) : undefined
}
