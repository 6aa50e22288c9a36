import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'

import { ReleaseError } from '../../errors.js'
import { OutcomeUnknownError } from '../../http/outcome-unknown-error.js'
import { discardBody, fetchServedSize } from '../../http/served-size.js'
import type { Transport } from '../../http/types.js'
import type { Logger } from '../../log.js'
import { plural } from '../../plural.js'
import { derivedFileOf, type Step } from '../../plan/steps.js'
import type {
  DraftReleases,
  Forge,
  LinkSpec,
  ProgressCallback,
  ReadBack,
  ReadBackSituation,
  ReleaseFields,
  RemoteAsset,
  RemoteRelease,
  SameNameTwins,
  StoredUpload,
  TagState,
  UploadFile,
  WriteResult,
} from '../forge.js'
import { FreshRead } from './fresh-read.js'
import { giteaAssetRules } from './gitea-rules.js'
import {
  attachmentsDisabled,
  isStatus,
  translateAccessError,
  translateReleaseError,
  translateUploadError,
} from './translate-error.js'
import type {
  GiteaAttachment,
  GiteaAttachmentSettings,
  GiteaBranch,
  GiteaRelease,
  GiteaTag,
} from './wire.js'

/** Timeouts, proxies, the CA bundle and the retry policy come with the transport. */
export interface GiteaForgeOptions {
  /** The API root, `<ROOT_URL>/api/v1`. */
  readonly apiUrl: string
  /** owner/repo */
  readonly repository: string
}

interface AttachmentHandle {
  readonly releaseId: number
  readonly attachmentId: number
  readonly uuid: string
}

/**
 * Forgejo and Gitea REST v1 (Codeberg, self-hosted; the two share these endpoints). A release
 * is created as a draft, filled, verified and then published, as on GitHub; files are release
 * attachments, uploaded as the multipart field `attachment` with the `name` query parameter.
 *
 * What the server does not do, the adapter makes up for:
 * - it keeps no digest of an attachment, only its size: re-runs learn the sha256 from the
 *   release's SHA256SUMS (as on Gongfeng), and a read-back hashes the stored bytes;
 * - it allows two attachments of one name: after each upload the lowest attachment id of a name
 *   is the one that stays, and a job whose upload lost deletes it and gives way;
 * - a draft gets its git tag only when published, from `target_commitish`, and a target that
 *   does not resolve then fails as a 500: so a missing tag is created first, from `ref`
 *   (`POST /tags`, annotated with `tag_message`), which names a bad ref before anything is
 *   uploaded and works on Forgejo, whose release create takes no tag message.
 * A tag holds at most one release (`UNIQUE(repo_id, tag_name)`), so jobs racing to create it
 * find one winner (409 for the others) and no duplicate drafts.
 */
export class GiteaForge implements Forge, DraftReleases, SameNameTwins {
  readonly platform = 'gitea' as const
  readonly rules = giteaAssetRules

  private readonly api: string
  private readonly repoApi: string
  /** ROOT_URL as the API's own address gives it (`<root>/api/v1`): downloads go there. */
  private readonly webRoot: string
  /** The repository's web address on that root. */
  private readonly repoWeb: string
  /** `[attachment] ENABLED`, when `GET /settings/attachment` answered. */
  private attachmentsEnabled = true
  /** Tags read so far. */
  private readonly tags = new Map<string, TagState>()
  /** The release the last lookup found, for dry-run descriptions. */
  private known: RemoteRelease | undefined
  /** Per release id: the listing same-name checks after uploads share. */
  private readonly freshListings = new Map<string, FreshRead<GiteaAttachment[]>>()

  constructor(
    private readonly options: GiteaForgeOptions,
    private readonly http: Transport,
    private readonly log: Logger,
  ) {
    this.api = options.apiUrl.replace(/\/+$/, '')
    const [owner = '', repo = ''] = options.repository.split('/')
    this.repoApi = `${this.api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`
    this.webRoot = /\/api\/v1$/.test(this.api)
      ? this.api.replace(/\/api\/v1$/, '')
      : new URL(this.api).origin
    this.repoWeb = `${this.webRoot}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`
  }

  /** Gitea stores an attachment under the name given (`Attachment.Name = filename`). */
  storedName(name: string): string {
    return name
  }

  async connect(): Promise<void> {
    try {
      const repository = await this.http.request<unknown>({
        method: 'GET',
        url: this.repoApi,
        acceptStatus: [404],
        label: `read repository ${this.options.repository}`,
      })
      if (repository.status === 404) {
        throw new ReleaseError({
          code: 'NOT_FOUND',
          input: 'project',
          message: `Forgejo/Gitea has no repository '${this.options.repository}' that this token can see.`,
          hint: "Check 'project' (owner/repo) and api_url (…/api/v1); a private repository answers 404 to a token without access to it.",
        })
      }
      // Release uploads answer 404 while `[attachment] ENABLED = false`; the settings say so
      // before anything is written. A server without this endpoint is no obstacle.
      const settings = await this.http.request<GiteaAttachmentSettings>({
        method: 'GET',
        url: `${this.api}/settings/attachment`,
        acceptStatus: [403, 404],
        label: 'read attachment settings',
      })
      if (settings.status === 200 && settings.body?.enabled === false) {
        this.attachmentsEnabled = false
        this.log.warn('This Forgejo/Gitea instance has attachments turned off')
      }
    } catch (error) {
      throw translateAccessError(error, this.options.repository)
    }
  }

  async findRelease(tagName: string): Promise<RemoteRelease | undefined> {
    let response
    try {
      // Get-by-tag answers drafts too (repo_model.GetRelease filters nothing but the
      // plain-tag rows), and a tag has at most one release: no list needed.
      response = await this.http.request<GiteaRelease>({
        method: 'GET',
        url: `${this.repoApi}/releases/tags/${encodeURIComponent(tagName)}`,
        acceptStatus: [404],
        label: `read release ${tagName}`,
      })
    } catch (error) {
      throw translateAccessError(error, this.options.repository)
    }
    if (response.status === 404) return undefined
    const release = response.body
    if (release.tag_name !== tagName) {
      // Tags are looked up by their lower-case name (LowerTagName): another spelling owns it.
      throw new ReleaseError({
        code: 'RELEASE_EXISTS',
        input: 'tag_name',
        message: `Forgejo/Gitea treats tag names without regard to case, and release '${release.tag_name}' already holds '${tagName}'.`,
        hint: `Use tag_name '${release.tag_name}', or another tag name.`,
      })
    }
    return this.describeRelease(release)
  }

  async findTag(tagName: string): Promise<TagState> {
    try {
      const commitSha = await this.readTagCommit(tagName, true)
      return commitSha === undefined ? { state: 'missing' } : { state: 'exists', commitSha }
    } catch (error) {
      if (isStatus(error, 403)) return { state: 'unknown' }
      throw translateAccessError(error, this.options.repository)
    }
  }

  async listAssets(release: RemoteRelease | undefined, _tagName?: string): Promise<RemoteAsset[]> {
    if (release === undefined) return []
    // Two attachments may share a name while jobs race; the lowest id is the one that stays.
    const byName = new Map<string, GiteaAttachment>()
    for (const attachment of await this.listAttachments(release)) {
      const held = byName.get(attachment.name)
      if (held === undefined || attachment.id < held.id) byName.set(attachment.name, attachment)
    }
    return [...byName.values()].map((a) => this.toAsset(release, a))
  }

  async createRelease(
    fields: ReleaseFields,
    _links: readonly LinkSpec[],
  ): Promise<WriteResult<RemoteRelease>> {
    try {
      const tag = await this.ensureTag(fields)
      if (tag !== undefined) return tag
      const response = await this.http.request<GiteaRelease>({
        method: 'POST',
        url: `${this.repoApi}/releases`,
        body: {
          kind: 'json',
          value: {
            tag_name: fields.tagName,
            name: fields.name,
            draft: fields.draft ?? false,
            prerelease: fields.prerelease ?? false,
            ...(fields.ref === undefined ? {} : { target_commitish: fields.ref }),
            ...(fields.description === undefined ? {} : { body: fields.description }),
          },
        },
        label: `create release ${fields.tagName}`,
      })
      return { kind: 'created', value: await this.describeRelease(response.body) }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      // "Release is has no Tag": another job's release (draft or not) holds the tag.
      if (isStatus(error, 409)) return { kind: 'exists', cause: error }
      throw translateReleaseError(error, fields, this.options.repository)
    }
  }

  async updateRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease> {
    return this.editRelease(release, fields, {
      name: fields.name,
      // An empty body is ignored by the edit (`len(form.Note) > 0`): it cannot be cleared.
      ...(fields.description === undefined ? {} : { body: fields.description }),
      ...(fields.prerelease === undefined ? {} : { prerelease: fields.prerelease }),
    })
  }

  async publishRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease> {
    const published = await this.editRelease(release, fields, {
      draft: false,
      ...(fields.prerelease === undefined ? {} : { prerelease: fields.prerelease }),
    })
    this.log.info(`Published release ${release.tagName}: ${published.webUrl}`)
    return published
  }

  async deleteRelease(release: RemoteRelease): Promise<void> {
    try {
      await this.http.request({
        method: 'DELETE',
        url: `${this.repoApi}/releases/${idOf(release)}`,
        acceptStatus: [404],
        responseType: 'none',
        label: `delete draft ${release.id ?? ''}`,
      })
    } catch (error) {
      throw translateAccessError(error, this.options.repository)
    }
  }

  /** A tag holds one release at most (`UNIQUE(repo_id, tag_name)`): a race leaves no duplicate. */
  findEmptyDuplicates(_release: RemoteRelease): Promise<RemoteRelease[]> {
    return Promise.resolve([])
  }

  async uploadAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
    replacing: RemoteAsset | undefined,
    onProgress: ProgressCallback,
  ): Promise<WriteResult<RemoteAsset>> {
    const target = requireRelease(release, file)
    if (!this.attachmentsEnabled) throw attachmentsDisabled(this.options.repository)
    // Gitea would keep both: the old file goes first.
    if (replacing !== undefined) await this.deleteAttachment(replacing)
    let stored: GiteaAttachment
    try {
      const response = await this.http.request<GiteaAttachment>({
        method: 'POST',
        url: `${this.repoApi}/releases/${idOf(target)}/assets?name=${encodeURIComponent(file.name)}`,
        body: {
          kind: 'multipart',
          field: 'attachment',
          path: file.path,
          size: file.size,
          filename: file.name,
          contentType: file.contentType,
          observer: file.digest,
        },
        onUploadProgress: onProgress,
        label: `upload ${file.name}`,
      })
      stored = response.body
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      throw translateUploadError(error, file, this.options.repository)
    }
    if (stored.size !== file.size) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `Forgejo/Gitea stored ${stored.name} with ${stored.size} bytes, but the file has ${file.size}.`,
        hint: 'The upload was corrupted on the way; run the job again.',
      })
    }
    // Another job may have stored the same name at the same moment: the lowest id stays.
    const winner =
      file.nameSettledLater === true ? stored : await this.settleName(target, file.name)
    if (winner !== undefined && winner.id !== stored.id) {
      return {
        kind: 'exists',
        cause: new ReleaseError({
          code: 'ASSET_EXISTS',
          input: 'assets',
          message: `Another job stored ${file.name} on release ${target.tagName} at the same moment.`,
          hint: 'Give each job of a build matrix its own file names.',
        }),
      }
    }
    return {
      kind: 'created',
      value: { ...this.toAsset(target, stored), sha256: await file.digest.value() },
    }
  }

  /**
   * What holds the file's name now: the attachment of that name with the lowest id (the others
   * are removed, by the same rule every job follows), ours when it holds exactly the file.
   */
  async readBackAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
    _situation?: ReadBackSituation,
  ): Promise<ReadBack<RemoteAsset>> {
    const target = requireRelease(release, file)
    const winner = await this.settleName(target, file.name)
    if (winner === undefined) return { kind: 'absent' }
    return this.judgeHolder(target, winner, file)
  }

  /** Ours when the attachment that holds the name holds exactly the file. */
  private async judgeHolder(
    release: RemoteRelease,
    holder: GiteaAttachment,
    file: UploadFile,
  ): Promise<ReadBack<RemoteAsset>> {
    const asset = this.toAsset(release, holder)
    if (await this.holdsFile(asset, file)) {
      return { kind: 'landed', value: { ...asset, sha256: await file.digest.value() } }
    }
    return { kind: 'other', value: asset }
  }

  /** One listing for all the uploads, with the rule of readBackAsset for each name. */
  async settleNames(
    release: RemoteRelease,
    uploads: readonly StoredUpload[],
  ): Promise<ReadBack<RemoteAsset>[]> {
    const holders = new Map<string, GiteaAttachment[]>()
    for (const attachment of await this.attachmentsAfterNow(release)) {
      const named = holders.get(attachment.name)
      if (named === undefined) holders.set(attachment.name, [attachment])
      else named.push(attachment)
    }
    const found: ReadBack<RemoteAsset>[] = []
    for (const { file, stored } of uploads) {
      const winner = await this.keepLowestId(release, holders.get(file.name) ?? [])
      const ours = winner?.id === (stored.handle as AttachmentHandle | undefined)?.attachmentId
      if (winner === undefined) found.push({ kind: 'absent' })
      else if (ours) found.push({ kind: 'landed', value: stored })
      else found.push(await this.judgeHolder(release, winner, file))
    }
    return found
  }

  async deleteAsset(_release: RemoteRelease, asset: RemoteAsset): Promise<void> {
    await this.deleteAttachment(asset)
  }

  /** The attachment's bytes through `<ROOT_URL>/attachments/<uuid>` (the token counts there for GET). */
  async openAsset(asset: RemoteAsset): Promise<Readable | undefined> {
    const response = await this.http.stream({
      method: 'GET',
      url: this.downloadUrl(asset),
      acceptStatus: [404],
      label: `download ${asset.name}`,
    })
    if (response.status !== 404) return response.body
    discardBody(response.body)
    return undefined
  }

  /**
   * The size served through the release's download path by name,
   * `<ROOT_URL>/<owner>/<repo>/releases/download/<tag>/<name>` (routers/web/repo/repo.go
   * RedirectDownload): what users download. The token counts on that path for any method
   * (services/auth: `releases/download/` is among the git-raw paths); a one-byte ranged GET
   * reads the size from Content-Range (http.ServeContent).
   */
  async fetchAssetSize(release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    const url = `${this.repoWeb}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(asset.name)}`
    const served = await fetchServedSize(this.http, {
      url,
      acceptStatus: [404],
      label: `check ${asset.name}`,
    })
    if (served.status === 404) throw gone()
    const total = served.size
    if (total === undefined) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `Forgejo/Gitea served ${asset.name} without telling its size (no Content-Length or Content-Range).`,
      })
    }
    return total
  }

  describe(step: Step): string[] {
    const releases = `${this.repoApi}/releases`
    const releaseId = this.known?.id ?? '<new draft>'
    const upload = (name: string, what: string): string =>
      `POST ${releases}/${releaseId}/assets?name=${encodeURIComponent(name)} (${what})`
    switch (step.kind) {
      case 'create-release': {
        const { fields } = step
        const tag = this.tags.get(step.tagName)
        return [
          ...(tag?.state === 'missing'
            ? [
                `POST ${this.repoApi}/tags (tag ${step.tagName} from ${fields.ref ?? 'the default branch'}${fields.tagMessage === undefined ? '' : ', annotated'})`,
              ]
            : []),
          `POST ${releases} (${step.draft ? 'draft, ' : ''}tag ${step.tagName})`,
        ]
      }
      case 'update-release':
        return [`PATCH ${releases}/${releaseId} (${step.changed.join(', ')})`]
      case 'upload': {
        const handle = step.replacing?.handle as AttachmentHandle | undefined
        return [
          ...(handle === undefined
            ? []
            : [
                `DELETE ${releases}/${handle.releaseId}/assets/${handle.attachmentId} (${step.file.name})`,
              ]),
          upload(step.file.name, plural(step.file.size, 'byte')),
        ]
      }
      case 'write-checksums':
      case 'write-evidence':
      case 'write-provenance':
      case 'sign-evidence':
        return [upload(derivedFileOf(step), 'when changed')]
      case 'publish':
        return [`PATCH ${releases}/${releaseId} (draft: false)`]
      case 'settle-names':
      case 'link':
      case 'label':
      case 'record-attestation':
      case 'collect-server-evidence':
      case 'verify':
        return []
    }
  }

  /**
   * Creates the tag from `ref` when it is missing; undefined when the release create may follow,
   * or the outcome to report when the tag create's answer was lost.
   */
  private async ensureTag(fields: ReleaseFields): Promise<WriteResult<RemoteRelease> | undefined> {
    if ((await this.readTagCommit(fields.tagName, true)) !== undefined) return undefined
    if (fields.ref === undefined) {
      throw new ReleaseError({
        code: 'TAG_MISSING',
        input: 'ref',
        message: `Tag '${fields.tagName}' does not exist and no ref was given to create it from.`,
        hint: "Set 'ref' to the commit, branch or tag to create the tag from, or push the tag first.",
      })
    }
    try {
      const response = await this.http.request<GiteaTag>({
        method: 'POST',
        url: `${this.repoApi}/tags`,
        body: {
          kind: 'json',
          value: {
            tag_name: fields.tagName,
            target: fields.ref,
            ...(fields.tagMessage === undefined ? {} : { message: fields.tagMessage }),
          },
        },
        label: `create tag ${fields.tagName}`,
      })
      const sha = response.body.commit?.sha
      this.tags.set(
        fields.tagName,
        typeof sha === 'string' ? { state: 'exists', commitSha: sha } : { state: 'unknown' },
      )
      this.log.info(`Created tag ${fields.tagName} from ${fields.ref}`)
      return undefined
    } catch (error) {
      // The engine reads back (no release yet) and repeats: the tag is then found.
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      // Another job created it meanwhile.
      if (isStatus(error, 409)) return undefined
      throw translateReleaseError(error, fields, this.options.repository)
    }
  }

  private async editRelease(
    release: RemoteRelease,
    fields: ReleaseFields,
    value: Record<string, unknown>,
  ): Promise<RemoteRelease> {
    try {
      const response = await this.http.request<GiteaRelease>({
        method: 'PATCH',
        url: `${this.repoApi}/releases/${idOf(release)}`,
        body: { kind: 'json', value },
        // Absolute field values: sending the edit again changes nothing.
        idempotent: true,
        label: `update release ${release.tagName}`,
      })
      return await this.describeRelease(response.body, !response.body.draft)
    } catch (error) {
      throw translateReleaseError(error, fields, this.options.repository)
    }
  }

  private async listAttachments(release: RemoteRelease): Promise<GiteaAttachment[]> {
    try {
      const response = await this.http.request<GiteaAttachment[]>({
        method: 'GET',
        url: `${this.repoApi}/releases/${idOf(release)}/assets`,
        label: `list assets of release ${release.tagName}`,
      })
      return Array.isArray(response.body) ? response.body : []
    } catch (error) {
      throw translateAccessError(error, this.options.repository)
    }
  }

  /**
   * The attachment that holds `name` by the rule every job follows (the lowest id); every other
   * attachment of that name is deleted. Undefined when none holds it.
   */
  private async settleName(
    release: RemoteRelease,
    name: string,
  ): Promise<GiteaAttachment | undefined> {
    const holders = (await this.attachmentsAfterNow(release)).filter((a) => a.name === name)
    return this.keepLowestId(release, holders)
  }

  /** Of attachments sharing one name, the lowest id stays; the others are deleted. */
  private async keepLowestId(
    release: RemoteRelease,
    holders: readonly GiteaAttachment[],
  ): Promise<GiteaAttachment | undefined> {
    const [winner, ...others] = [...holders].sort((a, b) => a.id - b.id)
    for (const other of others) {
      this.log.debug(
        `Removing the second ${other.name} (attachment ${other.id}) of release ${release.tagName}`,
      )
      await this.deleteAttachment(this.toAsset(release, other))
    }
    return winner
  }

  /** A listing of the release's attachments that starts after this call (see FreshRead). */
  private attachmentsAfterNow(release: RemoteRelease): Promise<GiteaAttachment[]> {
    const key = String(idOf(release))
    let shared = this.freshListings.get(key)
    if (shared === undefined) {
      shared = new FreshRead(() => this.listAttachments(release))
      this.freshListings.set(key, shared)
    }
    return shared.get()
  }

  private async deleteAttachment(asset: RemoteAsset): Promise<void> {
    const handle = asset.handle as AttachmentHandle | undefined
    if (handle === undefined) return
    try {
      // Already gone (another job replaced it first): that is what we wanted.
      await this.http.request({
        method: 'DELETE',
        url: `${this.repoApi}/releases/${handle.releaseId}/assets/${handle.attachmentId}`,
        acceptStatus: [404],
        responseType: 'none',
        label: `delete ${asset.name}`,
      })
    } catch (error) {
      throw translateAccessError(error, this.options.repository)
    }
  }

  /** Whether a stored attachment has exactly the file's content (hashed through the download). */
  private async holdsFile(asset: RemoteAsset, file: UploadFile): Promise<boolean> {
    if (asset.size !== undefined && asset.size !== file.size) return false
    const stream = await this.openAsset(asset)
    if (stream === undefined) return false
    const hash = createHash('sha256')
    for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk)
    return hash.digest('hex') === (await file.digest.value())
  }

  /** The commit a tag points at, or undefined when the tag does not exist. */
  private async readTagCommit(tagName: string, fresh = false): Promise<string | undefined> {
    const cached = this.tags.get(tagName)
    if (!fresh && cached?.state === 'exists') return cached.commitSha
    // `/tags/*`: the rest of the path is the tag, so its slashes stay.
    const response = await this.http.request<GiteaTag>({
      method: 'GET',
      url: `${this.repoApi}/tags/${tagName.split('/').map(encodeURIComponent).join('/')}`,
      acceptStatus: [404],
      label: `read tag ${tagName}`,
    })
    const sha = response.status === 200 ? response.body.commit?.sha : undefined
    if (typeof sha !== 'string') {
      this.tags.set(tagName, { state: 'missing' })
      return undefined
    }
    this.tags.set(tagName, { state: 'exists', commitSha: sha })
    return sha
  }

  /**
   * The release in forge-neutral terms, with the commit it is (or will be) tagged at: the tag's,
   * else (a draft whose tag is created on publishing) its target, a sha or a branch's head.
   */
  private async describeRelease(release: GiteaRelease, freshTag = false): Promise<RemoteRelease> {
    let commit = await this.readTagCommit(release.tag_name, freshTag)
    if (commit === undefined && release.draft) commit = await this.commitOfTarget(release)
    const remote: RemoteRelease = {
      tagName: release.tag_name,
      // A release without a title shows its tag.
      name: release.name === '' ? release.tag_name : release.name,
      description: release.body,
      webUrl: release.html_url,
      draft: release.draft,
      prerelease: release.prerelease,
      id: String(release.id),
      ...(commit === undefined ? {} : { commitSha: commit }),
    }
    this.known = remote
    return remote
  }

  private async commitOfTarget(release: GiteaRelease): Promise<string | undefined> {
    const target = release.target_commitish
    if (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(target)) return target.toLowerCase()
    if (target === '') return undefined
    const response = await this.http.request<GiteaBranch>({
      method: 'GET',
      url: `${this.repoApi}/branches/${target.split('/').map(encodeURIComponent).join('/')}`,
      acceptStatus: [404],
      label: `read branch ${target}`,
    })
    const sha = response.status === 200 ? response.body.commit?.id : undefined
    return typeof sha === 'string' ? sha : undefined
  }

  private toAsset(release: RemoteRelease, attachment: GiteaAttachment): RemoteAsset {
    return {
      name: attachment.name,
      url: attachment.browser_download_url,
      directAssetUrl: permanentUrl(release, attachment.name) ?? attachment.browser_download_url,
      size: attachment.size,
      stored: true,
      handle: {
        releaseId: idOf(release),
        attachmentId: attachment.id,
        uuid: attachment.uuid,
      } satisfies AttachmentHandle,
    }
  }

  private downloadUrl(asset: RemoteAsset): string {
    const handle = asset.handle as AttachmentHandle | undefined
    if (handle === undefined) {
      throw new ReleaseError({
        code: 'INTERNAL',
        message: `${asset.name} is not a Forgejo/Gitea release attachment`,
      })
    }
    return `${this.webRoot}/attachments/${encodeURIComponent(handle.uuid)}`
  }
}

function requireRelease(release: RemoteRelease | undefined, file: UploadFile): RemoteRelease {
  if (release === undefined) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `Cannot upload ${file.name}: Forgejo/Gitea attaches files to an existing release only.`,
    })
  }
  return release
}

function idOf(release: RemoteRelease): number {
  const id = Number(release.id)
  if (!Number.isInteger(id) || id <= 0) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `Release ${release.tagName} has no Forgejo/Gitea release id`,
    })
  }
  return id
}

/**
 * `<repo>/releases/download/<tag>/<name>`: the address of a file by its name, which stays when
 * the file is replaced (routers/web/repo/release.go RedirectDownload).
 */
function permanentUrl(release: RemoteRelease, name: string): string | undefined {
  const repositoryPage = release.webUrl.replace(/\/releases\/tag\/.*$/, '')
  if (repositoryPage === release.webUrl) return undefined
  return `${repositoryPage}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(name)}`
}

function gone(): ReleaseError {
  return new ReleaseError({
    code: 'NOT_FOUND',
    message: 'it is no longer attached to the release (404 Not Found)',
  })
}
