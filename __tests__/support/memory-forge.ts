/** An in-memory Forge for orchestration tests: no HTTP, every call recorded. */
import { Readable } from 'node:stream'
import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'

import { gitHubAssetRules } from '../../src/forges/github/github-rules.js'
import type {
  DraftReleases,
  Forge,
  LinkSpec,
  ReadBack,
  ReleaseFields,
  ReleaseLinks,
  RemoteAsset,
  RemoteLink,
  RemoteRelease,
  ServerEvidence,
  TagState,
  UploadFile,
  WriteResult,
} from '../../src/forges/forge.js'
import type { Step } from '../../src/plan/steps.js'
import type { Platform } from '../../src/settings/inputs.js'

export interface MemoryForgeOptions {
  readonly platform?: Platform
  /** Which optional abilities it has; GitLab's (links, server evidence) by default. */
  readonly links?: boolean
  readonly drafts?: boolean
  readonly serverEvidence?: boolean
  readonly tag?: TagState
  /** Makes createRelease answer as if another job had created the release first. */
  readonly loseCreateRace?: boolean
  /** Size reported by fetchAssetSize for this asset name (to simulate a truncated file). */
  readonly servedSize?: Readonly<Record<string, number>>
  /** Sizes the listing reports instead of the stored bytes' (as a server that lost bytes). */
  readonly listedSize?: Readonly<Record<string, number>>
}

export class MemoryForge implements Forge {
  readonly platform: Platform
  readonly rules = gitHubAssetRules
  readonly calls: string[] = []
  release: RemoteRelease | undefined
  readonly files = new Map<string, { bytes: Buffer; sha256: string }>()
  readonly links = new Map<string, RemoteLink>()
  private nextId = 1

  constructor(private readonly options: MemoryForgeOptions = {}) {
    this.platform = options.platform ?? 'gitlab'
    // Optional abilities are present or absent, as on the real adapters.
    if (options.links ?? true) Object.assign(this, this.linkMethods())
    if (options.drafts ?? false) Object.assign(this, this.draftMethods())
    if (options.serverEvidence ?? true) Object.assign(this, this.evidenceMethods())
  }

  writes(): string[] {
    return this.calls.filter((c) => !/^(find|list|open|fetch|connect|readBack)/.test(c))
  }

  storedName(name: string): string {
    return name
  }

  connect(): Promise<void> {
    this.calls.push('connect')
    return Promise.resolve()
  }

  findRelease(tagName: string): Promise<RemoteRelease | undefined> {
    this.calls.push(`findRelease ${tagName}`)
    return Promise.resolve(this.release)
  }

  findTag(tagName: string): Promise<TagState> {
    this.calls.push(`findTag ${tagName}`)
    return Promise.resolve(this.options.tag ?? { state: 'exists', commitSha: 'c0ffee' })
  }

  listAssets(): Promise<RemoteAsset[]> {
    this.calls.push('listAssets')
    const assets: RemoteAsset[] = []
    for (const [name, file] of this.files) {
      const link = [...this.links.values()].find((l) => l.name === name)
      assets.push({
        name,
        url: `mem://${name}`,
        size: this.options.listedSize?.[name] ?? file.bytes.length,
        sha256: file.sha256,
        stored: true,
        ...(link === undefined ? {} : { link }),
      })
    }
    return Promise.resolve(assets)
  }

  createRelease(
    fields: ReleaseFields,
    links: readonly LinkSpec[],
  ): Promise<WriteResult<RemoteRelease>> {
    this.calls.push(
      `createRelease ${fields.tagName}${fields.draft === true ? ' draft' : ''} links=${links.length}`,
    )
    const release: RemoteRelease = {
      tagName: fields.tagName,
      name: fields.name,
      description: fields.description ?? '',
      webUrl: `mem://releases/${fields.tagName}`,
      draft: fields.draft === true,
      commitSha: 'c0ffee',
    }
    this.release = release
    for (const link of links) this.addLink(link)
    return Promise.resolve(
      this.options.loseCreateRace === true
        ? { kind: 'exists', cause: new Error('taken') }
        : { kind: 'created', value: release },
    )
  }

  updateRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease> {
    this.calls.push(`updateRelease ${release.tagName}`)
    this.release = {
      ...release,
      name: fields.name,
      description: fields.description ?? release.description,
    }
    return Promise.resolve(this.release)
  }

  async uploadAsset(
    _release: RemoteRelease | undefined,
    file: UploadFile,
  ): Promise<WriteResult<RemoteAsset>> {
    this.calls.push(`uploadAsset ${file.name}`)
    const bytes = await readFile(file.path)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    this.files.set(file.name, { bytes, sha256 })
    return {
      kind: 'created',
      value: {
        name: file.name,
        url: `mem://${file.name}`,
        size: bytes.length,
        sha256,
        stored: true,
      },
    }
  }

  readBackAsset(): Promise<ReadBack<RemoteAsset>> {
    this.calls.push('readBackAsset')
    return Promise.resolve({ kind: 'absent' })
  }

  deleteAsset(_release: RemoteRelease, asset: RemoteAsset): Promise<void> {
    this.calls.push(`deleteAsset ${asset.name}`)
    this.files.delete(asset.name)
    return Promise.resolve()
  }

  openAsset(asset: RemoteAsset): Promise<Readable | undefined> {
    this.calls.push(`openAsset ${asset.name}`)
    return Promise.resolve(Readable.from([this.files.get(asset.name)?.bytes ?? Buffer.alloc(0)]))
  }

  fetchAssetSize(_release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    this.calls.push(`fetchAssetSize ${asset.name}`)
    return Promise.resolve(
      this.options.servedSize?.[asset.name] ?? this.files.get(asset.name)?.bytes.length ?? 0,
    )
  }

  describe(step: Step): string[] {
    return [`WOULD ${step.kind}`]
  }

  private linkMethods(): ReleaseLinks {
    return {
      createLink: (_release, link) => {
        this.calls.push(`createLink ${link.name}`)
        return Promise.resolve({ kind: 'created', value: this.addLink(link) })
      },
      findLink: (_release, link) => {
        this.calls.push(`findLink ${link.name}`)
        return Promise.resolve([...this.links.values()].find((l) => l.name === link.name))
      },
      updateLink: (_release, link, existing) => {
        this.calls.push(`updateLink ${link.name}`)
        this.links.delete(existing.id)
        return Promise.resolve(this.addLink(link))
      },
    }
  }

  private draftMethods(): DraftReleases {
    return {
      publishRelease: (release) => {
        this.calls.push(`publishRelease ${release.tagName}`)
        this.release = { ...release, draft: false }
        return Promise.resolve(this.release)
      },
      findEmptyDuplicates: () => Promise.resolve([]),
      deleteRelease: (release) => {
        this.calls.push(`deleteRelease ${release.tagName}`)
        return Promise.resolve()
      },
    }
  }

  private evidenceMethods(): ServerEvidence {
    return {
      requestServerEvidence: () => {
        this.calls.push('collectServerEvidence')
        if (this.release !== undefined) {
          const shas = this.release.serverEvidenceShas ?? []
          this.release = { ...this.release, serverEvidenceShas: ['e'.repeat(64), ...shas] }
        }
        return Promise.resolve({})
      },
    }
  }

  private addLink(link: LinkSpec): RemoteLink {
    const remote: RemoteLink = {
      id: String(this.nextId++),
      name: link.name,
      url: link.url,
      linkType: link.linkType,
      ...(link.directAssetPath === undefined ? {} : { directAssetPath: link.directAssetPath }),
    }
    this.links.set(remote.id, remote)
    return remote
  }
}
