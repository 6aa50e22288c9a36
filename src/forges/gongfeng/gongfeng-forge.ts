import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'

import { ReleaseError } from '../../errors.js'
import { OutcomeUnknownError } from '../../http/outcome-unknown-error.js'
import { discardBody, fetchServedSize } from '../../http/served-size.js'
import type { Transport } from '../../http/types.js'
import type { Logger } from '../../log.js'
import { derivedFileOf, type Step } from '../../plan/steps.js'
import type {
  Forge,
  LinkSpec,
  ProgressCallback,
  ReadBack,
  ReleaseFields,
  RemoteAsset,
  RemoteRelease,
  TagState,
  UploadFile,
  WriteResult,
} from '../forge.js'
import { gongfengAssetRules } from './gongfeng-rules.js'
import { readLabels } from './read-labels.js'
import { toStoredName } from './stored-name.js'
import {
  isConflict,
  translateAccessError,
  translateReleaseError,
  translateUploadError,
} from './translate-error.js'
import type { GongfengAttachment, GongfengProject, GongfengRelease, GongfengTag } from './wire.js'
import { plural } from '../../plural.js'

export interface GongfengForgeOptions {
  readonly apiUrl: string
  readonly project: string
}

/**
 * Tencent Gongfeng (工蜂) REST v3 (seeds/gongfeng-releases-api.zh.txt, API-NOTES §2). Files are
 * attachments of the release itself, so the release is created first; there are no separate
 * links, milestones, release dates or server-side evidence. Releases are addressed by tag.
 */
export class GongfengForge implements Forge {
  readonly platform = 'gongfeng' as const
  readonly rules = gongfengAssetRules

  private readonly api: string
  private readonly projectPath: string
  private projectWebUrl: string
  private projectConfirmed = false
  /** Plain tags (type `none`) that GET /releases/:tag answered for, with their commit. */
  private readonly plainTags = new Map<string, string | undefined>()
  /** The tag being published, for dry-run descriptions of attachment requests. */
  private currentTag: string | undefined

  constructor(
    private readonly options: GongfengForgeOptions,
    private readonly http: Transport,
    private readonly log: Logger,
  ) {
    this.api = options.apiUrl.replace(/\/+$/, '')
    // "如果使用 project_full_path，确保 project_full_path 编码过" (/ → %2F).
    this.projectPath = `${this.api}/projects/${encodeURIComponent(options.project)}`
    this.projectWebUrl = `${this.api.replace(/\/api\/v3$/, '')}/${options.project}`
  }

  storedName(name: string): string {
    return toStoredName(name)
  }

  async connect(): Promise<void> {
    // Only for the project's web address; a server without this endpoint is no obstacle.
    try {
      const response = await this.http.request<GongfengProject>({
        method: 'GET',
        url: this.projectPath,
        acceptStatus: [403, 404, 405],
        label: 'read project',
      })
      if (response.status === 200 && typeof response.body?.web_url === 'string') {
        this.projectWebUrl = response.body.web_url.replace(/\/+$/, '')
        this.projectConfirmed = true
      }
    } catch (error) {
      throw translateAccessError(error)
    }
  }

  async findRelease(tagName: string): Promise<RemoteRelease | undefined> {
    this.currentTag = tagName
    const record = await this.readRecord(tagName)
    if (record === undefined) return undefined
    if (!isRelease(record)) {
      // GET /releases/:tag answers for plain tags too ("既适用于release，也适用于tag"), as type none.
      this.plainTags.set(tagName, record.ref?.commit?.id)
      return undefined
    }
    return this.toRemoteRelease(record)
  }

  async findTag(tagName: string): Promise<TagState> {
    const plainCommit = this.plainTags.get(tagName)
    if (plainCommit !== undefined) return { state: 'exists', commitSha: plainCommit }
    await this.confirmProject()
    try {
      const response = await this.http.request<GongfengTag>({
        method: 'GET',
        url: `${this.projectPath}/repository/tags/${encodeURIComponent(tagName)}`,
        acceptStatus: [403, 404],
        label: `read tag ${tagName}`,
      })
      if (response.status === 404) return { state: 'missing' }
      const commit = response.body?.commit?.id
      return response.status === 200 && typeof commit === 'string'
        ? { state: 'exists', commitSha: commit }
        : { state: 'unknown' }
    } catch (error) {
      throw translateAccessError(error)
    }
  }

  async listAssets(release: RemoteRelease | undefined, tagName: string): Promise<RemoteAsset[]> {
    // Always read afresh: SHA256SUMS and the evidence are computed from what other jobs added.
    if (release === undefined) return []
    return (await this.readAttachments(tagName)).map((a) => this.toAsset(tagName, a))
  }

  async createRelease(
    fields: ReleaseFields,
    _links: readonly LinkSpec[],
  ): Promise<WriteResult<RemoteRelease>> {
    const form: Record<string, string> = {
      tag: fields.tagName,
      // start_point is how a missing tag gets created; for an existing tag, naming the tag
      // itself is a valid start point ("从 commit hash、存在的 branch 或 tag 创建").
      start_point: fields.ref ?? fields.tagName,
      ...(fields.tagMessage === undefined ? {} : { tag_message: fields.tagMessage }),
      ...this.fieldsForm(fields),
      type: 'release',
    }
    try {
      const response = await this.http.request<GongfengRelease>({
        method: 'POST',
        url: `${this.projectPath}/releases`,
        body: { kind: 'form', fields: form },
        label: `create release ${fields.tagName}`,
      })
      this.projectConfirmed = true
      return { kind: 'created', value: this.toRemoteRelease(response.body) }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      if (!isConflict(error)) throw translateReleaseError(error, fields)
      const current = await this.readRecord(fields.tagName)
      if (current === undefined || isRelease(current)) {
        return { kind: 'exists', cause: translateReleaseError(error, fields) }
      }
      // The tag exists as a plain tag and this server would not create over it: promote it.
      this.log.info(`Tag ${fields.tagName} exists as a plain tag; making it a release`)
      const release = await this.putRelease(
        fields.tagName,
        { ...this.fieldsForm(fields), type: 'release' },
        fields,
      )
      return { kind: 'created', value: release }
    }
  }

  async updateRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease> {
    return this.putRelease(release.tagName, this.fieldsForm(fields), fields)
  }

  async uploadAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
    replacing: RemoteAsset | undefined,
    onProgress: ProgressCallback,
  ): Promise<WriteResult<RemoteAsset>> {
    const tagName = requireTag(release, file)
    // Gongfeng refuses a second attachment of the same name, so the old one goes first.
    if (replacing !== undefined) await this.deleteAttachment(tagName, replacing.name)
    try {
      const response = await this.http.request<GongfengAttachment>({
        method: 'POST',
        url: this.attachmentsUrl(tagName),
        body: {
          kind: 'multipart',
          field: 'file',
          path: file.path,
          size: file.size,
          filename: file.name,
          contentType: file.contentType,
          observer: file.digest,
        },
        onUploadProgress: onProgress,
        label: `upload ${file.name}`,
      })
      return { kind: 'created', value: await this.uploadedAsset(tagName, response.body, file) }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      // Another job stored a file of that name, or a name the server filters differently.
      if (isConflict(error)) return { kind: 'exists', cause: this.uploadConflict(file, error) }
      throw translateUploadError(error, file)
    }
  }

  /** Whether the attachment of that name holds exactly the file (hashed through its download). */
  async readBackAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
  ): Promise<ReadBack<RemoteAsset>> {
    const tagName = requireTag(release, file)
    const existing = (await this.readAttachments(tagName)).find((a) => a.name === file.name)
    if (existing === undefined) return { kind: 'absent' }
    if (await this.holdsFile(tagName, existing, file)) {
      return { kind: 'landed', value: await this.uploadedAsset(tagName, existing, file) }
    }
    return { kind: 'other', value: this.toAsset(tagName, existing) }
  }

  async deleteAsset(release: RemoteRelease, asset: RemoteAsset): Promise<void> {
    await this.deleteAttachment(release.tagName, asset.name)
  }

  /** The attachment's bytes, or undefined when it is not (or no longer) there. */
  async openAsset(asset: RemoteAsset, _release?: RemoteRelease): Promise<Readable | undefined> {
    const response = await this.http.stream({
      method: 'GET',
      url: asset.url,
      acceptStatus: [404],
      label: `download ${asset.name}`,
    })
    if (response.status !== 404) return response.body
    discardBody(response.body)
    return undefined
  }

  async fetchAssetSize(_release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    // The download endpoint is documented for GET only ("文件流"); servers answer HEAD with 404
    // or 405. A one-byte ranged GET tells the size in Content-Range and moves one byte.
    const { size: total } = await fetchServedSize(this.http, {
      url: asset.url,
      label: `check ${asset.name}`,
    })
    if (total === undefined) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `Gongfeng served ${asset.name} without telling its size (no Content-Length or Content-Range).`,
      })
    }
    return total
  }

  describe(step: Step): string[] {
    const tag = this.currentTag ?? '…'
    switch (step.kind) {
      case 'create-release': {
        const { fields } = step
        return [
          `POST ${this.projectPath}/releases (tag ${step.tagName}, start_point ${fields.ref ?? step.tagName}${fields.labels === undefined ? '' : `, labels ${fields.labels.join(',')}`})`,
        ]
      }
      case 'update-release':
        return [`PUT ${this.releaseUrl(step.tagName)} (${step.changed.join(', ')})`]
      case 'upload':
        return [
          ...(step.replacing === undefined
            ? []
            : [`DELETE ${this.attachmentUrl(tag, step.replacing.name)}`]),
          `POST ${this.attachmentsUrl(tag)} (${step.file.name}, ${plural(step.file.size, 'byte')})`,
        ]
      case 'write-checksums':
      case 'write-evidence':
      case 'write-provenance':
      case 'sign-evidence':
        return [`POST ${this.attachmentsUrl(tag)} (${derivedFileOf(step)}, when changed)`]
      case 'link':
      case 'record-attestation':
      case 'collect-server-evidence':
      case 'label':
      case 'settle-names':
      case 'verify':
      case 'publish':
        return []
    }
  }

  private releaseUrl(tagName: string): string {
    return `${this.projectPath}/releases/${encodeURIComponent(tagName)}`
  }

  private attachmentsUrl(tagName: string): string {
    return `${this.releaseUrl(tagName)}/attachments`
  }

  private attachmentUrl(tagName: string, name: string): string {
    return `${this.attachmentsUrl(tagName)}/${encodeURIComponent(name)}`
  }

  /**
   * Description and labels, as both create and update take them: the documented fields and no
   * others. The page documents no title ("新增 release 或 tag" / "更新 release 或 tag" list tag,
   * start_point, tag_message, type, description, labels): a release shows its tag as its title,
   * so `name` has nothing to go to here (settings warn when it is given).
   */
  private fieldsForm(fields: ReleaseFields): Record<string, string> {
    return {
      ...(fields.description === undefined ? {} : { description: fields.description }),
      // "发布标签，允许多个，以,分隔，最多：10"
      ...(fields.labels === undefined ? {} : { labels: fields.labels.join(',') }),
    }
  }

  private async putRelease(
    tagName: string,
    form: Record<string, string>,
    fields: ReleaseFields,
  ): Promise<RemoteRelease> {
    try {
      const response = await this.http.request<GongfengRelease>({
        method: 'PUT',
        url: this.releaseUrl(tagName),
        body: { kind: 'form', fields: form },
        label: `update release ${tagName}`,
      })
      return this.toRemoteRelease(response.body)
    } catch (error) {
      throw translateReleaseError(error, fields)
    }
  }

  /** The record of a tag (release or plain tag), or undefined when there is none. */
  private async readRecord(tagName: string): Promise<GongfengRelease | undefined> {
    let response
    try {
      response = await this.http.request<GongfengRelease>({
        method: 'GET',
        url: this.releaseUrl(tagName),
        acceptStatus: [404],
        label: `read release ${tagName}`,
      })
    } catch (error) {
      throw translateAccessError(error)
    }
    if (response.status === 404) {
      // Gongfeng answers the same 404 for a missing project and a missing release.
      await this.confirmProject()
      return undefined
    }
    this.projectConfirmed = true
    return response.body
  }

  /** Throws a ReleaseError naming `project` when the project cannot be seen; asks once. */
  private async confirmProject(): Promise<void> {
    if (this.projectConfirmed) return
    let response
    try {
      response = await this.http.request<unknown>({
        method: 'GET',
        url: `${this.projectPath}/releases?per_page=1`,
        acceptStatus: [404],
        label: 'list releases',
      })
    } catch (error) {
      throw translateAccessError(error)
    }
    if (response.status === 404) {
      throw new ReleaseError({
        code: 'NOT_FOUND',
        input: 'project',
        message: `Gongfeng has no project '${this.options.project}' that this token can see.`,
        hint: "Check 'project' (numeric id or full path group/name) and that the token's user is a member of it; Gongfeng answers 404 rather than 403 for projects a user may not see.",
      })
    }
    this.projectConfirmed = true
  }

  private async readAttachments(tagName: string): Promise<GongfengAttachment[]> {
    const record = await this.readRecord(tagName)
    return record === undefined || !isRelease(record) ? [] : (record.attachments ?? [])
  }

  private async deleteAttachment(tagName: string, name: string): Promise<void> {
    try {
      await this.http.request({
        method: 'DELETE',
        url: this.attachmentUrl(tagName, name),
        acceptStatus: [404],
        responseType: 'none',
        label: `delete ${name}`,
      })
    } catch (error) {
      throw translateAccessError(error)
    }
  }

  /** Whether a stored attachment has exactly the file's content (hashed through the download). */
  private async holdsFile(
    tagName: string,
    attachment: GongfengAttachment,
    file: UploadFile,
  ): Promise<boolean> {
    if (typeof attachment.size === 'number' && attachment.size !== file.size) return false
    const stream = await this.openAsset(this.toAsset(tagName, attachment))
    if (stream === undefined) return false
    const hash = createHash('sha256')
    for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk)
    return hash.digest('hex') === (await file.digest.value())
  }

  private uploadConflict(file: UploadFile, cause: unknown): ReleaseError {
    return new ReleaseError({
      code: 'ASSET_EXISTS',
      input: 'assets',
      message: `Gongfeng kept refusing ${file.name}: another file of that name is stored, and it could not be replaced.`,
      hint: 'Another job may be publishing the same file name with other content; give each job its own file names, then re-run.',
      cause,
    })
  }

  private async uploadedAsset(
    tagName: string,
    body: GongfengAttachment | undefined,
    file: UploadFile,
  ): Promise<RemoteAsset> {
    // "最终上传的文件名以返回值中的name字段为准": the returned name is the one stored.
    const name = typeof body?.name === 'string' && body.name !== '' ? body.name : file.name
    if (name !== file.name) this.log.info(`Gongfeng stored ${file.name} as ${name}`)
    const asset = this.toAsset(tagName, { name, size: body?.size ?? file.size })
    return { ...asset, sha256: await file.digest.value() }
  }

  private toAsset(tagName: string, attachment: GongfengAttachment): RemoteAsset {
    const url = this.attachmentUrl(tagName, attachment.name)
    return {
      name: attachment.name,
      url,
      directAssetUrl: url,
      ...(typeof attachment.size === 'number' ? { size: attachment.size } : {}),
      stored: true,
    }
  }

  private toRemoteRelease(release: GongfengRelease): RemoteRelease {
    const labels = readLabels(release.labels)
    const commit = release.ref?.commit?.id
    return {
      tagName: release.tag,
      name:
        release.title === undefined || release.title === null || release.title === ''
          ? release.tag
          : release.title,
      description: release.description ?? '',
      ...(typeof commit === 'string' ? { commitSha: commit } : {}),
      // The release page's address is not documented: a guess under the project's web_url.
      webUrl: `${this.projectWebUrl}/releases/${encodeURIComponent(release.tag)}`,
      draft: false,
      ...(release.id === undefined ? {} : { id: String(release.id) }),
      ...(labels === undefined ? {} : { labels }),
    }
  }
}

function requireTag(release: RemoteRelease | undefined, file: UploadFile): string {
  if (release === undefined) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `Cannot upload ${file.name}: Gongfeng attaches files to an existing release only.`,
    })
  }
  return release.tagName
}

/** A record shows as a release unless its type says it is a plain tag. */
function isRelease(record: GongfengRelease): boolean {
  return record.type !== 'none'
}
