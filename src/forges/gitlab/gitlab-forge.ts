import type { Readable } from 'node:stream'

import { ReleaseError } from '../../errors.js'
import { HttpError } from '../../http/http-error.js'
import { OutcomeUnknownError } from '../../http/outcome-unknown-error.js'
import { discardBody, fetchServedSize } from '../../http/served-size.js'
import type { Transport } from '../../http/types.js'
import type { Logger } from '../../log.js'
import type { LinkType, UploadTarget } from '../../plan/domain.js'
import { LINK_TYPES } from '../../plan/domain.js'
import { derivedFileOf, type Step } from '../../plan/steps.js'
import type {
  AssetRules,
  Forge,
  LinkSpec,
  ProgressCallback,
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
} from '../forge.js'
import { gitLabAssetRules } from './gitlab-rules.js'
import { compareVersions } from './gitlab-version.js'
import type {
  GitLabLink,
  GitLabPackage,
  GitLabPackageFile,
  GitLabRelease,
  GitLabTag,
  GitLabUpload,
  GitLabVersion,
} from './wire.js'
import { plural } from '../../plural.js'

const PER_PAGE = 100
/** The version assumed when neither CI_SERVER_VERSION nor GET /version tells it. */
const ASSUMED_VERSION = '17.4'

export interface GitLabForgeOptions {
  readonly apiUrl: string
  readonly project: string
  readonly uploadTo: UploadTarget
  readonly packageName: string
  readonly packageVersion: string
  /** CI_SERVER_VERSION when the runner provides it; saves a request. */
  readonly serverVersion?: string
  /** CI_SERVER_URL / the web root; derived from apiUrl when absent. */
  readonly serverUrl?: string
  readonly projectUrl?: string
  readonly usesJobToken: boolean
}

interface StoredFileHandle {
  readonly kind: 'package-file'
  readonly packageId: number
  readonly fileId: number
}

/**
 * GitLab REST v4 (gitlab.com, self-managed, JiHu). Files go to the generic package registry
 * (the CI job token may write there) or to project uploads; release links point at them and
 * are created only after the file is stored.
 */
export class GitLabForge implements Forge, ReleaseLinks, ServerEvidence {
  readonly platform = 'gitlab' as const
  readonly rules: AssetRules

  private readonly api: string
  private readonly projectPath: string
  private serverVersion: string | undefined
  private warnedWebUploads = false

  constructor(
    private readonly options: GitLabForgeOptions,
    private readonly http: Transport,
    private readonly log: Logger,
  ) {
    this.api = options.apiUrl.replace(/\/+$/, '')
    this.projectPath = `${this.api}/projects/${encodeURIComponent(options.project)}`
    this.serverVersion = options.serverVersion
    this.rules = gitLabAssetRules(options.uploadTo)
  }

  storedName(name: string): string {
    // Generic package file names are validated up front; GitLab stores them unchanged.
    return name
  }

  /**
   * Learns the server's version, which decides request details (`filepath` before 15.9, the API
   * route for uploads from 17.4), and says where it came from. `GET /version` needs a user
   * (lib/api/metadata.rb: `authenticate!`, no job-token route setting), so a CI job token gets
   * 401 there; a GitLab CI job has CI_SERVER_VERSION instead.
   */
  async connect(): Promise<void> {
    if (this.serverVersion !== undefined) {
      this.log.info(`GitLab ${this.serverVersion} (from CI_SERVER_VERSION)`)
      return
    }
    const response = await this.http.request<GitLabVersion>({
      method: 'GET',
      url: `${this.api}/version`,
      acceptStatus: [401, 403, 404],
      label: 'read server version',
    })
    if (response.status === 200 && typeof response.body?.version === 'string') {
      this.serverVersion = response.body.version
      this.log.info(`GitLab ${this.serverVersion} (from GET /version)`)
      return
    }
    this.log.warn(
      `GitLab version unknown: GET /version answered ${response.status}${this.options.usesJobToken ? ' (it does not take the CI job token)' : ''} and CI_SERVER_VERSION is not set; assuming ${ASSUMED_VERSION} or later`,
    )
  }

  async findRelease(tagName: string): Promise<RemoteRelease | undefined> {
    const response = await this.http.request<GitLabRelease>({
      method: 'GET',
      url: this.releaseUrl(tagName),
      acceptStatus: [404],
      label: `read release ${tagName}`,
    })
    if (response.status === 404) {
      this.failOnMissingProject(response.body)
      return undefined
    }
    return toRemoteRelease(response.body)
  }

  async findTag(tagName: string): Promise<TagState> {
    // The Tags API refuses the CI job token; the answer is then "unknown", never "missing".
    if (this.options.usesJobToken) return { state: 'unknown' }
    const response = await this.http.request<GitLabTag & { message?: string }>({
      method: 'GET',
      url: `${this.projectPath}/repository/tags/${encodeURIComponent(tagName)}`,
      acceptStatus: [401, 403, 404],
      label: `read tag ${tagName}`,
    })
    if (response.status === 200) {
      return { state: 'exists', commitSha: response.body.commit?.id ?? response.body.target }
    }
    if (response.status === 404 && messageText(response.body) === '404 Tag Not Found')
      return { state: 'missing' }
    return { state: 'unknown' }
  }

  async listAssets(release: RemoteRelease | undefined, tagName: string): Promise<RemoteAsset[]> {
    const links = release === undefined ? [] : await this.listLinks(tagName)
    const stored =
      this.options.uploadTo === 'generic_package' ? await this.listPackageFiles() : undefined
    const assets: RemoteAsset[] = []
    const usedLinks = new Set<string>()
    for (const file of stored ?? []) {
      const url = this.packageFileUrl(file.file_name)
      const link = links.find((l) => l.name === file.file_name || l.url === url)
      if (link !== undefined) usedLinks.add(link.id)
      const sha256 =
        typeof file.file_sha256 === 'string' ? file.file_sha256.toLowerCase() : undefined
      assets.push({
        name: file.file_name,
        url,
        size: file.size,
        // file_sha256 is the server's own hash of the stored bytes; older servers show only
        // file_md5 and file_sha1 (lib/api/entities/package_file.rb at 0a9efe02 vs 6d19e491).
        ...(sha256 === undefined ? {} : { sha256, serverSha256: sha256 }),
        stored: true,
        ...(link === undefined
          ? {}
          : {
              link,
              linkType: link.linkType,
              ...(link.directAssetUrl === undefined ? {} : { directAssetUrl: link.directAssetUrl }),
            }),
        handle: {
          kind: 'package-file',
          packageId: file.package_id ?? 0,
          fileId: file.id,
        } satisfies StoredFileHandle,
      })
    }
    for (const link of links) {
      if (usedLinks.has(link.id)) continue
      // Without a package listing (project uploads, or no access to it), a link to one of our
      // storage places stands for a stored file whose content is known only from SHA256SUMS.
      const storedHere = stored === undefined && this.isOurStorage(link.url)
      assets.push({
        name: link.name,
        url: link.url,
        linkType: link.linkType,
        stored: storedHere,
        link,
      })
    }
    return assets
  }

  async createRelease(
    fields: ReleaseFields,
    links: readonly LinkSpec[],
  ): Promise<WriteResult<RemoteRelease>> {
    const body = {
      tag_name: fields.tagName,
      name: fields.name,
      ...(fields.description === undefined ? {} : { description: fields.description }),
      ...(fields.ref === undefined ? {} : { ref: fields.ref }),
      ...(fields.tagMessage === undefined ? {} : { tag_message: fields.tagMessage }),
      ...(fields.milestones === undefined || fields.milestones.length === 0
        ? {}
        : { milestones: fields.milestones }),
      ...(fields.releasedAt === undefined ? {} : { released_at: fields.releasedAt }),
      ...(links.length === 0 ? {} : { assets: { links: links.map((l) => this.linkBody(l)) } }),
    }
    try {
      const response = await this.http.request<GitLabRelease>({
        method: 'POST',
        url: `${this.projectPath}/releases`,
        body: { kind: 'json', value: body },
        label: `create release ${fields.tagName}`,
      })
      return { kind: 'created', value: toRemoteRelease(response.body) }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      // "Release already exists": another job of the pipeline created it first.
      if (error instanceof HttpError && error.status === 409)
        return { kind: 'exists', cause: error }
      throw translateReleaseError(error, fields)
    }
  }

  async updateRelease(release: RemoteRelease, fields: ReleaseFields): Promise<RemoteRelease> {
    const body = {
      name: fields.name,
      ...(fields.description === undefined ? {} : { description: fields.description }),
      ...(fields.milestones === undefined ? {} : { milestones: fields.milestones }),
      ...(fields.releasedAt === undefined ? {} : { released_at: fields.releasedAt }),
    }
    try {
      const response = await this.http.request<GitLabRelease>({
        method: 'PUT',
        url: this.releaseUrl(release.tagName),
        body: { kind: 'json', value: body },
        label: `update release ${release.tagName}`,
      })
      return toRemoteRelease(response.body)
    } catch (error) {
      throw translateReleaseError(error, fields)
    }
  }

  async uploadAsset(
    _release: RemoteRelease | undefined,
    file: UploadFile,
    replacing: RemoteAsset | undefined,
    onProgress: ProgressCallback,
  ): Promise<WriteResult<RemoteAsset>> {
    if (this.options.uploadTo === 'project_uploads') {
      return { kind: 'created', value: await this.uploadProjectFile(file, onProgress) }
    }
    try {
      return { kind: 'created', value: await this.putPackageFile(file, onProgress) }
    } catch (error) {
      // A PUT whose answer was lost may have stored the file. Repeating it blindly stores the
      // same bytes a second time, and where the group forbids duplicate generic packages the
      // repeat is refused (400 Duplicate): the engine reads the package back first.
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      if (!isDuplicateRefused(error)) throw translatePackageError(error, file)
      // The group forbids duplicate generic files: the old file must go before the new one.
      if (replacing?.handle === undefined) throw duplicateNotAllowed(file.name, error)
      this.log.info(`Deleting the previous ${file.name}: the package registry forbids duplicates`)
      await this.deletePackageFile(replacing.handle as StoredFileHandle)
      return this.uploadAsset(_release, file, undefined, onProgress)
    }
  }

  async readBackAsset(
    _release: RemoteRelease | undefined,
    file: UploadFile,
  ): Promise<ReadBack<RemoteAsset>> {
    // Several files of one name may sit in a package; only one with our bytes is ours. A
    // server that reports no file_sha256 can only be asked about the size.
    const expected = await file.digest.value()
    const stored = (await this.listPackageFiles())?.find(
      (f) =>
        f.file_name === file.name &&
        (typeof f.file_sha256 === 'string'
          ? f.file_sha256.toLowerCase() === expected
          : f.size === file.size),
    )
    return stored === undefined
      ? { kind: 'absent' }
      : { kind: 'landed', value: await this.storedPackageFile(stored, file) }
  }

  private async putPackageFile(
    file: UploadFile,
    onProgress: ProgressCallback,
  ): Promise<RemoteAsset> {
    const response = await this.http.request<GitLabPackageFile>({
      method: 'PUT',
      url: `${this.packageFileUrl(file.name)}?select=package_file`,
      body: {
        kind: 'file',
        path: file.path,
        size: file.size,
        contentType: 'application/octet-stream',
        observer: file.digest,
      },
      idempotent: false,
      onUploadProgress: onProgress,
      label: `upload ${file.name}`,
    })
    return this.storedPackageFile(response.body, file)
  }

  /** The stored file as an asset, once its sha256 matches the file's. */
  private async storedPackageFile(
    stored: GitLabPackageFile | undefined,
    file: UploadFile,
  ): Promise<RemoteAsset> {
    const expected = await file.digest.value()
    const reported =
      typeof stored?.file_sha256 === 'string' ? stored.file_sha256.toLowerCase() : undefined
    const sha256 = reported ?? expected
    if (sha256 !== expected) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `GitLab stored ${file.name} with sha256 ${sha256}, but the file has ${expected}.`,
        hint: 'The upload was corrupted on the way; run the job again.',
      })
    }
    return {
      name: file.name,
      url: this.packageFileUrl(file.name),
      size: typeof stored?.size === 'number' ? stored.size : file.size,
      sha256,
      ...(reported === undefined ? {} : { serverSha256: reported }),
      stored: true,
      ...(typeof stored?.id === 'number'
        ? {
            handle: {
              kind: 'package-file',
              packageId: stored.package_id ?? 0,
              fileId: stored.id,
            } satisfies StoredFileHandle,
          }
        : {}),
    }
  }

  private async uploadProjectFile(
    file: UploadFile,
    onProgress: ProgressCallback,
  ): Promise<RemoteAsset> {
    try {
      // A repeated upload leaves at most an unreferenced copy behind, so it may be retried.
      const response = await this.http.request<GitLabUpload>({
        method: 'POST',
        url: `${this.projectPath}/uploads`,
        body: {
          kind: 'multipart',
          field: 'file',
          observer: file.digest,
          path: file.path,
          size: file.size,
          filename: file.name,
          contentType: file.contentType,
        },
        idempotent: true,
        onUploadProgress: onProgress,
        label: `upload ${file.name}`,
      })
      const url = this.projectUploadUrl(response.body)
      const sha256 = await file.digest.value()
      return { name: file.name, url, size: file.size, sha256, stored: true }
    } catch (error) {
      if (error instanceof HttpError && error.status === 401 && this.options.usesJobToken) {
        throw new ReleaseError({
          code: 'AUTH',
          input: 'upload_to',
          message: 'GitLab does not accept the CI job token for project uploads.',
          hint: "Use upload_to: generic_package, or give a personal, project or group access token in 'token'.",
          cause: error,
        })
      }
      if (error instanceof HttpError && error.status === 413) {
        throw new ReleaseError({
          code: 'ASSET_TOO_LARGE',
          input: 'assets',
          message: `GitLab refused ${file.name} (${plural(file.size, 'byte')}): larger than the instance's maximum attachment size.`,
          hint: 'Use upload_to: generic_package for large files.',
          cause: error,
        })
      }
      throw error
    }
  }

  async deleteAsset(_release: RemoteRelease, asset: RemoteAsset): Promise<void> {
    const handle = asset.handle as StoredFileHandle | undefined
    if (handle?.kind === 'package-file') await this.deletePackageFile(handle)
  }

  private async deletePackageFile(handle: StoredFileHandle): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      url: `${this.projectPath}/packages/${handle.packageId}/package_files/${handle.fileId}`,
      acceptStatus: [404],
      responseType: 'none',
      label: 'delete package file',
    })
  }

  async createLink(release: RemoteRelease, link: LinkSpec): Promise<WriteResult<RemoteLink>> {
    try {
      const response = await this.http.request<GitLabLink>({
        method: 'POST',
        url: `${this.releaseUrl(release.tagName)}/assets/links`,
        body: { kind: 'json', value: this.linkBody(link) },
        label: `link ${link.name}`,
      })
      return { kind: 'created', value: toRemoteLink(response.body, release.tagName) }
    } catch (error) {
      if (error instanceof OutcomeUnknownError) return { kind: 'unknown', cause: error }
      // Another job made a link with this name, URL or path meanwhile.
      const taken =
        error instanceof HttpError &&
        error.status === 400 &&
        /has already been taken/.test(error.serverMessage ?? '')
      if (taken) return { kind: 'exists', cause: translateLinkError(error, link) }
      throw translateLinkError(error, link)
    }
  }

  async findLink(release: RemoteRelease, link: LinkSpec): Promise<RemoteLink | undefined> {
    // GitLab keeps name, URL and direct asset path each unique within a release.
    return (await this.listLinks(release.tagName)).find(
      (l) =>
        l.name === link.name ||
        l.url === link.url ||
        (link.directAssetPath !== undefined && l.directAssetPath === link.directAssetPath),
    )
  }

  async updateLink(
    release: RemoteRelease,
    link: LinkSpec,
    existing: RemoteLink,
  ): Promise<RemoteLink> {
    try {
      const response = await this.http.request<GitLabLink>({
        method: 'PUT',
        url: `${this.releaseUrl(release.tagName)}/assets/links/${existing.id}`,
        body: { kind: 'json', value: this.linkBody(link) },
        label: `update link ${link.name}`,
      })
      return toRemoteLink(response.body, release.tagName)
    } catch (error) {
      throw translateLinkError(error, link)
    }
  }

  async requestServerEvidence(release: RemoteRelease): Promise<{ refused?: string }> {
    const response = await this.http.request<unknown>({
      method: 'POST',
      url: `${this.releaseUrl(release.tagName)}/evidence`,
      acceptStatus: [403, 404],
      // A second collection only adds another evidence entry; it does no harm.
      idempotent: true,
      label: `collect evidence for ${release.tagName}`,
    })
    if (response.status === 403 || response.status === 404) {
      const detail = messageText(response.body)
      return {
        refused: `GitLab did not collect release evidence (${response.status}${detail === undefined ? '' : ` ${detail}`}); it needs GitLab Premium or Ultimate.`,
      }
    }
    return {}
  }

  /** The asset's bytes: GET through the route readUrl picks (404: undefined). */
  async openAsset(asset: RemoteAsset, release?: RemoteRelease): Promise<Readable | undefined> {
    const response = await this.http.stream({
      method: 'GET',
      url: this.readUrl(asset, release),
      acceptStatus: [404],
      label: `download ${asset.name}`,
    })
    if (response.status !== 404) return response.body
    discardBody(response.body)
    return undefined
  }

  /**
   * The size the asset's download route serves, from a GET of one byte (`Range: bytes=0-0`,
   * read from Content-Range). No HEAD: object storage other than AWS signs GitLab's download
   * redirect for GET only, and answers HEAD with 403.
   */
  async fetchAssetSize(release: RemoteRelease, asset: RemoteAsset): Promise<number> {
    const { size } = await fetchServedSize(this.http, {
      url: this.readUrl(asset, release),
      label: `check ${asset.name}`,
    })
    if (size === undefined) {
      throw new ReleaseError({
        code: 'VERIFY_FAILED',
        message: `GitLab answered for ${asset.name} without telling its size (no Content-Range or Content-Length).`,
      })
    }
    return size
  }

  /**
   * Where the tool reads a stored file, always an API route (web routes do not take API tokens
   * on private projects):
   * - a project upload: `GET /projects/:id/uploads/:secret/:filename` (GitLab 17.4, "Download an
   *   uploaded file by secret and filename", doc/api/project_markdown_uploads.md); older servers
   *   have only the web route, read with a warning;
   * - a file with a release link and a direct asset path: the release's own download route
   *   (`GET /projects/:id/releases/:tag/downloads/*path`), so the link and its redirect are
   *   read too;
   * - otherwise the file's URL (the generic package route).
   */
  private readUrl(asset: RemoteAsset, release: RemoteRelease | undefined): string {
    const upload = /\/uploads\/([0-9a-f]{32})\/([^/?#]+)$/.exec(asset.url)
    if (upload !== null && !asset.url.startsWith(`${this.api}/`)) {
      const [, secret = '', filename = ''] = upload
      if (this.serverVersion === undefined || compareVersions(this.serverVersion, '17.4') >= 0) {
        return `${this.projectPath}/uploads/${secret}/${filename}`
      }
      if (!this.warnedWebUploads) {
        this.warnedWebUploads = true
        this.log.warn(
          `GitLab ${this.serverVersion} serves project uploads only through web routes (the API route came in 17.4), which take no API token on a private project; reading them there may fail`,
        )
      }
      return asset.url
    }
    const path = asset.link?.directAssetPath
    if (release !== undefined && path !== undefined && asset.url.startsWith(`${this.api}/`)) {
      return `${this.releaseUrl(release.tagName)}/downloads${path.split('/').map(encodeURIComponent).join('/')}`
    }
    return asset.url
  }

  describe(step: Step): string[] {
    const release = this.releaseUrl(step.kind === 'create-release' ? step.tagName : '…')
    switch (step.kind) {
      case 'create-release':
        return [
          `POST ${this.projectPath}/releases (tag ${step.tagName}${step.withLinks ? ', with its links' : ''})`,
        ]
      case 'update-release':
        return [`PUT ${this.releaseUrl(step.tagName)} (${step.changed.join(', ')})`]
      case 'upload':
        return this.describeUpload(step.file.name, step.file.size)
      case 'link':
        return step.link.existing === undefined
          ? [`POST ${release}/assets/links (${step.link.name})`]
          : [`PUT ${release}/assets/links/${step.link.existing.id} (${step.link.name})`]
      case 'write-checksums':
      case 'write-evidence':
      case 'write-provenance':
      case 'sign-evidence': {
        const name = derivedFileOf(step)
        return [
          ...this.describeUpload(name, undefined),
          `POST ${release}/assets/links (${name}, when not linked yet)`,
        ]
      }
      case 'collect-server-evidence':
        return [`POST ${release}/evidence`]
      case 'label':
      case 'settle-names':
      case 'verify':
      case 'publish':
      case 'record-attestation':
        return []
    }
  }

  private describeUpload(name: string, size: number | undefined): string[] {
    const what = size === undefined ? `${name}, when changed` : plural(size, 'byte')
    return this.options.uploadTo === 'generic_package'
      ? [`PUT ${this.packageFileUrl(name)} (${what})`]
      : [`POST ${this.projectPath}/uploads (${name}, ${what})`]
  }

  private releaseUrl(tagName: string): string {
    return `${this.projectPath}/releases/${encodeURIComponent(tagName)}`
  }

  packageFileUrl(fileName: string): string {
    const { packageName, packageVersion } = this.options
    return `${this.projectPath}/packages/generic/${encodeURIComponent(packageName)}/${encodeURIComponent(packageVersion)}/${encodeURIComponent(fileName)}`
  }

  private projectUploadUrl(upload: GitLabUpload): string {
    // Since GitLab 17.1 full_path is /-/project/<id>/uploads/<secret>/<file>, and since 17.2
    // only that form serves new uploads (release-it/release-it#1153); older servers give a
    // path under the project's namespace, which full_path also carries when present.
    if (typeof upload.full_path === 'string') return `${this.webRoot()}${upload.full_path}`
    const projectUrl = this.options.projectUrl ?? `${this.webRoot()}/${this.options.project}`
    return `${projectUrl}${upload.url}`
  }

  private webRoot(): string {
    return (this.options.serverUrl ?? this.api.replace(/\/api\/v4$/, '')).replace(/\/+$/, '')
  }

  private isOurStorage(url: string): boolean {
    return (
      url.startsWith(`${this.projectPath}/packages/generic/`) ||
      /\/uploads\/[0-9a-f]{32}\//.test(url)
    )
  }

  private linkBody(link: LinkSpec): Record<string, string> {
    // direct_asset_path arrived in GitLab 15.9; older servers only know the filepath alias.
    const pathKey =
      this.serverVersion !== undefined && compareVersions(this.serverVersion, '15.9') < 0
        ? 'filepath'
        : 'direct_asset_path'
    return {
      name: link.name,
      url: link.url,
      link_type: link.linkType,
      ...(link.directAssetPath === undefined ? {} : { [pathKey]: link.directAssetPath }),
    }
  }

  private async listLinks(tagName: string): Promise<RemoteLink[]> {
    const links: RemoteLink[] = []
    for (let page = 1; ; page++) {
      const response = await this.http.request<GitLabLink[]>({
        method: 'GET',
        url: `${this.releaseUrl(tagName)}/assets/links?per_page=${PER_PAGE}&page=${page}`,
        acceptStatus: [404],
        label: `list links of ${tagName}`,
      })
      if (response.status === 404 || !Array.isArray(response.body)) return links
      links.push(...response.body.map((l) => toRemoteLink(l, tagName)))
      if (!hasNextPage(response.headers, response.body.length)) return links
    }
  }

  /** Newest file of each name in our generic package; undefined when the registry cannot be read. */
  private async listPackageFiles(): Promise<GitLabPackageFile[] | undefined> {
    const { packageName, packageVersion } = this.options
    const query = `package_type=generic&package_name=${encodeURIComponent(packageName)}&package_version=${encodeURIComponent(packageVersion)}&per_page=${PER_PAGE}`
    const packages: GitLabPackage[] = []
    for (let page = 1; ; page++) {
      const response = await this.http.request<GitLabPackage[]>({
        method: 'GET',
        url: `${this.projectPath}/packages?${query}&page=${page}`,
        acceptStatus: [401, 403, 404],
        label: 'list generic packages',
      })
      if (response.status !== 200 || !Array.isArray(response.body)) {
        this.log.debug(
          `The package registry could not be listed (${response.status}); relying on SHA256SUMS`,
        )
        return undefined
      }
      // package_name is a partial match on the server: keep exact matches only.
      packages.push(
        ...response.body.filter(
          (p) =>
            p.name === packageName && p.version === packageVersion && p.package_type === 'generic',
        ),
      )
      if (!hasNextPage(response.headers, response.body.length)) break
    }
    const newest = new Map<string, GitLabPackageFile>()
    for (const pkg of packages) {
      for (let page = 1; ; page++) {
        const response = await this.http.request<GitLabPackageFile[]>({
          method: 'GET',
          url: `${this.projectPath}/packages/${pkg.id}/package_files?per_page=${PER_PAGE}&page=${page}`,
          label: 'list package files',
        })
        for (const file of response.body) {
          const withPackage = { ...file, package_id: file.package_id ?? pkg.id }
          const seen = newest.get(file.file_name)
          if (seen === undefined || seen.id < file.id) newest.set(file.file_name, withPackage)
        }
        if (!hasNextPage(response.headers, response.body.length)) break
      }
    }
    return [...newest.values()]
  }

  private failOnMissingProject(body: unknown): void {
    if (messageText(body) === '404 Project Not Found') {
      throw new ReleaseError({
        code: 'NOT_FOUND',
        input: 'project',
        message: `GitLab has no project '${this.options.project}' that this token can see.`,
        hint: "Check 'project' (id or full path) and that the token's user is a member of it.",
      })
    }
  }
}

function hasNextPage(headers: Readonly<Record<string, string>>, count: number): boolean {
  const next = headers['x-next-page']
  if (next !== undefined) return next.trim() !== ''
  return count >= PER_PAGE
}

function messageText(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const { message, error } = body as { message?: unknown; error?: unknown }
  const value = message ?? error
  return typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value)
}

function toLinkType(value: string | undefined): LinkType {
  return LINK_TYPES.find((t) => t === value) ?? 'other'
}

function toRemoteLink(link: GitLabLink, tagName: string): RemoteLink {
  // The entity has no filepath; it shows in direct_asset_url after /-/releases/<tag>/downloads.
  const marker = `/-/releases/${encodeURIComponent(tagName)}/downloads`
  const direct = link.direct_asset_url
  const at = direct === undefined ? -1 : direct.indexOf(marker)
  const directAssetPath =
    direct !== undefined && at >= 0 && direct !== link.url
      ? decodeURIComponent(direct.slice(at + marker.length))
      : undefined
  return {
    id: String(link.id),
    name: link.name,
    url: link.url,
    linkType: toLinkType(link.link_type),
    ...(directAssetPath === undefined ? {} : { directAssetPath }),
    ...(direct === undefined ? {} : { directAssetUrl: direct }),
  }
}

export function toRemoteRelease(release: GitLabRelease): RemoteRelease {
  const milestones = release.milestones ?? []
  return {
    tagName: release.tag_name,
    name: release.name ?? release.tag_name,
    description: release.description ?? '',
    milestones: milestones.map((m) => m.title),
    milestoneStats: milestones.map((m) => ({
      title: m.title,
      ...(m.issue_stats === undefined ? {} : { issues: m.issue_stats }),
      ...(m.web_url === undefined ? {} : { webUrl: m.web_url }),
    })),
    ...(release.released_at === undefined ? {} : { releasedAt: release.released_at }),
    ...(release.commit?.id === undefined ? {} : { commitSha: release.commit.id }),
    webUrl: release._links?.self ?? '',
    draft: false,
    // GitLab lists evidences oldest first (Releases::Evidence's default scope orders by
    // created_at ascending); the domain type wants the newest first.
    serverEvidenceShas: [...(release.evidences ?? [])]
      .reverse()
      .sort((a, b) => Date.parse(b.collected_at) - Date.parse(a.collected_at))
      .map((e) => e.sha),
  }
}

function translateReleaseError(error: unknown, fields: ReleaseFields): unknown {
  if (!(error instanceof HttpError)) return error
  const message = error.serverMessage ?? ''
  if (error.status === 422 && /Ref is not specified/i.test(message)) {
    return new ReleaseError({
      code: 'TAG_MISSING',
      input: 'ref',
      message: `Tag '${fields.tagName}' does not exist and no ref was given to create it from.`,
      hint: "Set 'ref' to the commit, branch or tag to create the tag from, or push the tag first.",
      cause: error,
    })
  }
  if (error.status === 400 && /Milestone/i.test(message)) {
    return new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'milestones',
      message: `GitLab: ${message}.`,
      hint: "Create the milestones in the project (or its direct parent group) or fix their titles in 'milestones'.",
      cause: error,
    })
  }
  if (error.status === 400 && /Target .* is invalid/i.test(message)) {
    return new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'ref',
      message: `GitLab: ${message}.`,
      hint: "Set 'ref' to an existing commit SHA, branch or tag.",
      cause: error,
    })
  }
  if (error.status === 400 && /Tag name invalid/i.test(message)) {
    return new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'tag_name',
      message: `GitLab: ${message}.`,
      hint: 'Use a valid git tag name.',
      cause: error,
    })
  }
  if (error.status === 403) {
    return new ReleaseError({
      code: 'FORBIDDEN',
      input: 'token',
      message: `GitLab refused to write the release for '${fields.tagName}': ${message}`,
      hint: 'The token needs at least the Developer role and, for a protected tag, the right to create it.',
      cause: error,
    })
  }
  if (error.status === 401) {
    return new ReleaseError({
      code: 'AUTH',
      input: 'token',
      message: 'GitLab did not accept the token (401 Unauthorized).',
      hint: "Check 'token' and 'token_type' (private, job or bearer) and that the token has the api scope.",
      cause: error,
    })
  }
  return error
}

function translateLinkError(error: unknown, link: LinkSpec): unknown {
  if (error instanceof HttpError && error.status === 400) {
    return new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'asset_links',
      message: `GitLab refused the link '${link.name}' (${link.url}): ${error.serverMessage ?? error.message}`,
      hint: 'Link names, URLs and direct_asset_paths must be unique within a release; URLs must be http, https or ftp.',
      cause: error,
    })
  }
  return error
}

function isDuplicateRefused(error: unknown): boolean {
  return (
    error instanceof HttpError &&
    error.status === 400 &&
    /Duplicate package is not allowed/i.test(error.serverMessage ?? '')
  )
}

function translatePackageError(error: unknown, file: UploadFile): unknown {
  if (
    error instanceof HttpError &&
    error.status === 400 &&
    /too large/i.test(error.serverMessage ?? '')
  ) {
    return new ReleaseError({
      code: 'ASSET_TOO_LARGE',
      input: 'assets',
      message: `GitLab refused ${file.name} (${plural(file.size, 'byte')}) as too large for the generic package registry.`,
      hint: 'Ask an administrator to raise generic_packages_max_file_size, or split the file.',
      cause: error,
    })
  }
  return error
}

function duplicateNotAllowed(name: string, cause: unknown): ReleaseError {
  return new ReleaseError({
    code: 'ASSET_EXISTS',
    input: 'if_asset_exists',
    message: `The package registry forbids a second ${name} in the package, and the existing file could not be identified.`,
    hint: 'Allow duplicate generic packages in the group settings, or delete the package file.',
    cause,
  })
}
