import { projectPageOf } from '../evidence/project-page.js'
import type { Platform } from '../plan/domain.js'
import type { IdentityPolicy } from '../signing/identity-policy.js'

/** github.com's Actions OIDC issuer. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com'

/**
 * Who should have signed a release when the user does not say: the release's own project CI.
 * - GitHub: a workflow of the repository, https://github.com/owner/repo/.github/workflows/…,
 *   vouched for by GitHub Actions' issuer (github.com's, `https://token.actions.<sub>.ghe.com`
 *   on GHE.com, `https://<host>/_services/token` on GitHub Enterprise Server).
 * - GitLab: the project's CI configuration, https://host/group/app//.gitlab-ci.yml@ref, vouched
 *   for by the instance itself.
 * - Gongfeng has no OIDC issuer of its own: whoever signs runs elsewhere, so the user says who.
 * - Forgejo/Gitea: an instance's Actions tokens (where it issues them) get no certificate identity
 *   of a form Fulcio fixes for every instance, so the user says who signed, as on Gongfeng.
 * Undefined with the reason when there is no default.
 */
export function expectedSigner(
  platform: Platform,
  releaseWebUrl: string,
): IdentityPolicy | { readonly problem: string } {
  const page = projectPageOf(releaseWebUrl)
  if (page === undefined) {
    return { problem: `cannot tell the project's page from the release page ${releaseWebUrl}` }
  }
  const url = new URL(page)
  switch (platform) {
    case 'github': {
      const host = url.hostname.toLowerCase()
      const issuer =
        host === 'github.com'
          ? GITHUB_ACTIONS_ISSUER
          : host.endsWith('.ghe.com')
            ? `https://token.actions.${host}`
            : `${url.origin}/_services/token`
      return { subjectPattern: new RegExp(`^${escapeRegExp(page)}/`), issuer }
    }
    case 'gitlab':
      return { subjectPattern: new RegExp(`^${escapeRegExp(page)}//`), issuer: url.origin }
    case 'gongfeng':
      return {
        problem:
          'Gongfeng has no OIDC identity of its own, so there is no default signer: give --certificate_identity or --certificate_identity_regexp, and --certificate_oidc_issuer (the CI that signed the release)',
      }
    case 'gitea':
      return {
        problem:
          'Forgejo/Gitea has no signer identity of a fixed form, so there is no default signer: give --certificate_identity or --certificate_identity_regexp, and --certificate_oidc_issuer (the CI that signed the release)',
      }
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
