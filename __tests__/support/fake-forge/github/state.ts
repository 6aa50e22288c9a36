/**
 * The data behind the fake GitHub: repositories with branches, tags and releases, release
 * assets, and tokens. Route modules read and change it; tests seed and inspect it.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { StoredBlob } from '../blob-store.js'

export type Permission = 'read' | 'write'

export interface TokenSeed {
  readonly permission: Permission
  readonly login?: string
  /** May store artifact attestations (`attestations: write`); default: when it may write. */
  readonly attestations?: boolean
}

export interface TokenRecord {
  readonly token: string
  readonly permission: Permission
  readonly login: string
  readonly userId: number
  readonly attestations: boolean
}

/** An artifact attestation the repository stores (POST /repos/{owner}/{repo}/attestations). */
export interface Attestation {
  readonly id: number
  readonly bundle: unknown
  /** sha256 hex of every subject of the bundle's statement. */
  readonly subjects: readonly string[]
}

export interface RepoSeed {
  /** `owner/name`. */
  readonly fullName: string
  readonly private?: boolean
  /** Default `main`. */
  readonly defaultBranch?: string
  /** Branch → commit sha; the default branch gets a commit when not given. */
  readonly branches?: Readonly<Record<string, string>>
  /** Tag → commit sha (lightweight) or `{ sha, message }` (annotated). */
  readonly tags?: Readonly<
    Record<string, string | { readonly sha: string; readonly message: string }>
  >
}

export interface Tag {
  readonly name: string
  readonly commitSha: string
  /** The tag object's sha for an annotated tag. */
  readonly objectSha?: string
  readonly message?: string
}

export type AssetState = 'starter' | 'uploaded'

export interface Asset {
  readonly id: number
  readonly nodeId: string
  readonly releaseId: number
  name: string
  label: string | null
  state: AssetState
  contentType: string
  size: number
  /** `sha256:<hex>` once uploaded. */
  digest: string | null
  blob: StoredBlob | undefined
  readonly createdAt: number
  updatedAt: number
  readonly uploader: string
  downloadCount: number
}

export interface Release {
  readonly id: number
  readonly nodeId: string
  tagName: string
  targetCommitish: string
  name: string | null
  body: string | null
  draft: boolean
  prerelease: boolean
  immutable: boolean
  readonly createdAt: number
  publishedAt: number | null
  updatedAt: number
  readonly author: string
  /** What a draft's html_url and download URLs use instead of the tag. */
  readonly untaggedSlug: string
  /** Get-by-tag requests still answered 404 (replication lag), and when publishing happened. */
  hiddenReads: number
  readonly assets: Asset[]
}

export interface Repo {
  readonly id: number
  readonly nodeId: string
  readonly owner: string
  readonly name: string
  readonly fullName: string
  readonly private: boolean
  readonly defaultBranch: string
  readonly branches: Map<string, string>
  readonly tags: Map<string, Tag>
  /** Every commit sha the repository knows (branch heads, tagged commits, seeds). */
  readonly commits: Set<string>
  readonly releases: Release[]
  latestReleaseId: number | undefined
  readonly attestations: Attestation[]
}

/** What happened to releases and assets, in order, for tests that assert the sequence. */
export type JournalEntry =
  | { readonly kind: 'create-release'; readonly releaseId: number; readonly draft: boolean }
  | { readonly kind: 'publish'; readonly releaseId: number }
  | { readonly kind: 'delete-release'; readonly releaseId: number; readonly draft: boolean }
  | {
      readonly kind: 'upload'
      readonly releaseId: number
      readonly name: string
      /** Whether the release was still a draft when the upload completed. */
      readonly draft: boolean
    }
  | { readonly kind: 'delete-asset'; readonly releaseId: number; readonly name: string }

export const randomSha = (): string => randomBytes(20).toString('hex')

const nodeId = (prefix: string, id: number): string =>
  `${prefix}_kwDO${Buffer.from(`${prefix}:${id}`).toString('base64url')}`

export class GitHubState {
  private nextIds = new Map<string, number>()
  readonly repos = new Map<string, Repo>()
  readonly tokens = new Map<string, TokenRecord>()
  readonly journal: JournalEntry[] = []

  constructor(readonly now: () => number) {}

  nextId(kind: string): number {
    const id = (this.nextIds.get(kind) ?? 0) + 1
    this.nextIds.set(kind, id)
    return id
  }

  addToken(token: string, seed: TokenSeed): TokenRecord {
    const userId = this.nextId('user')
    const record: TokenRecord = {
      token,
      permission: seed.permission,
      login: seed.login ?? `user${userId}`,
      userId,
      attestations: seed.attestations ?? seed.permission === 'write',
    }
    this.tokens.set(token, record)
    return record
  }

  addRepo(seed: RepoSeed): Repo {
    const [owner, name, ...rest] = seed.fullName.split('/')
    if (owner === undefined || name === undefined || rest.length > 0) {
      throw new Error(`repository ${seed.fullName} is not owner/name`)
    }
    const id = this.nextId('repo')
    const defaultBranch = seed.defaultBranch ?? 'main'
    const branches = new Map(Object.entries(seed.branches ?? {}))
    if (!branches.has(defaultBranch)) branches.set(defaultBranch, randomSha())
    const repo: Repo = {
      id,
      nodeId: nodeId('R', id),
      owner,
      name,
      fullName: seed.fullName,
      private: seed.private ?? true,
      defaultBranch,
      branches,
      tags: new Map(),
      commits: new Set(branches.values()),
      releases: [],
      latestReleaseId: undefined,
      attestations: [],
    }
    for (const [tag, target] of Object.entries(seed.tags ?? {})) {
      if (typeof target === 'string') this.createTag(repo, tag, target)
      else this.createTag(repo, tag, target.sha, target.message)
    }
    this.repos.set(seed.fullName.toLowerCase(), repo)
    return repo
  }

  repo(fullName: string): Repo | undefined {
    return this.repos.get(fullName.toLowerCase())
  }

  /** A branch name, a full commit sha or a unique abbreviation of one (7+ hex digits). */
  resolveCommit(repo: Repo, commitish: string): string | undefined {
    const branch = repo.branches.get(commitish)
    if (branch !== undefined) return branch
    const tag = repo.tags.get(commitish)
    if (tag !== undefined) return tag.commitSha
    if (!/^[0-9a-f]{7,40}$/i.test(commitish)) return undefined
    const matches = [...repo.commits].filter((sha) => sha.startsWith(commitish.toLowerCase()))
    return matches.length === 1 ? matches[0] : undefined
  }

  createTag(repo: Repo, name: string, commitSha: string, message?: string): Tag {
    repo.commits.add(commitSha)
    const tag: Tag =
      message === undefined
        ? { name, commitSha }
        : {
            name,
            commitSha,
            message,
            objectSha: createHash('sha1').update(`tag ${name}\n${message}`).digest('hex'),
          }
    repo.tags.set(name, tag)
    return tag
  }

  createRelease(
    repo: Repo,
    fields: Pick<Release, 'tagName' | 'targetCommitish' | 'name' | 'body' | 'draft' | 'prerelease'>,
    author: string,
  ): Release {
    const id = this.nextId('release')
    const now = this.now()
    const release: Release = {
      id,
      nodeId: nodeId('RE', id),
      ...fields,
      immutable: false,
      createdAt: now,
      publishedAt: null,
      updatedAt: now,
      author,
      untaggedSlug: `untagged-${randomBytes(10).toString('hex')}`,
      hiddenReads: 0,
      assets: [],
    }
    repo.releases.push(release)
    return release
  }

  release(repo: Repo, id: number): Release | undefined {
    return repo.releases.find((r) => r.id === id)
  }

  /** The published release of a tag (GitHub allows one; drafts may share the tag freely). */
  publishedRelease(repo: Repo, tagName: string): Release | undefined {
    return repo.releases.find((r) => !r.draft && r.tagName === tagName)
  }

  removeRelease(repo: Repo, release: Release): void {
    const at = repo.releases.indexOf(release)
    if (at >= 0) repo.releases.splice(at, 1)
    if (repo.latestReleaseId === release.id) repo.latestReleaseId = undefined
  }

  addAsset(
    release: Release,
    fields: Pick<Asset, 'name' | 'label' | 'contentType'>,
    uploader: string,
  ): Asset {
    const id = this.nextId('asset')
    const now = this.now()
    const asset: Asset = {
      id,
      nodeId: nodeId('RA', id),
      releaseId: release.id,
      ...fields,
      state: 'starter',
      size: 0,
      digest: null,
      blob: undefined,
      createdAt: now,
      updatedAt: now,
      uploader,
      downloadCount: 0,
    }
    release.assets.push(asset)
    return asset
  }

  /** The asset with this id in any release of the repository, with its release. */
  findAsset(repo: Repo, assetId: number): { release: Release; asset: Asset } | undefined {
    for (const release of repo.releases) {
      const asset = release.assets.find((a) => a.id === assetId)
      if (asset !== undefined) return { release, asset }
    }
    return undefined
  }

  removeAsset(release: Release, asset: Asset): void {
    const at = release.assets.indexOf(asset)
    if (at >= 0) release.assets.splice(at, 1)
  }

  /** Every release (drafts included) of the repository, newest first, as tests inspect them. */
  releasesOf(fullName: string): Release[] {
    const repo = this.repo(fullName)
    return repo === undefined ? [] : [...repo.releases].sort((a, b) => b.id - a.id)
  }
}
