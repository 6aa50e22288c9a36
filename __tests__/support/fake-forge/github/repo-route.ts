/** The `/repos/:owner/:repo/…` prefix every endpoint shares: find the repository, check access. */
import type { Exchange } from '../exchange.js'
import type { Handler } from '../server.js'
import { callerOf, canPush, canRead, type Caller } from './access.js'
import type { GitHubContext } from './context.js'
import { notAccessible, notFound, requiresAuthentication } from './respond.js'
import type { Repo } from './state.js'

export type RepoHandler = (ex: Exchange, caller: Caller, repo: Repo) => Promise<void>

export const repoRoute =
  (ctx: GitHubContext, handler: RepoHandler): Handler =>
  async (ex) => {
    const caller = callerOf(ex)
    const repo = ctx.state.repo(`${ex.params.owner ?? ''}/${ex.params.repo ?? ''}`)
    if (repo === undefined || !canRead(caller, repo)) return notFound(ex)
    return handler(ex, caller, repo)
  }

/** Resolves false after answering 401 (anonymous) or 403 (read-only token). */
export const requirePush = async (ex: Exchange, caller: Caller): Promise<boolean> => {
  if (caller.token === undefined) {
    await requiresAuthentication(ex)
    return false
  }
  if (!canPush(caller)) {
    await notAccessible(ex)
    return false
  }
  return true
}

/** A route's numeric id parameter; undefined when it is not a positive integer. */
export const idParam = (ex: Exchange, name: string): number | undefined => {
  const raw = ex.params[name] ?? ''
  return /^[1-9]\d*$/.test(raw) ? Number(raw) : undefined
}
