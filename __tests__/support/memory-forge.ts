/** An in-memory Forge for orchestration tests: no HTTP, every call recorded. */
import { Readable } from 'node:stream'
import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'

import type {
  CreateResult,
  Forge,
  ForgeCapabilities,
  LinkSpec,
  PlannedOperation,
  ReleaseFields,
  RemoteAsset,
  RemoteLink,
  RemoteRelease,
  TagState,
  UploadFile,
} from '../../src/forges/forge.js'
import type { Platform } from '../../src/settings/inputs.js'

export interface MemoryForgeOptions {
  readonly platform?: Platform
  readonly capabilities?: Partial<ForgeCapabilities>
  readonly tag?: TagState
  /** Makes createRelease answer as if another job had created the release first. */
  readonly loseCreateRace?: boolean
  /** Size reported by fetchAssetSize for this asset name (to simulate a truncated file). */
  readonly servedSize?: Readonly<Record<string, number>>
}

export class MemoryForge implements Forge {
  readonly platform: Platform
  readonly capabilities: ForgeCapabilities
  readonly calls: string[] = []
  release: RemoteRelease | undefined
  readonly files = new Map<string, { bytes: Buffer; sha256: string }>()
  readonly links = new Map<string, RemoteLink>()
  private nextId = 1

  constructor(private readonly options: MemoryForgeOptions = {}) {
    this.platform = options.platform ?? 'gitlab'
    this.capabilities = {
      separateLinks: true,
      releaseBeforeUpload: false,
      draftUntilPublished: false,
      milestones: true,
      releasedAt: true,
      serverEvidence: true,
      ...options.capabilities,
    }
  }

  writes(): string[] {
    return this.calls.filter((c) => !/^(find|list|open|fetch|connect)/.test(c))
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
        size: file.bytes.length,
        sha256: file.sha256,
        stored: true,
        ...(link === undefined ? {} : { link }),
      })
    }
    return Promise.resolve(assets)
  }

  createRelease(fields: ReleaseFields, links: readonly LinkSpec[]): Promise<CreateResult> {
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
    return Promise.resolve({ release, created: this.options.loseCreateRace !== true })
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

  async uploadAsset(_release: RemoteRelease | undefined, file: UploadFile): Promise<RemoteAsset> {
    this.calls.push(`uploadAsset ${file.name}`)
    const bytes = await readFile(file.path)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    this.files.set(file.name, { bytes, sha256 })
    return { name: file.name, url: `mem://${file.name}`, size: bytes.length, sha256, stored: true }
  }

  deleteAsset(_release: RemoteRelease, asset: RemoteAsset): Promise<void> {
    this.calls.push(`deleteAsset ${asset.name}`)
    this.files.delete(asset.name)
    return Promise.resolve()
  }

  linkUrlFor(asset: RemoteAsset): string {
    return asset.url
  }

  upsertLink(
    _release: RemoteRelease,
    link: LinkSpec,
    existing: RemoteLink | undefined,
  ): Promise<RemoteLink> {
    this.calls.push(`upsertLink ${link.name}`)
    if (existing !== undefined) this.links.delete(existing.id)
    return Promise.resolve(this.addLink(link))
  }

  publishRelease(release: RemoteRelease): Promise<RemoteRelease> {
    this.calls.push(`publishRelease ${release.tagName}`)
    this.release = { ...release, draft: false }
    return Promise.resolve(this.release)
  }

  collectServerEvidence(): Promise<{ collected: boolean; sha?: string }> {
    this.calls.push('collectServerEvidence')
    return Promise.resolve({ collected: true, sha: 'e'.repeat(64) })
  }

  openAsset(asset: RemoteAsset): Promise<Readable> {
    this.calls.push(`openAsset ${asset.name}`)
    return Promise.resolve(Readable.from([this.files.get(asset.name)?.bytes ?? Buffer.alloc(0)]))
  }

  fetchAssetSize(_release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    this.calls.push(`fetchAssetSize ${asset.name}`)
    return Promise.resolve(
      this.options.servedSize?.[asset.name] ?? this.files.get(asset.name)?.bytes.length ?? 0,
    )
  }

  describe(operation: PlannedOperation): string[] {
    return [`WOULD ${operation.kind}`]
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
