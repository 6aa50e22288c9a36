/**
 * Who is calling and whether they may: the checks GitHub makes before any endpoint runs
 * (User-Agent, API version, credentials) and the repository visibility rules.
 *
 * - "Requests without a valid `User-Agent` header will be rejected" → 403, plain text.
 * - An unknown `X-GitHub-Api-Version` → 400; a missing one means the default version.
 * - `Authorization: Bearer <t>` or `token <t>`; an unknown token → 401 "Bad credentials", even
 *   on endpoints that would answer anonymously.
 * - A private repository answers 404 to anyone who may not see it ("Private resources without
 *   proper auth → 404, not 403").
 */
import type { Exchange } from '../exchange.js'
import type { GitHubConfig } from './context.js'
import { apiError, badCredentials, USER_AGENT_REQUIRED } from './respond.js'
import type { GitHubState, Repo, TokenRecord } from './state.js'

export interface Caller {
  /** Undefined when anonymous. */
  readonly token: TokenRecord | undefined
}

const callers = new WeakMap<Exchange, Caller>()

/** The caller an earlier `checkRequest` found (anonymous when none ran). */
export const callerOf = (ex: Exchange): Caller => callers.get(ex) ?? { token: undefined }

/**
 * The checks before routing; resolves true when it answered. Run by the API and uploads servers
 * (not by the download server, which is a storage service that knows nothing of tokens).
 */
export const checkRequest = async (
  ex: Exchange,
  state: GitHubState,
  config: GitHubConfig,
): Promise<boolean> => {
  const userAgent = ex.header('user-agent')
  if (userAgent === undefined || userAgent.trim() === '') {
    await ex.text(403, USER_AGENT_REQUIRED)
    return true
  }
  const version = ex.header('x-github-api-version')
  if (version !== undefined && !config.apiVersions.includes(version.trim())) {
    // The docs say only "unknown version → 400"; the message wording is ours.
    await apiError(ex, 400, `Unsupported API version: ${version}`)
    return true
  }
  const authorization = ex.header('authorization')
  if (authorization === undefined) {
    callers.set(ex, { token: undefined })
    return false
  }
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(authorization)
  const token = match?.[1] === undefined ? undefined : state.tokens.get(match[1])
  if (token === undefined) {
    await badCredentials(ex)
    return true
  }
  callers.set(ex, { token })
  return false
}

export const canRead = (caller: Caller, repo: Repo): boolean =>
  !repo.private || caller.token !== undefined

/** "Users with push access to the repository can create a release" (and see drafts). */
export const canPush = (caller: Caller): boolean => caller.token?.permission === 'write'
