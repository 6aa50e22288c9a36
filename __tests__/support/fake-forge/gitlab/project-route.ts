/**
 * The prologue every `/projects/:id/…` endpoint runs: authenticate (401), then find a project the
 * caller may see (404 Project Not Found), then the endpoint itself.
 */
import type { Exchange } from '../exchange.js'
import type { Handler } from '../server.js'
import { authenticate, findReadableProject, type AuthPolicy, type Caller } from './access.js'
import type { GitLabContext } from './context.js'
import type { Project } from './state.js'

export type ProjectHandler = (ex: Exchange, caller: Caller, project: Project) => Promise<void>

export const projectRoute =
  (ctx: GitLabContext, policy: AuthPolicy, handler: ProjectHandler): Handler =>
  async (ex) => {
    const caller = await authenticate(ex, ctx.state, policy)
    if (caller === undefined) return
    const project = await findReadableProject(ex, ctx.state, caller)
    if (project === undefined) return
    await handler(ex, caller, project)
  }

/** Routes that accept the CI job token (releases, links, evidence, packages). */
export const JOB_TOKEN_OK: AuthPolicy = { jobToken: true }
/** Routes that ignore JOB-TOKEN (tags, milestones, uploads, projects). */
export const NO_JOB_TOKEN: AuthPolicy = {}
