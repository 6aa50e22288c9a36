/**
 * The GitLab fake's world: projects with their repository (commits, branches, tags), milestones,
 * releases + links + evidences, generic packages, markdown uploads, and the tokens that may act
 * on them. Tests seed it directly and read it back to assert what the client changed.
 *
 * Records keep GitLab's own naming where they are shown on the wire; times are epoch ms.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { StoredBlob } from '../blob-store.js'

export type AccessLevel =
  'none' | 'guest' | 'planner' | 'reporter' | 'developer' | 'maintainer' | 'owner'

export const ACCESS_RANK: Readonly<Record<AccessLevel, number>> = {
  none: 0,
  guest: 10,
  planner: 15,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
}

export type TokenType = 'private' | 'job' | 'oauth'
export type Visibility = 'public' | 'internal' | 'private'
export type LinkType = 'other' | 'runbook' | 'image' | 'package'
export const LINK_TYPES: readonly LinkType[] = ['other', 'runbook', 'image', 'package']

export interface GitLabUser {
  readonly id: number
  readonly username: string
  readonly name: string
}

export interface TokenRecord {
  readonly token: string
  readonly type: TokenType
  readonly user: GitLabUser
  /** Role in every project it may reach. */
  readonly access: AccessLevel
  /** Project ids it may reach; undefined = all. Elsewhere it acts as a non-member. */
  readonly projects: ReadonlySet<number> | undefined
  /** A job token whose job finished, or a revoked token: always 401. */
  expired: boolean
}

export interface TokenSeed {
  readonly type?: TokenType
  readonly access?: AccessLevel
  /** Ids or paths of the projects the role applies to; default all. */
  readonly projects?: readonly (number | string)[]
  readonly username?: string
  readonly name?: string
  readonly expired?: boolean
}

export interface Commit {
  readonly id: string
  readonly title: string
  readonly message: string
  readonly parentIds: readonly string[]
  readonly authorName: string
  readonly authorEmail: string
  readonly createdAt: number
}

export interface CommitSeed {
  readonly sha?: string
  readonly message?: string
  /** Branch to advance (created if missing); default the project's default branch. */
  readonly branch?: string
}

export interface Tag {
  readonly name: string
  readonly commitSha: string
  /** Annotated tags carry a message and a tag object id as `target`; lightweight ones null. */
  readonly message: string | null
  readonly target: string
  readonly createdAt: number | null
}

export interface Milestone {
  readonly id: number
  readonly iid: number
  readonly projectId: number
  title: string
  description: string | null
  state: 'active' | 'closed'
  readonly createdAt: number
  updatedAt: number
  dueDate: string | null
  startDate: string | null
  issueStats: { total: number; closed: number }
}

export interface MilestoneSeed {
  readonly title: string
  readonly description?: string | null
  readonly state?: 'active' | 'closed'
  readonly dueDate?: string | null
  readonly startDate?: string | null
  readonly issueStats?: { total: number; closed: number }
}

export interface ReleaseLink {
  readonly id: number
  name: string
  url: string
  /** `direct_asset_path`, stored as GitLab's `filepath` column. */
  filepath: string | null
  linkType: LinkType
  readonly createdAt: number
}

export interface Evidence {
  readonly id: number
  readonly sha: string
  readonly collectedAt: number
  /** The evidence document GitLab serves at `…/-/releases/<tag>/evidences/<id>.json`. */
  readonly json: string
}

export interface Release {
  readonly id: number
  readonly tag: string
  name: string
  description: string | null
  readonly createdAt: number
  releasedAt: number
  readonly authorId: number | null
  readonly sha: string
  milestoneIds: number[]
  links: ReleaseLink[]
  evidences: Evidence[]
}

export interface PackageFile {
  readonly id: number
  readonly packageId: number
  readonly fileName: string
  readonly createdAt: number
  readonly blob: StoredBlob
}

export interface GenericPackage {
  readonly id: number
  readonly projectId: number
  readonly name: string
  readonly version: string
  status: 'default' | 'hidden'
  readonly createdAt: number
  files: PackageFile[]
}

export interface MarkdownUpload {
  readonly id: number
  readonly projectId: number
  /** 32 hex chars, the secret path segment. */
  readonly secret: string
  readonly filename: string
  readonly blob: StoredBlob
  readonly createdAt: number
}

export interface ProtectedTag {
  readonly pattern: string
  /** Lowest role allowed to create a matching tag ('none' = no one). */
  readonly createAccess: AccessLevel
}

export interface Project {
  readonly id: number
  readonly pathWithNamespace: string
  readonly path: string
  readonly namespace: string
  visibility: Visibility
  defaultBranch: string
  readonly commits: Map<string, Commit>
  readonly branches: Map<string, string>
  readonly tags: Map<string, Tag>
  readonly milestones: Milestone[]
  readonly releases: Map<string, Release>
  readonly packages: GenericPackage[]
  readonly uploads: MarkdownUpload[]
  readonly protectedTags: ProtectedTag[]
  readonly createdAt: number
}

export interface ProjectSeed {
  readonly id?: number
  /** e.g. `group/app` or `group/sub/app`. */
  readonly path_with_namespace: string
  readonly visibility?: Visibility
  readonly default_branch?: string
  readonly milestones?: readonly MilestoneSeed[]
}

export interface TagSeed {
  readonly name: string
  /** Branch, tag or sha; default the default branch. */
  readonly ref?: string
  readonly message?: string
}

export interface ReleaseSeed {
  readonly tag_name: string
  readonly name?: string
  readonly description?: string | null
  readonly released_at?: string
  readonly milestones?: readonly string[]
  readonly links?: readonly {
    name: string
    url: string
    direct_asset_path?: string
    link_type?: LinkType
  }[]
}

export const sha1Hex = (text: string): string => createHash('sha1').update(text).digest('hex')
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

export class GitLabState {
  private readonly projects = new Map<number, Project>()
  private readonly tokens = new Map<string, TokenRecord>()
  private readonly users = new Map<string, GitLabUser>()
  private readonly counters = new Map<string, number>()

  constructor(
    /** Current time in epoch ms (injectable so upcoming/historical releases are testable). */
    readonly now: () => number,
    /** The server origin; web URLs live on it. */
    readonly origin: () => string,
  ) {}

  nextId(kind: string): number {
    const next = (this.counters.get(kind) ?? 0) + 1
    this.counters.set(kind, next)
    return next
  }

  // ---- projects ---------------------------------------------------------------------------

  addProject(seed: ProjectSeed): Project {
    const full = seed.path_with_namespace.replace(/^\/+|\/+$/g, '')
    const slash = full.lastIndexOf('/')
    if (slash <= 0) throw new Error(`project path must include a namespace: ${full}`)
    let id = seed.id ?? this.nextId('project')
    if (seed.id !== undefined && this.projects.has(id))
      throw new Error(`project id ${id} already exists`)
    while (this.projects.has(id)) id = this.nextId('project')
    if (this.findProject(full) !== undefined) throw new Error(`project ${full} already exists`)
    const project: Project = {
      id,
      pathWithNamespace: full,
      path: full.slice(slash + 1),
      namespace: full.slice(0, slash),
      visibility: seed.visibility ?? 'private',
      defaultBranch: seed.default_branch ?? 'main',
      commits: new Map(),
      branches: new Map(),
      tags: new Map(),
      milestones: [],
      releases: new Map(),
      packages: [],
      uploads: [],
      protectedTags: [],
      createdAt: this.now(),
    }
    this.projects.set(id, project)
    this.addCommit(project, { message: 'Initial commit' })
    for (const m of seed.milestones ?? []) this.addMilestone(project, m)
    return project
  }

  /** By numeric id (number or digit string) or full path (case-insensitive, as GitLab). */
  findProject(ref: number | string): Project | undefined {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) return this.projects.get(Number(ref))
    const wanted = ref.toLowerCase()
    for (const p of this.projects.values())
      if (p.pathWithNamespace.toLowerCase() === wanted) return p
    return undefined
  }

  project(ref: number | string | Project): Project {
    if (typeof ref === 'object') return ref
    const p = this.findProject(ref)
    if (p === undefined) throw new Error(`no such project: ${ref}`)
    return p
  }

  allProjects(): Project[] {
    return [...this.projects.values()]
  }

  webUrl(project: Project): string {
    return `${this.origin()}/${project.pathWithNamespace}`
  }

  // ---- users and tokens -------------------------------------------------------------------

  user(username: string, name?: string): GitLabUser {
    let user = this.users.get(username)
    if (user === undefined) {
      user = { id: this.nextId('user'), username, name: name ?? username }
      this.users.set(username, user)
    }
    return user
  }

  addToken(token: string, seed: TokenSeed = {}): TokenRecord {
    const type = seed.type ?? 'private'
    const username = seed.username ?? (type === 'job' ? 'ci-user' : 'root')
    const record: TokenRecord = {
      token,
      type,
      user: this.user(username, seed.name),
      access: seed.access ?? 'developer',
      projects:
        seed.projects === undefined
          ? undefined
          : new Set(seed.projects.map((ref) => this.project(ref).id)),
      expired: seed.expired ?? false,
    }
    this.tokens.set(token, record)
    return record
  }

  tokenRecord(token: string): TokenRecord | undefined {
    return this.tokens.get(token)
  }

  private readonly sessions = new Map<string, TokenRecord>()

  /** A browser session of the token's user: the `_gitlab_session` cookie value for web pages. */
  signIn(token: string): string {
    const record = this.tokens.get(token)
    if (record === undefined || record.type === 'job') throw new Error('no user to sign in')
    const session = randomBytes(16).toString('hex')
    this.sessions.set(session, record)
    return session
  }

  session(value: string): TokenRecord | undefined {
    return this.sessions.get(value)
  }

  /** The role a token has in a project ('none' for non-members). */
  accessOf(token: TokenRecord | undefined, project: Project): AccessLevel {
    if (token === undefined) return 'none'
    if (token.projects !== undefined && !token.projects.has(project.id)) return 'none'
    return token.access
  }

  // ---- repository -------------------------------------------------------------------------

  addCommit(projectRef: number | string | Project, seed: CommitSeed = {}): Commit {
    const project = this.project(projectRef)
    const branch = seed.branch ?? project.defaultBranch
    const parent = project.branches.get(branch)
    const id = seed.sha ?? sha1Hex(`${project.pathWithNamespace}#${project.commits.size + 1}`)
    if (!/^[0-9a-f]{40}$/.test(id)) throw new Error(`commit sha must be 40 hex chars: ${id}`)
    const message = seed.message ?? `Commit ${project.commits.size + 1}`
    const commit: Commit = {
      id,
      title: message.split('\n')[0] ?? message,
      message,
      parentIds: parent === undefined ? [] : [parent],
      authorName: 'Administrator',
      authorEmail: 'admin@example.com',
      createdAt: this.now(),
    }
    project.commits.set(id, commit)
    project.branches.set(branch, id)
    return commit
  }

  addBranch(projectRef: number | string | Project, name: string, sha?: string): void {
    const project = this.project(projectRef)
    const target = sha ?? project.branches.get(project.defaultBranch)
    if (target === undefined || !project.commits.has(target))
      throw new Error(`no such commit: ${sha}`)
    project.branches.set(name, target)
  }

  /** A commit sha for a branch, tag, full sha or unique abbreviated sha (≥ 7 chars); as git rev-parse. */
  resolveRef(project: Project, ref: string): string | undefined {
    const branch = project.branches.get(ref)
    if (branch !== undefined) return branch
    const tag = project.tags.get(ref)
    if (tag !== undefined) return tag.commitSha
    if (/^[0-9a-f]{40}$/.test(ref)) return project.commits.has(ref) ? ref : undefined
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const hits = [...project.commits.keys()].filter((sha) => sha.startsWith(ref))
      return hits.length === 1 ? hits[0] : undefined
    }
    return undefined
  }

  /** Seeds a tag (no validation beyond resolving the ref). */
  addTag(projectRef: number | string | Project, seed: TagSeed): Tag {
    const project = this.project(projectRef)
    const sha = this.resolveRef(project, seed.ref ?? project.defaultBranch)
    if (sha === undefined) throw new Error(`cannot resolve ${seed.ref}`)
    return this.putTag(project, seed.name, sha, seed.message)
  }

  putTag(project: Project, name: string, sha: string, message: string | undefined): Tag {
    const annotated = message !== undefined && message !== ''
    const tag: Tag = {
      name,
      commitSha: sha,
      message: annotated ? message : null,
      target: annotated ? sha1Hex(`tag ${name}\n${sha}\n${message}`) : sha,
      createdAt: annotated ? this.now() : null,
    }
    project.tags.set(name, tag)
    return tag
  }

  protectTag(
    projectRef: number | string | Project,
    pattern: string,
    createAccess: AccessLevel = 'maintainer',
  ): void {
    this.project(projectRef).protectedTags.push({ pattern, createAccess })
  }

  /** Whether a caller with `access` may create `tag` under the project's protected-tag rules. */
  canCreateTag(project: Project, access: AccessLevel, tag: string): boolean {
    if (ACCESS_RANK[access] < ACCESS_RANK.developer) return false
    for (const rule of project.protectedTags) {
      const re = new RegExp(
        `^${rule.pattern
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      )
      if (!re.test(tag)) continue
      if (rule.createAccess === 'none' || ACCESS_RANK[access] < ACCESS_RANK[rule.createAccess])
        return false
    }
    return true
  }

  // ---- milestones -------------------------------------------------------------------------

  addMilestone(projectRef: number | string | Project, seed: MilestoneSeed): Milestone {
    const project = this.project(projectRef)
    const now = this.now()
    const milestone: Milestone = {
      id: this.nextId('milestone'),
      iid: project.milestones.length + 1,
      projectId: project.id,
      title: seed.title,
      description: seed.description ?? null,
      state: seed.state ?? 'active',
      createdAt: now,
      updatedAt: now,
      dueDate: seed.dueDate ?? null,
      startDate: seed.startDate ?? null,
      issueStats: seed.issueStats ?? { total: 0, closed: 0 },
    }
    project.milestones.push(milestone)
    return milestone
  }

  // ---- releases ---------------------------------------------------------------------------

  /** Seeds a release directly (the tag is created from the default branch when missing). */
  addRelease(
    projectRef: number | string | Project,
    seed: ReleaseSeed,
    author?: GitLabUser,
  ): Release {
    const project = this.project(projectRef)
    const tag = project.tags.get(seed.tag_name) ?? this.addTag(project, { name: seed.tag_name })
    const now = this.now()
    const milestoneIds = (seed.milestones ?? []).map((title) => {
      const m = project.milestones.find((x) => x.title === title)
      if (m === undefined) throw new Error(`no milestone ${title}`)
      return m.id
    })
    const release: Release = {
      id: this.nextId('release'),
      tag: tag.name,
      name: seed.name ?? tag.name,
      description: seed.description ?? null,
      createdAt: now,
      releasedAt: seed.released_at === undefined ? now : Date.parse(seed.released_at),
      authorId: author?.id ?? this.user('root').id,
      sha: tag.commitSha,
      milestoneIds,
      links: [],
      evidences: [],
    }
    for (const l of seed.links ?? []) {
      release.links.push({
        id: this.nextId('link'),
        name: l.name,
        url: l.url,
        filepath: l.direct_asset_path ?? null,
        linkType: l.link_type ?? 'other',
        createdAt: now,
      })
    }
    project.releases.set(release.tag, release)
    return release
  }

  release(projectRef: number | string | Project, tag: string): Release | undefined {
    return this.project(projectRef).releases.get(tag)
  }

  userById(id: number | null): GitLabUser | undefined {
    if (id === null) return undefined
    for (const u of this.users.values()) if (u.id === id) return u
    return undefined
  }

  /** Records an evidence the way GitLab's CreateEvidenceWorker does: a JSON summary and its sha256. */
  collectEvidence(project: Project, release: Release): Evidence {
    const collectedAt = this.now()
    const milestones = release.milestoneIds
      .map((id) => project.milestones.find((m) => m.id === id))
      .filter((m): m is Milestone => m !== undefined)
    const summary = {
      release: {
        id: release.id,
        tag_name: release.tag,
        name: release.name,
        description: release.description,
        created_at: new Date(release.createdAt).toISOString(),
        project: {
          id: project.id,
          name: project.path,
          description: null,
          created_at: new Date(project.createdAt).toISOString(),
        },
        milestones: milestones.map((m) => ({
          id: m.id,
          title: m.title,
          description: m.description,
          state: m.state,
          iid: m.iid,
          created_at: new Date(m.createdAt).toISOString(),
          due_date: m.dueDate,
          issues: [],
        })),
        report_artifacts: [],
      },
      collected_at: new Date(collectedAt).toISOString(),
    }
    const json = JSON.stringify(summary)
    const evidence: Evidence = {
      id: this.nextId('evidence'),
      sha: sha256Hex(json),
      collectedAt,
      json,
    }
    release.evidences.push(evidence)
    return evidence
  }

  // ---- packages and uploads ---------------------------------------------------------------

  findPackage(project: Project, name: string, version: string): GenericPackage | undefined {
    return project.packages.find((p) => p.name === name && p.version === version)
  }

  /** Every stored file of a generic package, oldest first (the newest one is what a download returns). */
  packageFiles(
    projectRef: number | string | Project,
    name: string,
    version: string,
  ): PackageFile[] {
    return this.findPackage(this.project(projectRef), name, version)?.files ?? []
  }

  newUploadSecret(): string {
    return randomBytes(16).toString('hex')
  }
}
