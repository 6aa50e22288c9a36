import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

import { getOctokit } from '@actions/github'

import { ReleaseError } from '../../errors.js'
import { HttpError } from '../../http/http-error.js'
import { OutcomeUnknownError } from '../../http/outcome-unknown-error.js'
import { fetchServedSize } from '../../http/served-size.js'
import type { Transport } from '../../http/types.js'
import type { Logger } from '../../log.js'
import { derivedFileOf, type Step } from '../../plan/steps.js'
import type {
  Attestations,
  AssetLabels,
  DraftReleases,
  Forge,
  LinkSpec,
  ProgressCallback,
  ReadBack,
  ReadBackSituation,
  ReleaseFields,
  RemoteAsset,
  RemoteRelease,
  TagState,
  UploadFile,
  WriteResult,
} from '../forge.js'
import { pickCanonicalRelease } from './canonical-release.js'
import { jsonArrayElements, withoutArrayMember } from './json-array-elements.js'
import { parseWithPlainJson } from './plain-json.js'
import {
  isHttpStatus,
  isValidationError,
  translateCommonError,
  unwrapOctokitError,
} from './github-errors.js'
import { gitHubAssetRules } from './github-rules.js'
import { gitHubStoredName } from './stored-name.js'
import { StreamedFile } from './streamed-file.js'
import { createTransportFetch, LABEL_HEADER } from './transport-fetch.js'
import type { GitHubAsset, GitHubRef, GitHubRelease } from './wire.js'
import { plural } from '../../plural.js'

/** The REST API version this adapter is written against (docs: "API versions"). */
export const GITHUB_API_VERSION = '2022-11-28'

const PER_PAGE = 100
/**
 * Ten: a listed release carries all its assets (up to 1000, about 1.3 MB of JSON), so a page of
 * ten stays within the memory target however large the releases before it were; thirty took
 * the 1000-file bench run to 176 MiB.
 */
const RELEASES_PER_PAGE = 10

/** Timeouts, proxies, the CA bundle and the retry policy come with the transport. */
export interface GitHubForgeOptions {
  readonly apiUrl: string
  /** owner/repo */
  readonly repository: string
  /**
   * For Octokit's Authorization header, which goes only to the API and its upload host. Empty
   * for anonymous reads of a public repository (`forge-release verify`).
   */
  readonly token: string
}

type Octokit = ReturnType<typeof getOctokit>

/** A release as the list of releases gives it, its assets left out (see listRawReleases). */
type ListedRelease = Omit<GitHubRelease, 'assets'> & { readonly hasAssets: boolean }

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
export class GitHubForge implements Forge, DraftReleases, AssetLabels, Attestations {
  readonly platform = 'github' as const
  readonly rules = gitHubAssetRules

  private readonly api: string
  private readonly apiOrigin: string
  private readonly owner: string
  private readonly repo: string
  private readonly octokit: Octokit
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
    private readonly http: Transport,
    private readonly log: Logger,
  ) {
    this.api = options.apiUrl.replace(/\/+$/, '')
    this.apiOrigin = new URL(this.api).origin
    const [owner = '', repo = ''] = options.repository.split('/')
    this.owner = owner
    this.repo = repo
    const anonymous = options.token === ''
    // Octokit insists on a token; an anonymous reader's placeholder never leaves the process.
    this.octokit = getOctokit(anonymous ? 'anonymous' : options.token, {
      baseUrl: this.api,
      request: {
        fetch: createTransportFetch({
          http,
          mayAuthorize: (origin) =>
            !anonymous && (origin === this.apiOrigin || this.uploadOrigins.has(origin)),
        }),
      },
      log: {
        debug: (message: string) => log.debug(message),
        info: (message: string) => log.debug(message),
        warn: (message: string) => log.warn(message),
        error: (message: string) => log.warn(message),
      },
    })
    this.octokit.hook.wrap('request', parseWithPlainJson)
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

  async createRelease(
    fields: ReleaseFields,
    _links: readonly LinkSpec[],
  ): Promise<WriteResult<RemoteRelease>> {
    try {
      return { kind: 'created', value: await this.describeRelease(await this.postRelease(fields)) }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      // A published release owns the tag: another job published first.
      if (isValidationError(error, alreadyExists('Release', 'tag_name'))) {
        return { kind: 'exists', cause: error }
      }
      throw translateReleaseError(error, fields, this.options.repository)
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
  ): Promise<WriteResult<RemoteAsset>> {
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
      // Only GitHub's digest can show that: the engine decided to replace because the content
      // differs, which the same size does not disprove (a file corrupted in place keeps it).
      if (
        current?.state === 'uploaded' &&
        sha256Of(current) !== undefined &&
        (await holdsFile(current, file))
      ) {
        return { kind: 'created', value: this.toRemoteAsset(release, current) }
      }
      if (current?.state === 'uploaded') {
        await this.deleteRawAsset(current.id, name).catch((error: unknown) => {
          throw translateUploadError(error, file, this.options.repository, release)
        })
      }
    }
    const leftOver = this.abandoned.get(releaseId)?.get(name)
    if (leftOver !== undefined) await this.deleteStarter(release, name, leftOver)
    try {
      const stored = await this.postAsset(release, file, onProgress)
      return { kind: 'created', value: await this.checkStored(release, stored, file) }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      if (isValidationError(error, alreadyExists('ReleaseAsset', 'name'))) {
        return { kind: 'exists', cause: translateUploadError(error, file, this.options.repository) }
      }
      throw translateUploadError(error, file, this.options.repository)
    }
  }

  /**
   * What holds the file's name now. An unfinished upload (state `starter`) is our own when the
   * outcome was unknown ("a 502 … may leave an empty asset with a state of `starter`"), or
   * abandoned when it has not moved for all our attempts: it is deleted so the name is free.
   * Otherwise it may be another job's upload in progress, which is given time.
   */
  async readBackAsset(
    release: RemoteRelease | undefined,
    file: UploadFile,
    situation: ReadBackSituation,
  ): Promise<ReadBack<RemoteAsset>> {
    if (release === undefined) return { kind: 'absent' }
    const name = gitHubStoredName(file.name)
    const current = (await this.listRawAssets(idOf(release))).find((a) => a.name === name)
    if (current === undefined) return { kind: 'absent' }
    if (current.state === 'uploaded') {
      const value = this.toRemoteAsset(release, current)
      return (await holdsFile(current, file)) ? { kind: 'landed', value } : { kind: 'other', value }
    }
    if (situation.outcome === 'unknown' || situation.lastAttempt) {
      await this.deleteStarter(release, name, current.id)
    }
    return { kind: 'absent' }
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

  /**
   * `PATCH /repos/{owner}/{repo}/releases/assets/{asset_id}` with `label`: the name shown for a
   * file GitHub stored under another ("Update a release asset").
   */
  async labelAsset(
    release: RemoteRelease,
    asset: RemoteAsset,
    label: string,
  ): Promise<RemoteAsset> {
    const handle = requireHandle(asset)
    try {
      const updated = await this.call(`label ${asset.name}`, async (headers) => {
        const response = await this.octokit.rest.repos.updateReleaseAsset({
          owner: this.owner,
          repo: this.repo,
          asset_id: handle.assetId,
          label,
          headers,
        })
        return response.data
      })
      return this.toRemoteAsset(release, updated)
    } catch (error) {
      throw translateUploadError(error, { name: asset.name }, this.options.repository, release)
    }
  }

  /**
   * "Create an attestation" (POST /repos/{owner}/{repo}/attestations, body `{ bundle }`): the
   * repository then answers `gh attestation verify` for every subject of the bundle's statement.
   * https://docs.github.com/rest/repos/attestations#create-an-attestation
   */
  async createAttestation(bundle: unknown): Promise<WriteResult<{ readonly id?: string }>> {
    try {
      const created = await this.call('record the attestation', async (headers) => {
        const response = await this.octokit.rest.repos.createAttestation({
          owner: this.owner,
          repo: this.repo,
          bundle: bundle as { mediaType?: string },
          headers,
        })
        return response.data
      })
      return { kind: 'created', value: created.id === undefined ? {} : { id: String(created.id) } }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      throw translateAttestationError(error, this.options.repository)
    }
  }

  /** "List attestations" for a subject digest: https://docs.github.com/rest/repos/attestations#list-attestations */
  async listAttestations(subjectSha256: string): Promise<readonly unknown[]> {
    try {
      return await this.call('list attestations', async (headers) => {
        const response = await this.octokit.rest.repos.listAttestations({
          owner: this.owner,
          repo: this.repo,
          subject_digest: `sha256:${subjectSha256}`,
          per_page: PER_PAGE,
          headers,
        })
        return (response.data.attestations ?? []).map((a) => a.bundle)
      })
    } catch (error) {
      if (isHttpStatus(error, 404)) return []
      throw translateAttestationError(error, this.options.repository)
    }
  }

  async findEmptyDuplicates(release: RemoteRelease): Promise<RemoteRelease[]> {
    const drafts = (await this.listRawReleases(release.tagName)).filter(
      (r) => r.draft && String(r.id) !== release.id && !r.hasAssets,
    )
    return drafts.map((draft) => this.toRemoteRelease(draft, undefined))
  }

  async deleteRelease(release: RemoteRelease): Promise<void> {
    try {
      await this.call(`delete duplicate draft ${release.id ?? ''}`, (headers) =>
        this.octokit.rest.repos.deleteRelease({
          owner: this.owner,
          repo: this.repo,
          release_id: idOf(release),
          headers,
        }),
      )
    } catch (error) {
      // Already gone: that is what we wanted.
      if (!isHttpStatus(error, 404)) throw translateCommonError(error, this.options.repository)
    }
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

  /**
   * `GET /releases/assets/{id}` with `Accept: application/octet-stream` answers a 302 to a
   * pre-signed storage URL on another host (or, as the docs allow, the bytes themselves). The
   * transport follows it without credentials: the token stays with the API.
   */
  async openAsset(asset: RemoteAsset, _release?: RemoteRelease): Promise<Readable | undefined> {
    const handle = requireHandle(asset)
    let response
    try {
      response = await this.call(`download ${asset.name}`, (headers) =>
        this.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
          owner: this.owner,
          repo: this.repo,
          asset_id: handle.assetId,
          headers: { ...headers, accept: 'application/octet-stream' },
          request: { parseSuccessResponseBody: false },
        }),
      )
    } catch (error) {
      if (isHttpStatus(error, 404)) return undefined
      throw error
    }
    const body = response.data as unknown
    if (body instanceof ReadableStream) {
      return Readable.fromWeb(body as WebReadableStream<Uint8Array>)
    }
    return Readable.from([Buffer.alloc(0)])
  }

  /**
   * `GET /releases/assets/{id}` with `Accept: application/octet-stream` and `Range: bytes=0-0`:
   * the 302 to storage is followed (without the token) and the storage answers 206 with
   * `Content-Range: bytes 0-0/<size>`. HEAD is no operation of GitHub's OpenAPI description for
   * this path, and storage pre-signed for GET answers HEAD with 403.
   */
  async fetchAssetSize(_release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    const handle = requireHandle(asset)
    // Straight through the transport (its credentials go to the API origin only and are dropped
    // at the redirect), so the unread rest of the body is destroyed as a node stream.
    const { size } = await fetchServedSize(this.http, {
      url: `${this.api}/repos/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}/releases/assets/${handle.assetId}`,
      headers: { accept: 'application/octet-stream', 'x-github-api-version': GITHUB_API_VERSION },
      label: `check ${asset.name}`,
    })
    if (size === undefined) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `GitHub served ${asset.name} without telling its size (no Content-Range or Content-Length).`,
      })
    }
    return size
  }

  describe(step: Step): string[] {
    const releases = `${this.api}/repos/${this.owner}/${this.repo}/releases`
    const releaseId = this.known?.id ?? '<new draft>'
    const upload = (name: string, what: string): string =>
      `POST ${this.uploadBase()}/${releaseId}/assets?name=${encodeURIComponent(name)} (${what})`
    switch (step.kind) {
      case 'create-release':
        return [`POST ${releases} (${step.draft ? 'draft, ' : ''}tag ${step.tagName})`]
      case 'update-release':
        return [`PATCH ${releases}/${releaseId} (${step.changed.join(', ')})`]
      case 'upload': {
        const name = gitHubStoredName(step.file.name)
        const handle = step.replacing?.handle as AssetHandle | undefined
        const original = step.file.originalName
        return [
          ...(handle === undefined
            ? []
            : [`DELETE ${releases}/assets/${handle.assetId} (${name})`]),
          upload(
            name,
            `${plural(step.file.size, 'byte')}${original === undefined ? '' : `, label ${original}`}`,
          ),
        ]
      }
      case 'write-checksums':
      case 'write-evidence':
      case 'write-provenance':
      case 'sign-evidence':
        return [upload(derivedFileOf(step), 'when changed')]
      case 'record-attestation':
        return [
          `POST ${this.api}/repos/${this.owner}/${this.repo}/attestations (the bundle of ${step.statement}, when not recorded yet)`,
        ]
      case 'publish':
        return [`PATCH ${releases}/${releaseId} (draft: false)`]
      case 'label': {
        const handle = step.asset.handle as AssetHandle | undefined
        return [`PATCH ${releases}/assets/${handle?.assetId ?? '?'} (label ${step.label})`]
      }
      case 'link':
      case 'collect-server-evidence':
      case 'settle-names':
      case 'verify':
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
    // GitHub renames names with special characters and keeps the original only as the label.
    const label =
      file.originalName !== undefined && file.originalName !== file.name
        ? `&label=${encodeURIComponent(file.originalName)}`
        : ''
    return this.call(`upload ${file.name}`, async (headers) => {
      const response = await this.octokit.request(
        `POST ${url}?name=${encodeURIComponent(file.name)}${label}`,
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
      ref = await this.readRef('tag', `tags/${tagName}`)
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
   * `GET /repos/{owner}/{repo}/git/ref/{ref}` with the slash of `tags/v1` sent as a slash. The
   * description marks `ref` `x-multi-segment`, but Octokit expands `{ref}` as one segment and
   * sends `tags%2Fv1`, which older GitHub Enterprise Server answers with 404 (a present tag
   * then looks missing). Each segment is encoded on its own instead.
   */
  private readRef(what: string, ref: string): Promise<GitHubRef> {
    const path = ref.split('/').map(encodeURIComponent).join('/')
    return this.call(`read ${what} ${ref.replace(/^[a-z]+\//, '')}`, async (headers) => {
      const response = await this.octokit.request(`GET /repos/{owner}/{repo}/git/ref/${path}`, {
        owner: this.owner,
        repo: this.repo,
        headers,
      })
      return response.data as GitHubRef
    })
  }

  /**
   * Every release of `tagName`, drafts included, from the list of all releases (the only place
   * GitHub shows drafts). Each listed release carries all its assets, up to 1000, so a page is
   * read as text and only the tag's releases are parsed: building every release of a history of
   * 1000-asset releases took a run to 300 MiB (`npm run bench`).
   */
  private async listRawReleases(tagName: string): Promise<ListedRelease[]> {
    const releases: ListedRelease[] = []
    for (let page = 1; ; page++) {
      const link = await this.call('list releases', async (headers) => {
        const response = await this.octokit.rest.repos.listReleases({
          owner: this.owner,
          repo: this.repo,
          per_page: RELEASES_PER_PAGE,
          page,
          headers,
          request: { parseSuccessResponseBody: false },
        })
        const body = response.data as unknown as ReadableStream<Uint8Array> | null
        for await (const element of jsonArrayElements(body ?? [], tagNeedles(tagName))) {
          // Assets are listed on their own where wanted: a release's thousand are not built here.
          const { text, held } = withoutArrayMember(element, 'assets')
          const release = JSON.parse(text.toString('utf8')) as GitHubRelease
          if (release.tag_name === tagName) releases.push({ ...release, hasAssets: held !== false })
        }
        return response.headers.link ?? ''
      })
      if (!/<[^>]*>;\s*rel="next"/.test(link)) break
    }
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
      const ref = await this.readRef('branch', `heads/${target}`)
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
      // GitHub's digest is the server's own hash of the bytes it holds.
      ...(sha256 === undefined ? {} : { sha256, serverSha256: sha256 }),
      ...(typeof asset.label === 'string' && asset.label !== '' ? { label: asset.label } : {}),
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

/** Whether a stored asset holds the file: by GitHub's digest, or by size where it reports none. */
async function holdsFile(asset: GitHubAsset, file: UploadFile): Promise<boolean> {
  const sha256 = sha256Of(asset)
  if (sha256 === undefined) return asset.size === file.size
  return sha256 === (await file.digest.value())
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

/** The attestations API wants `attestations: write` besides `contents: write`, and may be absent (GitHub Enterprise Server before 3.17). */
function translateAttestationError(error: unknown, repository: string): unknown {
  if (error instanceof HttpError && (error.status === 403 || error.status === 404)) {
    return new ReleaseError({
      code: error.status === 403 ? 'FORBIDDEN' : 'NOT_FOUND',
      message:
        `GitHub did not take the attestation (${error.status} ${error.serverMessage ?? ''}).`.replace(
          ' )',
          ')',
        ),
      hint: `Give the job 'permissions: attestations: write' (a fine-grained token needs Attestations: read and write on ${repository}); the signed bundles are on the release either way.`,
      cause: error,
    })
  }
  return translateCommonError(error, repository)
}

/**
 * What a listed release's JSON text holds when it may be of `tagName`: the tag as JSON writes it
 * (with or without escaped slashes), or an escape that could hide it.
 */
function tagNeedles(tagName: string): Buffer[] {
  const quoted = JSON.stringify(tagName)
  return [quoted, quoted.replace(/\//g, '\\/'), '\\u'].map((text) => Buffer.from(text))
}
