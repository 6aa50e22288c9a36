import { PLATFORMS, type Platform } from '../plan/domain.js'
import { recogniseApiUrl } from '../settings/detect-platform.js'
import type { IdentityPolicy } from '../signing/identity-policy.js'
import {
  GITHUB_API,
  GONGFENG_API,
  parseReleaseUrl,
  type ReleaseAddress,
} from './release-address.js'

export type Environment = Readonly<Record<string, string | undefined>>

/** `forge-release verify`'s flags, by name, as given. */
export interface VerifyFlags {
  readonly platform?: string
  readonly api_url?: string
  readonly project?: string
  readonly tag_name?: string
  readonly token?: string
  readonly token_type?: string
  readonly ca_file?: string
  readonly trusted_root?: string
  readonly certificate_identity?: string
  readonly certificate_identity_regexp?: string
  readonly certificate_oidc_issuer?: string
}

export const VERIFY_FLAG_NAMES: readonly (keyof VerifyFlags)[] = [
  'platform',
  'api_url',
  'project',
  'tag_name',
  'token',
  'token_type',
  'ca_file',
  'trusted_root',
  'certificate_identity',
  'certificate_identity_regexp',
  'certificate_oidc_issuer',
]

export interface VerifyRequest {
  readonly address: ReleaseAddress
  /** Empty: read anonymously (a public project). */
  readonly token: string
  readonly tokenType: 'private' | 'job' | 'bearer'
  readonly caFile?: string
  readonly trustedRoot?: string
  readonly signer: IdentityPolicy
  /** Local files to check instead of downloading the release's. */
  readonly files: readonly string[]
}

/**
 * What to verify, from the command line: a release page URL, or `--platform`, `--api_url`,
 * `--project` and `--tag_name`; files to check; whom to trust. Pure: the environment is read
 * only for a token. Every problem is returned together.
 */
export function readVerifyRequest(
  flags: VerifyFlags,
  positionals: readonly string[],
  env: Environment,
): VerifyRequest | { readonly problems: readonly string[] } {
  const problems: string[] = []
  const platform = readPlatform(flags.platform, problems)
  const [first, ...rest] = positionals
  const isUrl = first !== undefined && /^https?:\/\//i.test(first)
  const files = isUrl ? rest : positionals
  for (const file of files) {
    if (/^https?:\/\//i.test(file)) problems.push(`only one release URL may be given (${file})`)
  }

  let address: ReleaseAddress | undefined
  if (isUrl) {
    const parsed = parseReleaseUrl(first, {
      ...(platform === undefined ? {} : { platform }),
      ...(flags.api_url === undefined ? {} : { apiUrl: flags.api_url.replace(/\/+$/, '') }),
    })
    if ('problem' in parsed) problems.push(parsed.problem)
    else address = parsed
    for (const name of ['project', 'tag_name'] as const) {
      if (flags[name] !== undefined) problems.push(`--${name} and a release URL are both given`)
    }
  } else {
    address = readAddressFlags(flags, platform, problems)
  }

  const signer: IdentityPolicy = {
    ...(flags.certificate_identity === undefined ? {} : { subject: flags.certificate_identity }),
    ...(flags.certificate_oidc_issuer === undefined
      ? {}
      : { issuer: flags.certificate_oidc_issuer }),
  }
  let subjectPattern: RegExp | undefined
  if (flags.certificate_identity_regexp !== undefined) {
    try {
      subjectPattern = new RegExp(flags.certificate_identity_regexp)
    } catch (error) {
      problems.push(
        `--certificate_identity_regexp is not a regular expression: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    if (flags.certificate_identity !== undefined) {
      problems.push('give --certificate_identity or --certificate_identity_regexp, not both')
    }
  }
  const tokenType = flags.token_type ?? 'auto'
  if (!['auto', 'private', 'job', 'bearer'].includes(tokenType)) {
    problems.push(
      `--token_type ${JSON.stringify(tokenType)} is not one of auto, private, job, bearer`,
    )
  }
  if (problems.length > 0 || address === undefined) {
    return { problems: problems.length > 0 ? problems : ['no release given'] }
  }
  return {
    address,
    token: flags.token ?? findToken(env, address.platform),
    tokenType:
      tokenType === 'private' || tokenType === 'job' || tokenType === 'bearer'
        ? tokenType
        : address.platform === 'github' || address.platform === 'gitea'
          ? 'bearer'
          : 'private',
    ...(flags.ca_file === undefined ? {} : { caFile: flags.ca_file }),
    ...(flags.trusted_root === undefined ? {} : { trustedRoot: flags.trusted_root }),
    signer: subjectPattern === undefined ? signer : { ...signer, subjectPattern },
    files,
  }
}

function readPlatform(value: string | undefined, problems: string[]): Platform | undefined {
  if (value === undefined) return undefined
  // Forgejo is a fork of Gitea with the same REST API, as for publishing.
  if (value === 'forgejo') return 'gitea'
  if ((PLATFORMS as readonly string[]).includes(value)) return value as Platform
  problems.push(
    `--platform ${JSON.stringify(value)} is not one of ${[...PLATFORMS, 'forgejo'].join(', ')}`,
  )
  return undefined
}

function readAddressFlags(
  flags: VerifyFlags,
  platform: Platform | undefined,
  problems: string[],
): ReleaseAddress | undefined {
  const apiUrl =
    flags.api_url?.replace(/\/+$/, '') ??
    (platform === 'github' ? GITHUB_API : platform === 'gongfeng' ? GONGFENG_API : undefined)
  const resolved = platform ?? (apiUrl === undefined ? undefined : forgeOfApiUrl(apiUrl))
  if (flags.project === undefined && flags.tag_name === undefined && flags.api_url === undefined) {
    problems.push(
      'no release given: pass its page URL, or --platform, --api_url, --project and --tag_name',
    )
    return undefined
  }
  if (resolved === undefined)
    problems.push('--platform is needed: the API URL does not say which forge it is')
  if (apiUrl === undefined)
    problems.push('--api_url is needed (for example https://gitlab.example.com/api/v4)')
  if (flags.project === undefined) problems.push('--project is needed')
  if (flags.tag_name === undefined) problems.push('--tag_name is needed')
  if (resolved === undefined || apiUrl === undefined) return undefined
  if (flags.project === undefined || flags.tag_name === undefined) return undefined
  return { platform: resolved, apiUrl, project: flags.project, tagName: flags.tag_name }
}

/** The forge an API root names by itself (as `platform: auto` reads it), if any. */
function forgeOfApiUrl(apiUrl: string): Platform | undefined {
  try {
    return recogniseApiUrl(new URL(apiUrl))
  } catch {
    return undefined
  }
}

/** The same variables the publishing run reads a token from (never CI_JOB_TOKEN here). */
function findToken(env: Environment, platform: Platform): string {
  const names =
    platform === 'gitlab'
      ? ['FORGE_RELEASE_TOKEN', 'GITLAB_TOKEN']
      : platform === 'github'
        ? ['FORGE_RELEASE_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN']
        : platform === 'gitea'
          ? ['FORGE_RELEASE_TOKEN', 'GITEA_TOKEN', 'FORGEJO_TOKEN']
          : ['FORGE_RELEASE_TOKEN', 'GONGFENG_TOKEN']
  for (const name of names) {
    const value = env[name]?.trim()
    if (value !== undefined && value !== '') return value
  }
  return ''
}
