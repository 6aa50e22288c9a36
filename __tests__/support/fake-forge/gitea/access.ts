/**
 * Who is calling and what they may do, as Forgejo/Gitea decide it before a handler runs:
 *
 * - the token comes as `Authorization: token <t>` or `Authorization: Bearer <t>`
 *   (services/auth/oauth2.go parseToken: `auths[0] == "token" || strings.ToLower(auths[0]) ==
 *   "bearer"`); a token no user has is a 401, even where an anonymous request would do;
 * - a private repository answers 404 to whoever may not read it (repoAssignment);
 * - writes need a signed-in user (`reqToken()` → 401 "token is required") with write access
 *   (`reqRepoWriter` → 403), and a scoped token needs `write:repository`
 *   (`tokenRequiresScopes(AccessTokenScopeCategoryRepository)`; reads need `read:repository`).
 */
import type { Exchange } from '../exchange.js'
import type { Handler } from '../server.js'
import type { GiteaContext } from './context.js'
import { invalidToken, missingScope, notFound, notWriter, tokenRequired } from './respond.js'
import type { Repo, TokenRecord } from './state.js'

export interface Caller {
  /** Undefined when anonymous. */
  readonly token: TokenRecord | undefined
}

/** Resolves to the caller, or undefined after answering 401 for a token nobody has. */
export const authenticate = async (
  ex: Exchange,
  ctx: GiteaContext,
): Promise<Caller | undefined> => {
  const authorization = ex.header('authorization')
  if (authorization === undefined) return { token: undefined }
  const fields = authorization.trim().split(/\s+/)
  const [scheme = '', value] = fields
  if (fields.length !== 2 || (scheme !== 'token' && scheme.toLowerCase() !== 'bearer')) {
    return { token: undefined }
  }
  const token = ctx.state.tokens.get(value ?? '')
  if (token === undefined) {
    await invalidToken(ex)
    return undefined
  }
  return { token }
}

export const canRead = (caller: Caller, repo: Repo): boolean =>
  !repo.private || caller.token !== undefined

export const canWrite = (caller: Caller): boolean => caller.token?.permission === 'write'

const scopeHeld = (token: TokenRecord, write: boolean): boolean =>
  token.scopes.has('all') ||
  token.scopes.has('write:repository') ||
  (!write && token.scopes.has('read:repository'))

export type RepoHandler = (ex: Exchange, caller: Caller, repo: Repo) => Promise<void>

/** The `/repos/:owner/:repo/…` prefix: authenticate, find the repository, check scope and access. */
export const repoRoute =
  (ctx: GiteaContext, options: { readonly write?: boolean }, handler: RepoHandler): Handler =>
  async (ex) => {
    const caller = await authenticate(ex, ctx)
    if (caller === undefined) return
    const repo = ctx.state.repo(`${ex.params.owner ?? ''}/${ex.params.repo ?? ''}`)
    if (repo === undefined || !canRead(caller, repo)) return notFound(ex)
    const write = options.write ?? false
    const { token } = caller
    if (token !== undefined && !scopeHeld(token, write)) {
      return missingScope(
        ex,
        write ? 'write:repository' : 'read:repository',
        [...token.scopes].join(','),
      )
    }
    if (write && token === undefined) return tokenRequired(ex)
    if (write && !canWrite(caller)) return notWriter(ex)
    return handler(ex, caller, repo)
  }

/** A route's numeric id parameter; undefined when it is not a positive integer. */
export const idParam = (ex: Exchange, name: string): number | undefined => {
  const raw = ex.params[name] ?? ''
  return /^[1-9]\d*$/.test(raw) ? Number(raw) : undefined
}
