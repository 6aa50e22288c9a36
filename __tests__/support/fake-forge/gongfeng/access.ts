/**
 * Who is calling and what they may do. "每个API调用都需要认证" ("使用前必读"): every call needs a
 * token, as the `PRIVATE-TOKEN` header or the `private_token` query parameter; without a valid
 * one → 401 `{"message":"401 Unauthorized"}`. A project the caller may not see answers 404
 * ("也可能是账号没有该项目的权限（为防止黑客撞库获取库列表）").
 */
import type { Exchange } from '../exchange.js'
import type { Handler } from '../server.js'
import type { GongfengContext } from './context.js'
import { forbidden, notFound, unauthorized } from './respond.js'
import { ACCESS_RANK, type AccessLevel, type Project, type TokenRecord } from './state.js'

export interface Caller {
  readonly token: TokenRecord
  readonly access: AccessLevel
}

/** Resolves to the token's record, or undefined after answering 401. */
export const authenticate = async (
  ex: Exchange,
  ctx: GongfengContext,
): Promise<TokenRecord | undefined> => {
  const header = ex.header('private-token')
  const query = ex.query.get('private_token')
  if (header !== undefined) ctx.auth.header += 1
  else if (query !== null) ctx.auth.query += 1
  const value = header ?? query ?? undefined
  const record = value === undefined ? undefined : ctx.state.tokenRecord(value)
  if (record === undefined) {
    await unauthorized(ex)
    return undefined
  }
  return record
}

export type ProjectHandler = (ex: Exchange, caller: Caller, project: Project) => Promise<void>

export interface ProjectRouteOptions {
  /** Least role for the endpoint; below it → 403. Reads need reporter on a private project. */
  readonly role?: AccessLevel
}

/** Authenticate (401), find a project the caller may see (404), check the role (403), run. */
export const projectRoute =
  (ctx: GongfengContext, options: ProjectRouteOptions, handler: ProjectHandler): Handler =>
  async (ex) => {
    const token = await authenticate(ex, ctx)
    if (token === undefined) return
    const project = ctx.state.findProject(ex.params.id ?? '')
    const access = project === undefined ? 'none' : ctx.state.accessOf(token, project)
    if (project === undefined || (!project.public && ACCESS_RANK[access] < ACCESS_RANK.guest)) {
      return notFound(ex)
    }
    const needed = options.role ?? (project.public ? 'none' : 'reporter')
    if (ACCESS_RANK[access] < ACCESS_RANK[needed]) return forbidden(ex)
    await handler(ex, { token, access }, project)
  }
