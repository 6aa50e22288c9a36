/**
 * Who is calling and what they may do: credential lookup (lib/gitlab/auth/auth_finders.rb) and
 * the role checks of the endpoints the fake serves.
 *
 * A CI job token only counts on routes that opt in (`job_token_allowed`: releases, release
 * links, evidence, generic packages, the packages API). Elsewhere the JOB-TOKEN header is not
 * looked at, so the request is anonymous: reads of a public project work, writes get 401.
 */
import type { Exchange } from '../exchange.js'
import { notFound, unauthorized } from './respond.js'
import {
  ACCESS_RANK,
  type AccessLevel,
  type GitLabState,
  type Project,
  type TokenRecord,
} from './state.js'

export interface AuthPolicy {
  /** The route accepts CI job tokens (`route_setting :authentication, job_token_allowed: true`). */
  readonly jobToken?: boolean
  /** The route accepts HTTP Basic (generic packages: any username + token as password). */
  readonly basic?: boolean
  /** Even GETs need a user (e.g. `GET /version`). */
  readonly requireUser?: boolean
}

export interface Caller {
  /** Undefined for an anonymous request. */
  readonly token: TokenRecord | undefined
}

type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly value: string; readonly accepts: readonly string[] }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }

const findCredential = (ex: Exchange, policy: AuthPolicy): Credential => {
  const privateToken = ex.header('private-token') ?? ex.query.get('private_token') ?? undefined
  if (privateToken !== undefined)
    return { kind: 'token', value: privateToken, accepts: ['private'] }
  const authorization = ex.header('authorization')
  if (authorization !== undefined) {
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization)
    if (bearer?.[1] !== undefined) {
      return { kind: 'token', value: bearer[1].trim(), accepts: ['private', 'oauth'] }
    }
    const basic = /^Basic\s+(.+)$/i.exec(authorization)
    if (basic?.[1] !== undefined && policy.basic === true) {
      const decoded = Buffer.from(basic[1].trim(), 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      return {
        kind: 'basic',
        username: colon === -1 ? decoded : decoded.slice(0, colon),
        password: colon === -1 ? '' : decoded.slice(colon + 1),
      }
    }
  }
  const accessToken = ex.query.get('access_token')
  if (accessToken !== null) return { kind: 'token', value: accessToken, accepts: ['oauth'] }
  if (policy.jobToken === true) {
    const job = ex.header('job-token') ?? ex.query.get('job_token') ?? undefined
    if (job !== undefined) return { kind: 'token', value: job, accepts: ['job'] }
  }
  return { kind: 'none' }
}

/** Resolves to the caller, or undefined after answering 401. */
export const authenticate = async (
  ex: Exchange,
  state: GitLabState,
  policy: AuthPolicy = {},
): Promise<Caller | undefined> => {
  const credential = findCredential(ex, policy)
  let token: TokenRecord | undefined
  if (credential.kind === 'token') {
    token = state.tokenRecord(credential.value)
    if (token === undefined || !credential.accepts.includes(token.type)) token = undefined
    if (token === undefined || token.expired) {
      await unauthorized(ex)
      return undefined
    }
  } else if (credential.kind === 'basic') {
    token = state.tokenRecord(credential.password)
    // A job token over Basic auth must name the `gitlab-ci-token` user.
    const jobOk =
      token?.type === 'job' && policy.jobToken === true && credential.username === 'gitlab-ci-token'
    if (token === undefined || token.expired || (token.type !== 'private' && !jobOk)) {
      await unauthorized(ex)
      return undefined
    }
  }
  const write = ex.method !== 'GET' && ex.method !== 'HEAD'
  if (token === undefined && (write || policy.requireUser === true)) {
    // `authenticate_non_get!` / `authenticate!`
    await unauthorized(ex)
    return undefined
  }
  return { token }
}

export const roleOf = (state: GitLabState, caller: Caller, project: Project): AccessLevel =>
  state.accessOf(caller.token, project)

export const hasRole = (
  state: GitLabState,
  caller: Caller,
  project: Project,
  min: AccessLevel,
): boolean => ACCESS_RANK[roleOf(state, caller, project)] >= ACCESS_RANK[min]

export const canReadProject = (state: GitLabState, caller: Caller, project: Project): boolean => {
  if (project.visibility === 'public') return true
  if (project.visibility === 'internal') return caller.token !== undefined
  return hasRole(state, caller, project, 'guest')
}

/** `read_code`/`download_code`: repository content (commits, tags, sources). */
export const canReadCode = (state: GitLabState, caller: Caller, project: Project): boolean => {
  if (project.visibility === 'public') return true
  if (project.visibility === 'internal') return caller.token !== undefined
  return hasRole(state, caller, project, 'reporter')
}

/** Resolves to the project named by `:id`, or undefined after answering 404 Project Not Found. */
export const findReadableProject = async (
  ex: Exchange,
  state: GitLabState,
  caller: Caller,
): Promise<Project | undefined> => {
  const project = state.findProject(ex.params.id ?? '')
  if (project === undefined || !canReadProject(state, caller, project)) {
    await notFound(ex, 'Project')
    return undefined
  }
  return project
}
