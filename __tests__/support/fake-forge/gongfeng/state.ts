/**
 * The Gongfeng fake's world: projects with their repository (commits, branches, tags), the
 * release data Gongfeng keeps on a tag (title, type, description, labels, attachments), and the
 * tokens that may act on them. Tests seed it directly and read it back to assert what changed.
 *
 * Gongfeng keeps releases and plain tags ("基线", baselines) in one table: every tag has a
 * record, and `type` says whether it shows as a release (`release`) or only as a tag (`none`).
 * That is why the seed says its endpoints, except DELETE, work "for both release and tag".
 */
import { createHash } from 'node:crypto'
import type { StoredBlob } from '../blob-store.js'

/** Project access levels of projects.html: GUEST=10 … OWNER=50. */
export type AccessLevel =
  'none' | 'guest' | 'follower' | 'reporter' | 'developer' | 'master' | 'owner'

export const ACCESS_RANK: Readonly<Record<AccessLevel, number>> = {
  none: 0,
  guest: 10,
  follower: 15,
  reporter: 20,
  developer: 30,
  master: 40,
  owner: 50,
}

export type ReleaseType = 'release' | 'none'

export interface GongfengUser {
  readonly id: number
  readonly username: string
  readonly name: string
}

export interface TokenRecord {
  readonly token: string
  readonly user: GongfengUser
  readonly access: AccessLevel
  /** Project ids the role applies to; undefined = all. Elsewhere the token is a non-member. */
  readonly projects: ReadonlySet<number> | undefined
}

export interface TokenSeed {
  readonly access?: AccessLevel
  readonly projects?: readonly (number | string)[]
  readonly username?: string
  readonly name?: string
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

export interface Tag {
  readonly name: string
  readonly commitSha: string
  /** Annotation; null for a lightweight tag. */
  readonly message: string | null
  readonly createdAt: number
}

export interface Attachment {
  /** The stored (filtered) name: the one to download and delete it by. */
  readonly name: string
  /** MIME type, from the upload's part header or guessed from the name. */
  readonly type: string
  readonly size: number
  readonly createdAt: number
  readonly blob: StoredBlob
}

/** Release data of one tag; `type: 'none'` is a plain tag (baseline). */
export interface Release {
  readonly id: number
  readonly tag: string
  title: string
  type: ReleaseType
  description: string | null
  labels: string[]
  attachments: Attachment[]
  readonly createdAt: number
  updatedAt: number | null
  authorId: number | null
}

export interface Project {
  readonly id: number
  readonly pathWithNamespace: string
  readonly path: string
  readonly namespace: string
  readonly public: boolean
  readonly defaultBranch: string
  readonly commits: Map<string, Commit>
  readonly branches: Map<string, string>
  readonly tags: Map<string, Tag>
  readonly releases: Map<string, Release>
  readonly createdAt: number
}

export interface ProjectSeed {
  readonly id?: number
  /** e.g. `tencent/code`. */
  readonly path_with_namespace: string
  readonly public?: boolean
  readonly default_branch?: string
}

export interface TagSeed {
  readonly name: string
  /** Branch, tag or sha; default the default branch. */
  readonly ref?: string
  readonly message?: string
}

export interface ReleaseSeed {
  readonly tag: string
  readonly title?: string
  readonly description?: string | null
  readonly labels?: readonly string[]
  /** Default `release`; `none` seeds a plain tag's record. */
  readonly type?: ReleaseType
}

export const sha1Hex = (text: string): string => createHash('sha1').update(text).digest('hex')

export class GongfengState {
  private readonly projects = new Map<number, Project>()
  private readonly tokens = new Map<string, TokenRecord>()
  private readonly users = new Map<string, GongfengUser>()
  private readonly counters = new Map<string, number>()

  constructor(
    readonly now: () => number,
    readonly origin: () => string,
  ) {}

  nextId(kind: string, start = 0): number {
    const next = (this.counters.get(kind) ?? start) + 1
    this.counters.set(kind, next)
    return next
  }

  // ---- projects -----------------------------------------------------------------------------

  addProject(seed: ProjectSeed): Project {
    const full = seed.path_with_namespace.replace(/^\/+|\/+$/g, '')
    const slash = full.lastIndexOf('/')
    if (slash <= 0) throw new Error(`project path must include a namespace: ${full}`)
    const id = seed.id ?? this.nextId('project', 85_000)
    if (this.projects.has(id)) throw new Error(`project id ${id} already exists`)
    if (this.findProject(full) !== undefined) throw new Error(`project ${full} already exists`)
    const project: Project = {
      id,
      pathWithNamespace: full,
      path: full.slice(slash + 1),
      namespace: full.slice(0, slash),
      public: seed.public ?? false,
      defaultBranch: seed.default_branch ?? 'master',
      commits: new Map(),
      branches: new Map(),
      tags: new Map(),
      releases: new Map(),
      createdAt: this.now(),
    }
    this.projects.set(id, project)
    this.addCommit(project, 'Initial commit')
    return project
  }

  /** By numeric id or full path (case-insensitive). */
  findProject(ref: number | string): Project | undefined {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) return this.projects.get(Number(ref))
    const wanted = ref.toLowerCase()
    for (const p of this.projects.values()) {
      if (p.pathWithNamespace.toLowerCase() === wanted) return p
    }
    return undefined
  }

  project(ref: number | string | Project): Project {
    if (typeof ref === 'object') return ref
    const p = this.findProject(ref)
    if (p === undefined) throw new Error(`no such project: ${ref}`)
    return p
  }

  webUrl(project: Project): string {
    return `${this.origin()}/${project.pathWithNamespace}`
  }

  // ---- users and tokens ---------------------------------------------------------------------

  user(username: string, name?: string): GongfengUser {
    let user = this.users.get(username)
    if (user === undefined) {
      user = { id: this.nextId('user', 1000), username, name: name ?? username }
      this.users.set(username, user)
    }
    return user
  }

  userById(id: number | null): GongfengUser | undefined {
    if (id === null) return undefined
    for (const u of this.users.values()) if (u.id === id) return u
    return undefined
  }

  addToken(token: string, seed: TokenSeed = {}): TokenRecord {
    const record: TokenRecord = {
      token,
      user: this.user(seed.username ?? 'bili', seed.name),
      access: seed.access ?? 'developer',
      projects:
        seed.projects === undefined
          ? undefined
          : new Set(seed.projects.map((ref) => this.project(ref).id)),
    }
    this.tokens.set(token, record)
    return record
  }

  tokenRecord(token: string): TokenRecord | undefined {
    return this.tokens.get(token)
  }

  accessOf(token: TokenRecord | undefined, project: Project): AccessLevel {
    if (token === undefined) return 'none'
    if (token.projects !== undefined && !token.projects.has(project.id)) return 'none'
    return token.access
  }

  // ---- repository ---------------------------------------------------------------------------

  addCommit(projectRef: number | string | Project, message?: string, branch?: string): Commit {
    const project = this.project(projectRef)
    const onBranch = branch ?? project.defaultBranch
    const parent = project.branches.get(onBranch)
    const text = message ?? `Commit ${project.commits.size + 1}`
    const commit: Commit = {
      id: sha1Hex(`${project.pathWithNamespace}#${project.commits.size + 1}`),
      title: text.split('\n')[0] ?? text,
      message: text,
      parentIds: parent === undefined ? [] : [parent],
      authorName: 'bili',
      authorEmail: 'bili@tencent.com',
      createdAt: this.now(),
    }
    project.commits.set(commit.id, commit)
    project.branches.set(onBranch, commit.id)
    return commit
  }

  addBranch(projectRef: number | string | Project, name: string, sha?: string): void {
    const project = this.project(projectRef)
    const target = sha ?? project.branches.get(project.defaultBranch)
    if (target === undefined || !project.commits.has(target))
      throw new Error(`no such commit: ${sha}`)
    project.branches.set(name, target)
  }

  /** A commit sha for a branch, tag, full sha or unique abbreviated sha (≥ 7 chars). */
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

  /** Seeds a plain tag (and its baseline record). */
  addTag(projectRef: number | string | Project, seed: TagSeed): Tag {
    const project = this.project(projectRef)
    const sha = this.resolveRef(project, seed.ref ?? project.defaultBranch)
    if (sha === undefined) throw new Error(`cannot resolve ${seed.ref}`)
    return this.putTag(project, seed.name, sha, seed.message ?? null, null)
  }

  /** Creates a tag with its baseline record (type `none`). */
  putTag(
    project: Project,
    name: string,
    sha: string,
    message: string | null,
    authorId: number | null,
  ): Tag {
    const tag: Tag = {
      name,
      commitSha: sha,
      message: message === '' ? null : message,
      createdAt: this.now(),
    }
    project.tags.set(name, tag)
    project.releases.set(name, {
      id: this.nextId('release', 2700),
      tag: name,
      title: name,
      type: 'none',
      description: null,
      labels: [],
      attachments: [],
      createdAt: this.now(),
      updatedAt: null,
      authorId,
    })
    return tag
  }

  // ---- releases -----------------------------------------------------------------------------

  /** Seeds a release (the tag is created from the default branch when missing). */
  addRelease(projectRef: number | string | Project, seed: ReleaseSeed): Release {
    const project = this.project(projectRef)
    if (!project.tags.has(seed.tag)) this.addTag(project, { name: seed.tag })
    const record = project.releases.get(seed.tag)
    if (record === undefined) throw new Error(`tag ${seed.tag} has no record`)
    record.type = seed.type ?? 'release'
    record.title = seed.title ?? seed.tag
    record.description = seed.description ?? null
    record.labels = [...(seed.labels ?? [])]
    return record
  }

  /** The record of a tag that shows as a release; undefined for a missing tag or a baseline. */
  release(projectRef: number | string | Project, tag: string): Release | undefined {
    const record = this.project(projectRef).releases.get(tag)
    return record?.type === 'release' ? record : undefined
  }

  /** Every record (releases and baselines). */
  record(projectRef: number | string | Project, tag: string): Release | undefined {
    return this.project(projectRef).releases.get(tag)
  }
}
