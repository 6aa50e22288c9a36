/**
 * The data behind the fake Forgejo/Gitea: repositories with branches, tags, releases and their
 * attachments, and the tokens that act on them. Route modules read and change it; tests seed and
 * inspect it.
 *
 * Gitea keeps releases and plain tags in one table (models/repo/release.go): a pushed or
 * API-created tag gets a row with `IsTag = true`, and "creating a release" for that tag turns the
 * row into a release. `(RepoID, TagName)` is UNIQUE, so a tag has at most one release, draft or
 * not; tag names are looked up case-insensitively (`LowerTagName`).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { StoredBlob } from '../blob-store.js'

export type Permission = 'read' | 'write'

export interface TokenSeed {
  /** Repository permission of the token's user (default `write`). */
  readonly permission?: Permission
  readonly login?: string
  /**
   * Scopes of the access token (Gitea 1.19+: `read:repository`, `write:repository`, `all`, …);
   * default `['write:repository']`.
   */
  readonly scopes?: readonly string[]
}

export interface TokenRecord {
  readonly token: string
  readonly login: string
  readonly userId: number
  readonly permission: Permission
  readonly scopes: ReadonlySet<string>
}

export interface RepoSeed {
  /** `owner/name`. */
  readonly fullName: string
  readonly private?: boolean
  /** Default `main`. */
  readonly defaultBranch?: string
  readonly branches?: Readonly<Record<string, string>>
  /** Tag → commit sha (lightweight) or `{ sha, message }` (annotated). */
  readonly tags?: Readonly<
    Record<string, string | { readonly sha: string; readonly message: string }>
  >
}

export interface Tag {
  readonly name: string
  readonly commitSha: string
  /** Annotation; empty for a lightweight tag. */
  readonly message: string
  /** The tag object's sha (annotated) or the commit's (lightweight): Gitea's `id`. */
  readonly id: string
}

export interface Attachment {
  readonly id: number
  readonly uuid: string
  name: string
  size: number
  downloadCount: number
  blob: StoredBlob
  readonly createdAt: number
  readonly uploader: string
}

export interface Release {
  readonly id: number
  tagName: string
  target: string
  title: string
  note: string
  isDraft: boolean
  isPrerelease: boolean
  /** The row of a plain tag (no release). */
  isTag: boolean
  /** The tagged commit; empty while a draft's tag does not exist. */
  sha1: string
  createdAt: number
  publisher: string
  readonly attachments: Attachment[]
}

export interface Repo {
  readonly id: number
  readonly owner: string
  readonly name: string
  readonly fullName: string
  readonly private: boolean
  readonly defaultBranch: string
  readonly branches: Map<string, string>
  readonly commits: Set<string>
  readonly tags: Map<string, Tag>
  readonly releases: Release[]
}

/** What happened, in order, for tests that assert a sequence. */
export type JournalEntry =
  | { readonly kind: 'create-tag'; readonly tag: string }
  | { readonly kind: 'create-release'; readonly releaseId: number; readonly draft: boolean }
  | { readonly kind: 'publish'; readonly releaseId: number }
  | { readonly kind: 'upload'; readonly releaseId: number; readonly name: string }
  | { readonly kind: 'delete-attachment'; readonly releaseId: number; readonly name: string }

export const randomSha = (): string => randomBytes(20).toString('hex')

export class GiteaState {
  private readonly counters = new Map<string, number>()
  readonly repos = new Map<string, Repo>()
  readonly tokens = new Map<string, TokenRecord>()
  readonly journal: JournalEntry[] = []

  constructor(readonly now: () => number) {}

  nextId(kind: string): number {
    const id = (this.counters.get(kind) ?? 0) + 1
    this.counters.set(kind, id)
    return id
  }

  addToken(token: string, seed: TokenSeed = {}): TokenRecord {
    const userId = this.nextId('user')
    const record: TokenRecord = {
      token,
      login: seed.login ?? `user${userId}`,
      userId,
      permission: seed.permission ?? 'write',
      scopes: new Set(seed.scopes ?? ['write:repository']),
    }
    this.tokens.set(token, record)
    return record
  }

  addRepo(seed: RepoSeed): Repo {
    const [owner, name, ...rest] = seed.fullName.split('/')
    if (owner === undefined || name === undefined || rest.length > 0) {
      throw new Error(`repository ${seed.fullName} is not owner/name`)
    }
    const defaultBranch = seed.defaultBranch ?? 'main'
    const branches = new Map(Object.entries(seed.branches ?? {}))
    if (!branches.has(defaultBranch)) branches.set(defaultBranch, randomSha())
    const repo: Repo = {
      id: this.nextId('repo'),
      owner,
      name,
      fullName: seed.fullName,
      private: seed.private ?? true,
      defaultBranch,
      branches,
      commits: new Set(branches.values()),
      tags: new Map(),
      releases: [],
    }
    this.repos.set(seed.fullName.toLowerCase(), repo)
    for (const [tag, target] of Object.entries(seed.tags ?? {})) {
      if (typeof target === 'string') this.createTag(repo, tag, target, '', 'seed')
      else this.createTag(repo, tag, target.sha, target.message, 'seed')
    }
    return repo
  }

  /** Owner and repository names are case-insensitive on Gitea. */
  repo(fullName: string): Repo | undefined {
    return this.repos.get(fullName.toLowerCase())
  }

  /** A branch, a tag, a full sha or a unique abbreviation (7+ hex digits) → commit sha. */
  resolveCommit(repo: Repo, ref: string): string | undefined {
    const branch = repo.branches.get(ref)
    if (branch !== undefined) return branch
    const tag = repo.tags.get(ref)
    if (tag !== undefined) return tag.commitSha
    if (!/^[0-9a-f]{7,40}$/i.test(ref)) return undefined
    const matches = [...repo.commits].filter((sha) => sha.startsWith(ref.toLowerCase()))
    return matches.length === 1 ? matches[0] : undefined
  }

  /** Pushes a git tag (no release-table row): what createTag in services/release does. */
  pushTag(repo: Repo, name: string, commitSha: string, message: string): Tag {
    repo.commits.add(commitSha)
    const tag: Tag = {
      name,
      commitSha,
      message,
      id:
        message === ''
          ? commitSha
          : createHash('sha1').update(`tag ${name}\n${message}`).digest('hex'),
    }
    repo.tags.set(name, tag)
    this.journal.push({ kind: 'create-tag', tag: name })
    return tag
  }

  /**
   * A new tag with its release-table row (`IsTag`), as `POST /repos/{o}/{r}/tags` (CreateNewTag)
   * and a git push (the tag sync) leave it.
   */
  createTag(repo: Repo, name: string, commitSha: string, message: string, by: string): Tag {
    const tag = this.pushTag(repo, name, commitSha, message)
    if (this.releaseByTag(repo, name) === undefined) {
      this.insertRelease(repo, {
        tagName: name,
        target: commitSha,
        title: '',
        note: '',
        isDraft: false,
        isPrerelease: false,
        isTag: true,
        sha1: commitSha,
        publisher: by,
      })
    }
    return tag
  }

  insertRelease(repo: Repo, fields: Omit<Release, 'id' | 'attachments' | 'createdAt'>): Release {
    const release: Release = {
      id: this.nextId('release'),
      ...fields,
      createdAt: this.now(),
      attachments: [],
    }
    repo.releases.push(release)
    return release
  }

  /** The release-table row of a tag, looked up by its lower-case name as Gitea does. */
  releaseByTag(repo: Repo, tagName: string): Release | undefined {
    const lower = tagName.toLowerCase()
    return repo.releases.find((r) => r.tagName.toLowerCase() === lower)
  }

  releaseById(repo: Repo, id: number): Release | undefined {
    return repo.releases.find((r) => r.id === id)
  }

  addAttachment(release: Release, name: string, blob: StoredBlob, uploader: string): Attachment {
    const attachment: Attachment = {
      id: this.nextId('attachment'),
      uuid: randomUUID(),
      name,
      size: blob.size,
      downloadCount: 0,
      blob,
      createdAt: this.now(),
      uploader,
    }
    release.attachments.push(attachment)
    this.journal.push({ kind: 'upload', releaseId: release.id, name })
    return attachment
  }

  removeAttachment(release: Release, attachment: Attachment): void {
    const at = release.attachments.indexOf(attachment)
    if (at >= 0) release.attachments.splice(at, 1)
    this.journal.push({ kind: 'delete-attachment', releaseId: release.id, name: attachment.name })
  }

  /** The attachment with this uuid in any repository, with where it is. */
  findByUuid(uuid: string): { repo: Repo; release: Release; attachment: Attachment } | undefined {
    for (const repo of this.repos.values()) {
      for (const release of repo.releases) {
        const attachment = release.attachments.find((a) => a.uuid === uuid)
        if (attachment !== undefined) return { repo, release, attachment }
      }
    }
    return undefined
  }

  /** Every release (drafts included, plain tags left out), newest first, as tests inspect them. */
  releasesOf(fullName: string): Release[] {
    const repo = this.repo(fullName)
    return repo === undefined
      ? []
      : repo.releases.filter((r) => !r.isTag).sort((a, b) => b.id - a.id)
  }
}
