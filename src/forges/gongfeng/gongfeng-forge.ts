import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'

import { ReleaseError } from '../../errors.js'
import { OutcomeUnknownError } from '../../http/outcome-unknown-error.js'
import type { Transport } from '../../http/types.js'
import type { Logger } from '../../log.js'
import type {
  CreateResult,
  Forge,
  ForgeCapabilities,
  LinkSpec,
  PlannedOperation,
  ProgressCallback,
  ReleaseFields,
  RemoteAsset,
  RemoteLink,
  RemoteRelease,
  TagState,
  UploadFile,
} from '../forge.js'
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

/** Attempts at storing one attachment when the outcome was unknown or another job got there first. */
const UPLOAD_ATTEMPTS = 4
/** Downloads of an attachment that is missing, while another job may be replacing it. */
const VANISHED_ATTEMPTS = 8

export interface GongfengForgeOptions {
  readonly apiUrl: string
  readonly project: string
  readonly sleep?: (ms: number) => Promise<void>
}

/**
 * Tencent Gongfeng (工蜂) REST v3 (seeds/gongfeng-releases-api.zh.txt, API-NOTES §2). Files are
 * attachments of the release itself, so the release is created first; there are no separate
 * links, milestones, release dates or server-side evidence. Releases are addressed by tag.
 */
export class GongfengForge implements Forge {
  readonly platform = 'gongfeng' as const
  readonly capabilities: ForgeCapabilities = {
    separateLinks: false,
    releaseBeforeUpload: true,
    draftUntilPublished: false,
    milestones: false,
    releasedAt: false,
    serverEvidence: false,
  }

  private readonly api: string
  private readonly projectPath: string
  private readonly sleep: (ms: number) => Promise<void>
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
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
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

  async createRelease(fields: ReleaseFields, _links: readonly LinkSpec[]): Promise<CreateResult> {
    const form: Record<string, string> = {
      tag: fields.tagName,
      // start_point is how a missing tag gets created; for an existing tag, naming the tag
      // itself is a valid start point ("从 commit hash、存在的 branch 或 tag 创建").
      start_point: fields.ref ?? fields.tagName,
      ...(fields.tagMessage === undefined ? {} : { tag_message: fields.tagMessage }),
      ...this.fieldsForm(fields),
      type: 'release',
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.http.request<GongfengRelease>({
          method: 'POST',
          url: `${this.projectPath}/releases`,
          body: { kind: 'form', fields: form },
          label: `create release ${fields.tagName}`,
        })
        this.projectConfirmed = true
        return { release: this.toRemoteRelease(response.body), created: true }
      } catch (error) {
        const unknown = error instanceof OutcomeUnknownError
        if (!unknown && !isConflict(error)) throw translateReleaseError(error, fields)
        // A create is never sent twice blindly: read what is there, then decide.
        const current = await this.readRecord(fields.tagName)
        if (current !== undefined && isRelease(current)) {
          if (!unknown) this.log.info(`Release ${fields.tagName} was just created by another job`)
          // After a lost answer the release is most likely our own create.
          return { release: this.toRemoteRelease(current), created: unknown }
        }
        if (current !== undefined) {
          // The tag exists as a plain tag and this server would not create over it: promote it.
          this.log.info(`Tag ${fields.tagName} exists as a plain tag; making it a release`)
          const release = await this.putRelease(
            fields.tagName,
            { ...this.fieldsForm(fields), type: 'release' },
            fields,
          )
          return { release, created: true }
        }
        if (!unknown || attempt >= 2) throw translateReleaseError(error, fields)
        this.log.info(`Creating release ${fields.tagName} again: the first request did not land`)
      }
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
  ): Promise<RemoteAsset> {
    if (release === undefined) {
      throw new ReleaseError({
        code: 'INTERNAL',
        message: `Cannot upload ${file.name}: Gongfeng attaches files to an existing release only.`,
      })
    }
    const tagName = release.tagName
    // Gongfeng refuses a second attachment of the same name, so the old one goes first.
    if (replacing !== undefined) await this.deleteAttachment(tagName, replacing.name)
    for (let attempt = 1; ; attempt++) {
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
        return await this.uploadedAsset(tagName, response.body, file)
      } catch (error) {
        const unknown = error instanceof OutcomeUnknownError
        if (!unknown && !isConflict(error)) throw translateUploadError(error, file)
        // The upload may have landed, or another job stored a file of that name: read, then decide.
        const existing = (await this.readAttachments(tagName)).find((a) => a.name === file.name)
        if (existing !== undefined) {
          if (await this.holdsFile(tagName, existing, file)) {
            return await this.uploadedAsset(tagName, existing, file)
          }
          // Another job stored its own version at the same moment. Deleting it to store ours
          // would only start a replace-war between jobs; the first one stays, and callers that
          // converge (SHA256SUMS, evidence) read it back and decide again.
          this.log.warn(
            `Another job stored a different ${file.name} at the same moment; keeping that one`,
          )
          return this.toAsset(tagName, existing)
        }
        // Nothing of that name: the request did not land, or another job is replacing the file.
        // Sending ours again is safe; a name the server filters differently keeps conflicting.
        if (attempt >= UPLOAD_ATTEMPTS) throw this.uploadConflict(file, error)
        await this.sleep(Math.floor(Math.random() * 250 * attempt))
      }
    }
  }

  async deleteAsset(release: RemoteRelease, asset: RemoteAsset): Promise<void> {
    await this.deleteAttachment(release.tagName, asset.name)
  }

  linkUrlFor(asset: RemoteAsset): string {
    return asset.url
  }

  upsertLink(
    _release: RemoteRelease,
    link: LinkSpec,
    existing: RemoteLink | undefined,
  ): Promise<RemoteLink> {
    // Gongfeng has no release links: attachments are the release's files.
    return Promise.resolve({
      id: existing?.id ?? link.name,
      name: link.name,
      url: link.url,
      linkType: link.linkType,
      ...(link.directAssetPath === undefined ? {} : { directAssetPath: link.directAssetPath }),
    })
  }

  publishRelease(release: RemoteRelease): Promise<RemoteRelease> {
    return Promise.resolve(release)
  }

  collectServerEvidence(): Promise<{ collected: boolean; sha?: string; message?: string }> {
    return Promise.resolve({ collected: false })
  }

  async openAsset(asset: RemoteAsset): Promise<Readable> {
    for (let attempt = 1; ; attempt++) {
      const body = await this.download(asset)
      if (body !== undefined) return body
      if (attempt >= VANISHED_ATTEMPTS) {
        throw new ReleaseError({
          code: 'NOT_FOUND',
          message: `${asset.name} is no longer attached to the release (404 Not Found).`,
          hint: 'Another job may have deleted it; re-running the job is safe.',
        })
      }
      // Gongfeng cannot overwrite an attachment, so a job replacing one (a build matrix
      // rewriting SHA256SUMS) deletes it first: for a moment it is missing. Wait for the new one.
      this.log.debug(`${asset.name} is missing for now; waiting for the job that replaces it`)
      await this.sleep(Math.min(2000, 100 * 2 ** (attempt - 1)))
    }
  }

  async fetchAssetSize(_release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    // The download endpoint is documented for GET only ("文件流"); HEAD is tried first because
    // it moves no bytes, and a server that refuses it gets a one-byte ranged GET instead.
    const head = await this.http.request({
      method: 'HEAD',
      url: asset.url,
      responseType: 'none',
      acceptStatus: [400, 405, 501],
      label: `check ${asset.name}`,
    })
    const headLength = head.status === 200 ? readLength(head.headers['content-length']) : undefined
    if (headLength !== undefined) return headLength
    const ranged = await this.http.stream({
      method: 'GET',
      url: asset.url,
      headers: { range: 'bytes=0-0' },
      label: `check ${asset.name}`,
    })
    // Only the headers matter; a server that ignored the range must not send the whole file.
    discard(ranged.body)
    const total =
      ranged.status === 206
        ? readLength(/\/(\d+)\s*$/.exec(ranged.headers['content-range'] ?? '')?.[1])
        : readLength(ranged.headers['content-length'])
    if (total === undefined) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `Gongfeng served ${asset.name} without telling its size (no Content-Length or Content-Range).`,
      })
    }
    return total
  }

  describe(operation: PlannedOperation): string[] {
    const tag = this.currentTag ?? '…'
    switch (operation.kind) {
      case 'create-release': {
        const { fields } = operation
        return [
          `POST ${this.projectPath}/releases (tag ${fields.tagName}, start_point ${fields.ref ?? fields.tagName}${fields.labels === undefined ? '' : `, labels ${fields.labels.join(',')}`})`,
        ]
      }
      case 'update-release':
        return [`PUT ${this.releaseUrl(operation.fields.tagName)}`]
      case 'upload':
        return [
          ...(operation.replacing === undefined
            ? []
            : [`DELETE ${this.attachmentUrl(tag, operation.replacing.name)}`]),
          `POST ${this.attachmentsUrl(tag)} (${operation.file.name}, ${plural(operation.file.size, 'byte')})`,
        ]
      case 'delete-asset':
        return [`DELETE ${operation.asset.url}`]
      case 'upsert-link':
      case 'publish-release':
      case 'collect-evidence':
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

  /** Title, description and labels, as both create and update take them. */
  private fieldsForm(fields: ReleaseFields): Record<string, string> {
    return {
      // `title` is in the older docs only; current servers that ignore it keep the tag as title.
      title: fields.name,
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
    const stream = await this.download(this.toAsset(tagName, attachment))
    if (stream === undefined) return false
    const hash = createHash('sha256')
    for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk)
    return hash.digest('hex') === (await file.digest.value())
  }

  /** The attachment's bytes, or undefined when it is not (or no longer) there. */
  private async download(asset: RemoteAsset): Promise<Readable | undefined> {
    const response = await this.http.stream({
      method: 'GET',
      url: asset.url,
      acceptStatus: [404],
      label: `download ${asset.name}`,
    })
    if (response.status !== 404) return response.body
    discard(response.body)
    return undefined
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

/** A record shows as a release unless its type says it is a plain tag. */
function isRelease(record: GongfengRelease): boolean {
  return record.type !== 'none'
}

function readLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined
  return Number(value)
}

/** Drops a response body unread; undici reports the abort as an error, which is expected here. */
function discard(body: Readable): void {
  body.on('error', () => undefined)
  body.destroy()
}
