import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

import { getOctokit } from '@actions/github'

import { ReleaseError } from '../../errors.js'
import { HttpError } from '../../http/http-error.js'
import { OutcomeUnknownError } from '../../http/outcome-unknown-error.js'
import { classifyRetry, defaultRetryTiming, type RetryFailure } from '../../http/retry-policy.js'
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
import { pickCanonicalRelease } from './canonical-release.js'
import {
  isHttpStatus,
  isValidationError,
  translateCommonError,
  unwrapOctokitError,
} from './github-errors.js'
import { gitHubStoredName } from './stored-name.js'
import { StreamedFile } from './streamed-file.js'
import { createTransportFetch, LABEL_HEADER } from './transport-fetch.js'
import type { GitHubAsset, GitHubRef, GitHubRelease } from './wire.js'
import { plural } from '../../plural.js'

/** The REST API version this adapter is written against (docs: "API versions"). */
export const GITHUB_API_VERSION = '2022-11-28'

const PER_PAGE = 100
const RELEASES_PER_PAGE = 30
/** Reads while a release another job just published is not visible yet (replication lag). */
const LAG_READS = 5

/**
 * Timeouts, proxies, the CA bundle and the retry policy come with the transport, which every
 * request goes through; `retries` also bounds repeating a write that a read showed did not land.
 */
export interface GitHubForgeOptions {
  readonly apiUrl: string
  /** owner/repo */
  readonly repository: string
  /** For Octokit's Authorization header, which goes only to the API and its upload host. */
  readonly token: string
  readonly retries: number
  readonly sleep?: (ms: number) => Promise<void>
}

type Octokit = ReturnType<typeof getOctokit>

interface AssetHandle {
  readonly assetId: number
  readonly releaseId: number
}

/**
 * GitHub REST (github.com, GitHub Enterprise Cloud and Server) through @actions/github's Octokit,
 * whose `fetch` is the shared transport (see transport-fetch.ts). A new release is created as a
 * draft, filled, verified and then published, so nobody sees a release with missing files and
 * immutable releases work. Files are uploaded to the release's `upload_url`.
 */
export class GitHubForge implements Forge {
  readonly platform = 'github' as const
  readonly capabilities: ForgeCapabilities = {
    separateLinks: false,
    releaseBeforeUpload: true,
    draftUntilPublished: true,
    milestones: false,
    releasedAt: false,
    serverEvidence: false,
  }

  private readonly api: string
  private readonly apiOrigin: string
  private readonly owner: string
  private readonly repo: string
  private readonly octokit: Octokit
  private readonly sleep: (ms: number) => Promise<void>
  /** Origins of upload URLs the API itself handed out: the token may go there. */
  private readonly uploadOrigins = new Set<string>()
  /**
   * Assets in state `starter` when this run first listed a release (release id → name → asset
   * id): uploads that failed before this run began ("This may leave an empty asset with a state
   * of `starter`. It can be safely deleted."). They hold their name, so an upload of that name
   * deletes them first. Starters that appear later may be another job's upload in progress and
   * are left alone (see uploadAsset).
   */
  private readonly abandoned = new Map<number, Map<string, number>>()
  /** Tags read so far → their commit (undefined: the tag does not exist). */
  private readonly tagCommits = new Map<string, string | undefined>()
  /** The release the last lookup found, for dry-run descriptions. */
  private known: RemoteRelease | undefined

  constructor(
    private readonly options: GitHubForgeOptions,
    http: Transport,
    private readonly log: Logger,
  ) {
    this.api = options.apiUrl.replace(/\/+$/, '')
    this.apiOrigin = new URL(this.api).origin
    const [owner = '', repo = ''] = options.repository.split('/')
    this.owner = owner
    this.repo = repo
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.octokit = getOctokit(options.token, {
      baseUrl: this.api,
      request: {
        fetch: createTransportFetch({
          http,
          mayAuthorize: (origin) => origin === this.apiOrigin || this.uploadOrigins.has(origin),
        }),
      },
      log: {
        debug: (message: string) => log.debug(message),
        info: (message: string) => log.debug(message),
        warn: (message: string) => log.warn(message),
        error: (message: string) => log.warn(message),
      },
    })
    this.octokit.hook.before('request', (request) => {
      request.headers['x-github-api-version'] = GITHUB_API_VERSION
    })
  }

  storedName(name: string): string {
    return gitHubStoredName(name)
  }

  async connect(): Promise<void> {
    try {
      await this.call(`read repository ${this.options.repository}`, (headers) =>
        this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo, headers }),
      )
    } catch (error) {
      if (isHttpStatus(error, 404)) {
        throw new ReleaseError({
          code: 'NOT_FOUND',
          input: 'project',
          message: `GitHub has no repository '${this.options.repository}' that this token can see.`,
          hint: "Check 'project' (owner/repo) and api_url; a private repository answers 404 to a token without access to it.",
          cause: error,
        })
      }
      throw translateCommonError(error, this.options.repository)
    }
  }

  async findRelease(tagName: string): Promise<RemoteRelease | undefined> {
    const found = await this.findRawRelease(tagName)
    if (found === undefined) return undefined
    return this.describeRelease(found)
  }

  async findTag(tagName: string): Promise<TagState> {
    try {
      const commitSha = await this.readTagCommit(tagName)
      return commitSha === undefined ? { state: 'missing' } : { state: 'exists', commitSha }
    } catch (error) {
      if (isHttpStatus(error, 403)) return { state: 'unknown' }
      throw translateCommonError(error, this.options.repository)
    }
  }

  async listAssets(release: RemoteRelease | undefined, _tagName?: string): Promise<RemoteAsset[]> {
    if (release === undefined) return []
    const releaseId = idOf(release)
    const listed = await this.listRawAssets(releaseId)
    const starters = new Map<string, number>()
    const assets: RemoteAsset[] = []
    for (const asset of listed) {
      if (asset.state === 'uploaded') assets.push(this.toRemoteAsset(release, asset))
      else starters.set(asset.name, asset.id)
    }
    if (this.abandoned.has(releaseId)) return assets
    this.abandoned.set(releaseId, starters)
    if (starters.size > 0) {
      this.log.debug(
        `Release ${release.tagName} holds unfinished uploads (${[...starters.keys()].join(', ')}); they are replaced when uploaded again`,
      )
    }
    return assets
  }

  async createRelease(fields: ReleaseFields, _links: readonly LinkSpec[]): Promise<CreateResult> {
    for (let attempt = 0; ; attempt++) {
      let created: GitHubRelease
      try {
        created = await this.postRelease(fields)
      } catch (error) {
        if (isValidationError(error, alreadyExists('Release', 'tag_name'))) {
          // A published release owns the tag: another job published first. Use it.
          this.log.info(`Release ${fields.tagName} was published by another job meanwhile`)
          return { release: await this.requireRelease(fields.tagName), created: false }
        }
        if (!(error instanceof OutcomeUnknownError)) {
          throw translateReleaseError(error, fields, this.options.repository)
        }
        // The create may have landed: read, then decide.
        const current = pickCanonicalRelease(
          await this.listRawReleases(fields.tagName),
          fields.tagName,
        )
        if (current !== undefined) {
          return { release: await this.describeRelease(current), created: current.draft }
        }
        await this.waitBeforeRepeating(
          failureOf(error),
          attempt,
          `create release ${fields.tagName}`,
          error,
        )
        continue
      }
      return this.settleMatrixRace(created, fields.tagName)
    }
  }

  async updateRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease> {
    try {
      const updated = await this.call(`update release ${release.tagName}`, async (headers) => {
        const response = await this.octokit.rest.repos.updateRelease({
          owner: this.owner,
          repo: this.repo,
          release_id: idOf(release),
          name: fields.name,
          ...(fields.description === undefined ? {} : { body: fields.description }),
          ...(fields.prerelease === undefined ? {} : { prerelease: fields.prerelease }),
          headers,
        })
        return response.data
      })
      return await this.describeRelease(updated, release.commitSha)
    } catch (error) {
      throw translateReleaseError(error, fields, this.options.repository)
    }
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
        message: `Cannot upload ${file.name}: GitHub stores files only in an existing release.`,
      })
    }
    const releaseId = idOf(release)
    const name = gitHubStoredName(file.name)
    if (replacing !== undefined) {
      // GitHub cannot overwrite: the old file goes first. Read first, then delete: another job
      // of a build matrix may have stored exactly these bytes (SHA256SUMS, the evidence) since
      // the engine looked, and then there is nothing to do.
      const current = (await this.listRawAssets(releaseId)).find((a) => a.name === name)
      if (current?.state === 'uploaded' && sha256Of(current) === (await file.digest.value())) {
        return this.toRemoteAsset(release, current)
      }
      if (current?.state === 'uploaded') {
        await this.deleteRawAsset(current.id, name).catch((error: unknown) => {
          throw translateUploadError(error, file, this.options.repository, release)
        })
      }
    }
    const leftOver = this.abandoned.get(releaseId)?.get(name)
    if (leftOver !== undefined) await this.deleteStarter(release, name, leftOver)
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await this.postAsset(release, file, onProgress)
        return await this.checkStored(release, stored, file)
      } catch (error) {
        const taken = isValidationError(error, alreadyExists('ReleaseAsset', 'name'))
        const unknown = error instanceof OutcomeUnknownError
        if (!taken && !unknown) throw translateUploadError(error, file, this.options.repository)
        const lastAttempt = attempt >= this.options.retries
        // The upload may have landed, or the name is held: read, then decide.
        const current = (await this.listRawAssets(releaseId)).find((a) => a.name === name)
        if (current?.state === 'uploaded') {
          // Our upload landed after all, or another job stored the very same bytes.
          if (sha256Of(current) === (await file.digest.value())) {
            return this.toRemoteAsset(release, current)
          }
          // Another run stored other bytes under this name meanwhile (after our delete, when
          // replacing). Deleting theirs would only start a tug of war: report it. The engine
          // re-derives SHA256SUMS and the evidence, and tries again on its next round.
          throw new ReleaseError({
            code: 'ASSET_EXISTS',
            input: 'assets',
            message: `Another run stored a different ${name} in release ${release.tagName} while this one was uploading it.`,
            hint: 'Give each job of a build matrix its own file names; re-running replaces it per if_asset_exists.',
            cause: error,
          })
        }
        if (current !== undefined && (unknown || attempt + 1 >= this.options.retries)) {
          // Our own interrupted upload ("a 502 … may leave an empty asset with a state of
          // `starter`"), or one that has not moved for all our retries: abandoned.
          await this.deleteStarter(release, name, current.id)
        } else if (current !== undefined && !lastAttempt) {
          // Another job is uploading this name right now: give it time to finish.
          // Waited for like a busy server (503), so the one retry policy decides how long.
          await this.waitBeforeRepeating(
            { kind: 'response', status: 503, headers: {} },
            attempt,
            `upload ${name}: another upload of it is in progress`,
            error,
          )
          continue
        }
        if (lastAttempt) throw translateUploadError(error, file, this.options.repository)
        if (unknown) {
          await this.waitBeforeRepeating(failureOf(error), attempt, `upload ${name}`, error)
        }
      }
    }
  }

  async deleteAsset(release: RemoteRelease, asset: RemoteAsset): Promise<void> {
    const handle = asset.handle as AssetHandle | undefined
    if (handle === undefined) return
    try {
      await this.deleteRawAsset(handle.assetId, asset.name)
    } catch (error) {
      throw translateUploadError(error, { name: asset.name }, this.options.repository, release)
    }
  }

  linkUrlFor(asset: RemoteAsset): string {
    return asset.url
  }

  /** GitHub has no release links: an uploaded file is its own link. */
  upsertLink(
    _release: RemoteRelease,
    link: LinkSpec,
    existing: RemoteLink | undefined,
  ): Promise<RemoteLink> {
    return Promise.resolve(
      existing ?? {
        id: link.name,
        name: link.name,
        url: link.url,
        linkType: link.linkType,
        ...(link.directAssetPath === undefined ? {} : { directAssetPath: link.directAssetPath }),
      },
    )
  }

  async publishRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease> {
    const prerelease = fields.prerelease ?? release.prerelease ?? false
    let published: GitHubRelease
    try {
      // Every job of a matrix publishes the shared draft; publishing a published release is a no-op.
      published = await this.call(`publish release ${release.tagName}`, async (headers) => {
        const response = await this.octokit.rest.repos.updateRelease({
          owner: this.owner,
          repo: this.repo,
          release_id: idOf(release),
          draft: false,
          // "Drafts and prereleases cannot be set as latest."
          ...(prerelease ? {} : { make_latest: fields.makeLatest ?? 'true' }),
          headers,
        })
        return response.data
      })
    } catch (error) {
      if (isValidationError(error, alreadyExists('Release', 'tag_name'))) {
        throw new ReleaseError({
          code: 'RELEASE_EXISTS',
          input: 'tag_name',
          message: `Another release for tag '${release.tagName}' was published while this run filled draft ${release.id ?? ''}; the draft stays unpublished.`,
          hint: 'Delete the duplicate draft on GitHub and re-run; it finds the published release and adds to it.',
          cause: error,
        })
      }
      throw translateReleaseError(error, fields, this.options.repository)
    }
    this.log.info(`Published release ${release.tagName}: ${published.html_url}`)
    // Publishing created the tag if it was missing: read it again rather than from the cache.
    return this.describeRelease(published, await this.readTagCommit(release.tagName, true))
  }

  collectServerEvidence(): Promise<{ collected: boolean; sha?: string; message?: string }> {
    return Promise.resolve({ collected: false })
  }

  /**
   * `GET /releases/assets/{id}` with `Accept: application/octet-stream` answers a 302 to a
   * pre-signed storage URL on another host (or, as the docs allow, the bytes themselves). The
   * transport follows it without credentials: the token stays with the API.
   */
  async openAsset(asset: RemoteAsset): Promise<Readable> {
    const handle = requireHandle(asset)
    const response = await this.call(`download ${asset.name}`, (headers) =>
      this.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        owner: this.owner,
        repo: this.repo,
        asset_id: handle.assetId,
        headers: { ...headers, accept: 'application/octet-stream' },
        request: { parseSuccessResponseBody: false },
      }),
    )
    const body = response.data as unknown
    if (body instanceof ReadableStream) {
      return Readable.fromWeb(body as WebReadableStream<Uint8Array>)
    }
    return Readable.from([Buffer.alloc(0)])
  }

  async fetchAssetSize(_release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    const handle = requireHandle(asset)
    const response = await this.call(`check ${asset.name}`, (headers) =>
      this.octokit.request('HEAD /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        owner: this.owner,
        repo: this.repo,
        asset_id: handle.assetId,
        headers: { ...headers, accept: 'application/octet-stream' },
      }),
    )
    const length = Number(response.headers['content-length'])
    if (!Number.isFinite(length)) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `GitHub served ${asset.name} without a Content-Length.`,
      })
    }
    return length
  }

  describe(operation: PlannedOperation): string[] {
    const releases = `${this.api}/repos/${this.owner}/${this.repo}/releases`
    const releaseId = this.known?.id ?? '<new draft>'
    switch (operation.kind) {
      case 'create-release':
        return [`POST ${releases} (draft, tag ${operation.fields.tagName})`]
      case 'update-release':
        return [`PATCH ${releases}/${releaseId}`]
      case 'upload': {
        const name = gitHubStoredName(operation.file.name)
        const upload = `POST ${this.uploadBase()}/${releaseId}/assets?name=${encodeURIComponent(name)} (${plural(operation.file.size, 'byte')})`
        const handle = operation.replacing?.handle as AssetHandle | undefined
        return handle === undefined
          ? [upload]
          : [`DELETE ${releases}/assets/${handle.assetId} (${name})`, upload]
      }
      case 'delete-asset': {
        const handle = operation.asset.handle as AssetHandle | undefined
        return [`DELETE ${releases}/assets/${handle?.assetId ?? '…'} (${operation.asset.name})`]
      }
      case 'publish-release':
        return [`PATCH ${releases}/${releaseId} (draft: false)`]
      case 'upsert-link':
      case 'collect-evidence':
        return []
    }
  }

  /** Published by tag, else (drafts are invisible by tag, and lag hides new ones) by listing. */
  private async findRawRelease(tagName: string): Promise<GitHubRelease | undefined> {
    try {
      return await this.call(`read release ${tagName}`, async (headers) => {
        const response = await this.octokit.rest.repos.getReleaseByTag({
          owner: this.owner,
          repo: this.repo,
          tag: tagName,
          headers,
        })
        return response.data
      })
    } catch (error) {
      if (!isHttpStatus(error, 404)) throw translateCommonError(error, this.options.repository)
    }
    // "Get a published release with the specified tag": a draft 404s there, and so may a
    // release published moments ago by another job (replication lag). The list has both.
    return pickCanonicalRelease(await this.listRawReleases(tagName), tagName)
  }

  /** A release GitHub said exists (422 already_exists) but that may not be readable yet. */
  private async requireRelease(tagName: string): Promise<RemoteRelease> {
    for (let attempt = 0; attempt < LAG_READS; attempt++) {
      const release = await this.findRelease(tagName)
      if (release !== undefined) return release
      await this.sleep(200 * (attempt + 1))
    }
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `GitHub said a release for ${tagName} exists, but it cannot be read.`,
      hint: 'Check that the token may read the releases of the repository, then re-run.',
    })
  }

  /**
   * Jobs of a build matrix that found no release each create a draft. Right after creating,
   * every job lists the tag's releases and keeps the canonical one (canonical-release.ts); a job
   * whose draft lost deletes it before uploading anything and carries on with the winner.
   */
  private async settleMatrixRace(created: GitHubRelease, tagName: string): Promise<CreateResult> {
    const canonical = pickCanonicalRelease(await this.listRawReleases(tagName), tagName) ?? created
    if (canonical.id === created.id) {
      return { release: await this.describeRelease(created), created: true }
    }
    this.log.info(
      `Another job created release ${tagName} at the same time (id ${canonical.id}); removing this job's duplicate draft ${created.id}`,
    )
    try {
      await this.call(`delete duplicate draft ${created.id}`, (headers) =>
        this.octokit.rest.repos.deleteRelease({
          owner: this.owner,
          repo: this.repo,
          release_id: created.id,
          headers,
        }),
      )
    } catch (error) {
      if (!isHttpStatus(error, 404)) throw translateCommonError(error, this.options.repository)
    }
    return { release: await this.describeRelease(canonical), created: false }
  }

  private postRelease(fields: ReleaseFields): Promise<GitHubRelease> {
    const draft = fields.draft ?? false
    const prerelease = fields.prerelease ?? false
    return this.call(`create release ${fields.tagName}`, async (headers) => {
      const response = await this.octokit.rest.repos.createRelease({
        owner: this.owner,
        repo: this.repo,
        tag_name: fields.tagName,
        name: fields.name,
        draft,
        prerelease,
        ...(fields.ref === undefined ? {} : { target_commitish: fields.ref }),
        ...(fields.description === undefined ? {} : { body: fields.description }),
        ...(fields.generateNotes === true && fields.description === undefined
          ? { generate_release_notes: true }
          : {}),
        // make_latest is decided when publishing; a draft cannot be latest.
        ...(draft || prerelease || fields.makeLatest === undefined
          ? {}
          : { make_latest: fields.makeLatest }),
        headers,
      })
      return response.data
    })
  }

  private postAsset(
    release: RemoteRelease,
    file: UploadFile,
    onProgress: ProgressCallback,
  ): Promise<GitHubAsset> {
    const url = uploadEndpoint(release)
    this.learnUploadOrigin(url)
    return this.call(`upload ${file.name}`, async (headers) => {
      const response = await this.octokit.request(
        `POST ${url}?name=${encodeURIComponent(file.name)}`,
        {
          data: new StreamedFile(file.path, file.size, file.contentType, onProgress, file.digest),
          headers: { ...headers, 'content-type': file.contentType },
        },
      )
      return response.data as GitHubAsset
    })
  }

  private async checkStored(
    release: RemoteRelease,
    stored: GitHubAsset,
    file: UploadFile,
  ): Promise<RemoteAsset> {
    const sha256 = sha256Of(stored)
    const expected = await file.digest.value()
    if ((sha256 !== undefined && sha256 !== expected) || stored.size !== file.size) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `GitHub stored ${stored.name} with ${plural(stored.size, 'byte')} and sha256 ${sha256 ?? 'unknown'}, but the file has ${plural(file.size, 'byte')} and sha256 ${expected}.`,
        hint: 'The upload was corrupted on the way; run the job again.',
      })
    }
    return this.toRemoteAsset(release, stored)
  }

  private async deleteStarter(
    release: RemoteRelease,
    name: string,
    assetId: number,
  ): Promise<void> {
    this.log.info(`Deleting the unfinished upload of ${name} (state starter) before uploading it`)
    await this.deleteRawAsset(assetId, name)
    this.abandoned.get(idOf(release))?.delete(name)
  }

  private async deleteRawAsset(assetId: number, name: string): Promise<void> {
    try {
      await this.call(`delete ${name}`, (headers) =>
        this.octokit.rest.repos.deleteReleaseAsset({
          owner: this.owner,
          repo: this.repo,
          asset_id: assetId,
          headers,
        }),
      )
    } catch (error) {
      // Already gone (another job replaced it first): that is what we wanted.
      if (!isHttpStatus(error, 404)) throw error
    }
  }

  /** The commit a tag points at (through an annotated tag's object), or undefined when missing. */
  private async readTagCommit(tagName: string, fresh = false): Promise<string | undefined> {
    if (!fresh && this.tagCommits.has(tagName)) return this.tagCommits.get(tagName)
    const commit = await this.readTagCommitUncached(tagName)
    this.tagCommits.set(tagName, commit)
    return commit
  }

  private async readTagCommitUncached(tagName: string): Promise<string | undefined> {
    let ref: GitHubRef
    try {
      ref = await this.call(`read tag ${tagName}`, async (headers) => {
        const response = await this.octokit.rest.git.getRef({
          owner: this.owner,
          repo: this.repo,
          ref: `tags/${tagName}`,
          headers,
        })
        return response.data
      })
    } catch (error) {
      // 409: "Git Repository is empty."
      if (isHttpStatus(error, 404, 409)) return undefined
      throw error
    }
    if (ref.object.type !== 'tag') return ref.object.sha
    const tag = await this.call(`read tag object ${tagName}`, (headers) =>
      this.octokit.rest.git.getTag({
        owner: this.owner,
        repo: this.repo,
        tag_sha: ref.object.sha,
        headers,
      }),
    )
    return tag.data.object.sha
  }

  /**
   * Every release of `tagName`, drafts included, from the list of all releases (the only place
   * GitHub shows drafts). Each listed release carries all its assets, so pages are kept small
   * and only the tag's releases are kept: holding the whole list made memory grow with the
   * repository's history, 3.5 MB per earlier release of 200 assets (`npm run bench`).
   */
  private async listRawReleases(tagName: string): Promise<GitHubRelease[]> {
    const releases = await this.call('list releases', (headers) =>
      this.octokit.paginate(
        this.octokit.rest.repos.listReleases,
        { owner: this.owner, repo: this.repo, per_page: RELEASES_PER_PAGE, headers },
        (response) => response.data.filter((release) => release.tag_name === tagName),
      ),
    )
    for (const release of releases) this.learnUploadOrigin(release.upload_url)
    return releases
  }

  private listRawAssets(releaseId: number): Promise<GitHubAsset[]> {
    return this.call(`list assets of release ${releaseId}`, async (headers) => {
      const assets = await this.octokit.paginate(this.octokit.rest.repos.listReleaseAssets, {
        owner: this.owner,
        repo: this.repo,
        release_id: releaseId,
        per_page: PER_PAGE,
        headers,
      })
      return assets
    })
  }

  /**
   * Runs one Octokit call (its pages included) and reports its failure as our own error.
   * `headers` carries the label our fetch uses in logs and messages.
   */
  private async call<T>(
    label: string,
    work: (headers: Record<string, string>) => Promise<T>,
  ): Promise<T> {
    try {
      return await work({ [LABEL_HEADER]: label })
    } catch (error) {
      throw unwrapOctokitError(error)
    }
  }

  /**
   * Waits before repeating a write that a read showed did not land (so repeating it is
   * harmless), as long as the retry policy allows; otherwise rethrows `cause`.
   */
  private async waitBeforeRepeating(
    failure: RetryFailure,
    attempt: number,
    what: string,
    cause: unknown,
  ): Promise<void> {
    const decision = classifyRetry(
      { attempt, failure, idempotent: true },
      { ...defaultRetryTiming, retries: this.options.retries, random: Math.random, now: Date.now },
    )
    if (!decision.retry) throw cause
    this.log.warn(
      `Retrying ${what} in ${(decision.delayMs / 1000).toFixed(1)} s (attempt ${attempt + 2}): ${decision.reason}`,
    )
    await this.sleep(decision.delayMs)
  }

  /** The release in forge-neutral terms, with the commit it is (or will be) tagged at. */
  private async describeRelease(
    release: GitHubRelease,
    commitSha?: string,
  ): Promise<RemoteRelease> {
    const commit =
      commitSha ??
      (release.draft
        ? await this.commitOfDraft(release)
        : await this.readTagCommit(release.tag_name))
    const remote = this.toRemoteRelease(release, commit)
    this.known = remote
    return remote
  }

  /**
   * The commit a draft will be released at: the tag's, when the tag exists ("target_commitish
   * … Unused if the Git tag already exists"), else its target — a commit sha, or a branch
   * whose head is read. Knowing it before publishing keeps the evidence the same afterwards.
   */
  private async commitOfDraft(release: GitHubRelease): Promise<string | undefined> {
    const tagged = await this.readTagCommit(release.tag_name)
    if (tagged !== undefined) return tagged
    const target = release.target_commitish
    if (/^[0-9a-f]{40}$/i.test(target)) return target.toLowerCase()
    try {
      const ref = await this.call(`read branch ${target}`, async (headers) => {
        const response = await this.octokit.rest.git.getRef({
          owner: this.owner,
          repo: this.repo,
          ref: `heads/${target}`,
          headers,
        })
        return response.data
      })
      return ref.object.sha
    } catch (error) {
      if (isHttpStatus(error, 404, 409)) return undefined
      throw error
    }
  }

  private toRemoteRelease(release: GitHubRelease, commitSha: string | undefined): RemoteRelease {
    this.learnUploadOrigin(release.upload_url)
    return {
      tagName: release.tag_name,
      // A release without a name shows its tag on GitHub.
      name: release.name ?? release.tag_name,
      description: release.body ?? '',
      webUrl: publishedPageUrl(release),
      draft: release.draft,
      prerelease: release.prerelease,
      id: String(release.id),
      uploadUrl: release.upload_url,
      ...(commitSha === undefined ? {} : { commitSha }),
    }
  }

  private toRemoteAsset(release: RemoteRelease, asset: GitHubAsset): RemoteAsset {
    const url = publishedDownloadUrl(release, asset)
    const sha256 = sha256Of(asset)
    return {
      name: asset.name,
      url,
      directAssetUrl: url,
      size: asset.size,
      ...(sha256 === undefined ? {} : { sha256 }),
      stored: true,
      handle: { assetId: asset.id, releaseId: idOf(release) } satisfies AssetHandle,
    }
  }

  /** The token may go to the upload host the API names for its releases (uploads.github.com). */
  private learnUploadOrigin(uploadUrl: string): void {
    try {
      this.uploadOrigins.add(new URL(uploadUrl.replace(/\{.*$/, '')).origin)
    } catch {
      // Not a URL: nothing to trust.
    }
  }

  private uploadBase(): string {
    if (this.known?.uploadUrl !== undefined) {
      return this.known.uploadUrl.replace(/\/\d+\/assets\{.*$/, '')
    }
    const api = new URL(this.api)
    const base =
      api.hostname === 'api.github.com'
        ? 'https://uploads.github.com'
        : api.pathname.endsWith('/api/v3')
          ? `${api.origin}${api.pathname.replace(/\/api\/v3$/, '/api/uploads')}`
          : this.api
    return `${base}/repos/${this.owner}/${this.repo}/releases`
  }
}

/** What the retry policy should judge for an OutcomeUnknownError: its status, or its network error. */
function failureOf(error: unknown): RetryFailure {
  return error instanceof OutcomeUnknownError && error.status !== undefined
    ? { kind: 'response', status: error.status, headers: {} }
    : { kind: 'error', error }
}

function alreadyExists(resource: string, field: string) {
  return { resource, code: 'already_exists', field }
}

function idOf(release: RemoteRelease): number {
  const id = Number(release.id)
  if (!Number.isInteger(id) || id <= 0) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `Release ${release.tagName} has no GitHub release id`,
    })
  }
  return id
}

function requireHandle(asset: RemoteAsset): AssetHandle {
  const handle = asset.handle as AssetHandle | undefined
  if (handle === undefined) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `${asset.name} is not a GitHub release asset`,
    })
  }
  return handle
}

/** The `upload_url` template without its `{?name,label}` part. */
function uploadEndpoint(release: RemoteRelease): string {
  const template = release.uploadUrl
  if (template === undefined || template === '') {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `GitHub gave release ${release.tagName} no upload_url`,
    })
  }
  return template.replace(/\{.*$/, '')
}

/** Lower-case hex from `digest: "sha256:<hex>"`; undefined when GitHub has none. */
function sha256Of(asset: GitHubAsset): string | undefined {
  const match = /^sha256:([0-9a-f]{64})$/i.exec(asset.digest ?? '')
  return match?.[1]?.toLowerCase()
}

/**
 * The release page once published. A draft's html_url uses an `untagged-<hex>` path that stops
 * working at publishing; the evidence and outputs describe the published release, and must
 * not change when a re-run finds it published, so a draft gets its tag's URL.
 */
function publishedPageUrl(release: GitHubRelease): string {
  if (!release.draft) return release.html_url
  const tag = release.tag_name.split('/').map(encodeURIComponent).join('/')
  return release.html_url.replace(/\/releases\/tag\/[^/]*$/, `/releases/tag/${tag}`)
}

/**
 * The asset's download URL once the release is published. A draft's `browser_download_url`
 * uses an `untagged-<hex>` path that stops working when the draft is published, and outputs
 * are written for the published release, so for a draft the tag's URL is built the way GitHub
 * builds it: `<repository page>/releases/download/<tag>/<name>`.
 */
function publishedDownloadUrl(release: RemoteRelease, asset: GitHubAsset): string {
  if (!release.draft) return asset.browser_download_url
  const repositoryPage = release.webUrl.replace(/\/releases\/tag\/.*$/, '')
  if (repositoryPage === release.webUrl) return asset.browser_download_url
  const tag = release.tagName.split('/').map(encodeURIComponent).join('/')
  return `${repositoryPage}/releases/download/${tag}/${encodeURIComponent(asset.name)}`
}

function translateReleaseError(error: unknown, fields: ReleaseFields, repository: string): unknown {
  if (error instanceof HttpError && error.status === 422) {
    const message = error.serverMessage ?? error.message
    if (
      isValidationError(error, { resource: 'Release', code: 'invalid', field: 'target_commitish' })
    ) {
      return new ReleaseError({
        code: 'INVALID_INPUT',
        input: 'ref',
        message: `GitHub cannot create tag '${fields.tagName}' from '${fields.ref ?? 'the default branch'}': ${message}.`,
        hint: "Set 'ref' to an existing commit SHA or branch of the repository.",
        cause: error,
      })
    }
    if (isValidationError(error, { resource: 'Release', code: 'custom', field: 'tag_name' })) {
      return new ReleaseError({
        code: 'INVALID_INPUT',
        input: 'tag_name',
        message: `GitHub refused the tag name '${fields.tagName}': ${message}.`,
        hint: 'Use a valid git tag name (no spaces, no "..", no ~ ^ : ? * [ \\).',
        cause: error,
      })
    }
  }
  if (error instanceof HttpError && error.status === 404) {
    // docs "Create a release": when the target commit changes .github/workflows, a token that
    // may not write workflows gets 404 (GITHUB_TOKEN never may).
    return new ReleaseError({
      code: 'FORBIDDEN',
      input: 'token',
      message: `GitHub answered 404 to writing release '${fields.tagName}' of ${repository}, which it can read.`,
      hint: 'If the commit adds or changes files under .github/workflows, the token needs the workflow scope (Workflows: write); GITHUB_TOKEN cannot get it, so use a personal access token or a GitHub App token.',
      cause: error,
    })
  }
  return translateCommonError(error, repository)
}

function translateUploadError(
  error: unknown,
  file: Pick<UploadFile, 'name'>,
  repository: string,
  release?: RemoteRelease,
): unknown {
  if (error instanceof HttpError && error.status === 422) {
    const message = error.serverMessage ?? error.message
    if (/immutable/i.test(message)) {
      return new ReleaseError({
        code: 'FORBIDDEN',
        input: 'assets',
        message: `GitHub refused to change ${file.name}: ${release === undefined ? 'the release' : `release ${release.tagName}`} is published and immutable (${message}).`,
        hint: 'Immutable releases take no asset changes once published: publish a new version. In a build matrix, let every job run with draft: true and publish in one final job.',
        cause: error,
      })
    }
    if (/size/i.test(message)) {
      return new ReleaseError({
        code: 'ASSET_TOO_LARGE',
        input: 'assets',
        message: `GitHub refused ${file.name}: ${message}.`,
        hint: 'GitHub release assets must be under 2 GiB; split the file.',
        cause: error,
      })
    }
  }
  return translateCommonError(error, repository)
}
