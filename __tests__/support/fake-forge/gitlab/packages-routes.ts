/**
 * Generic packages (lib/api/generic_packages.rb) and the packages API (lib/api/project_packages.rb,
 * lib/api/package_files.rb). All accept the CI job token; generic packages also HTTP Basic
 * (any username + token; `gitlab-ci-token` for a job token).
 *
 * Chunked uploads (no Content-Length) are accepted: Workhorse spools the body to a temp file
 * before Rails sees it, so the size is known either way.
 */
import type { Exchange } from '../exchange.js'
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { hasRole, type Caller } from './access.js'
import type { GitLabContext } from './context.js'
import { packageEntity, packageFileEntity, packageFileRecord } from './entities.js'
import { serveStoredFile } from './object-storage.js'
import { paginate } from './pagination.js'
import { DeclaredParams } from './params.js'
import { projectRoute } from './project-route.js'
import { apiError, badRequest, forbidden, grapeError, notFound, recordNotFound } from './respond.js'
import type { GenericPackage, PackageFile, Project } from './state.js'
import { GENERIC_NAME_REGEX, GENERIC_VERSION_REGEX } from './validation.js'

const GENERIC = '/api/v4/projects/:id/packages/generic/:package_name/:package_version/*file_path'
const PACKAGES = '/api/v4/projects/:id/packages'

const PACKAGE_TYPES = [
  'maven',
  'npm',
  'conan',
  'nuget',
  'pypi',
  'composer',
  'generic',
  'golang',
  'debian',
  'rubygems',
  'helm',
  'terraform_module',
  'rpm',
  'ml_model',
  'cargo',
] as const

/** `read_package`: anyone on a public project, Reporter+ elsewhere (internal: any signed-in user). */
const canReadPackages = (ctx: GitLabContext, caller: Caller, project: Project): boolean =>
  project.visibility === 'public' ||
  (project.visibility === 'internal' && caller.token !== undefined) ||
  hasRole(ctx.state, caller, project, 'reporter')

interface GenericCoordinates {
  readonly packageName: string
  readonly version: string
  /** Stored file name: `path/file_name` when sub-directories were given. */
  readonly fileName: string
}

/** Validates the path parameters the way the Grape declarations do; undefined after answering 400. */
const readCoordinates = async (ex: Exchange): Promise<GenericCoordinates | undefined> => {
  const segments = (ex.params.file_path ?? '').split('/')
  const fileName = segments.pop() ?? ''
  const p = new DeclaredParams({
    package_name: ex.params.package_name,
    package_version: ex.params.package_version,
    ...(segments.length > 0 ? { path: segments.join('/') } : {}),
    file_name: fileName,
  })
  const packageName = p.optRegex('package_name', GENERIC_NAME_REGEX, true)
  const version = p.optRegex('package_version', GENERIC_VERSION_REGEX, true)
  if (segments.length > 0) {
    if (segments.some((s) => s === '..' || s === '.'))
      p.errors.push('path should be a valid file path')
    else if (!segments.every((s) => GENERIC_NAME_REGEX.test(s))) p.errors.push('path is invalid')
  }
  const file = p.optRegex('file_name', GENERIC_NAME_REGEX, true)
  if (file === '..' || file === '.') p.errors.push('file_name should be a valid file path')
  if (await p.reject(ex)) return undefined
  return {
    packageName: packageName ?? '',
    version: version ?? '',
    fileName: [...segments, fileName].join('/'),
  }
}

const upload = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, { jobToken: true, basic: true }, async (ex, caller, project) => {
    if (!ctx.config.features.genericPackages) return notFound(ex)
    const coords = await readCoordinates(ex)
    if (coords === undefined) return
    const q = new DeclaredParams(Object.fromEntries(ex.query))
    const status = q.optEnum('status', ['default', 'hidden'] as const) ?? 'default'
    const select = q.optEnum('select', ['package_file'] as const)
    if (await q.reject(ex)) return
    if (!hasRole(ctx.state, caller, project, 'developer')) return forbidden(ex)

    const max = ctx.config.genericPackageMaxBytes
    const declared = Number(ex.header('content-length') ?? NaN)
    if (max > 0 && Number.isFinite(declared) && declared > max)
      return badRequest(ex, 'File is too large')
    const result = await ctx.blobs.write(ex.body(), max > 0 ? { maxBytes: max } : {})
    if (!result.ok) {
      if (result.reason === 'too-large') return badRequest(ex, 'File is too large')
      // The client went away mid-body: nothing stored, nobody to answer.
      return ex.empty(400)
    }
    const { state } = ctx
    let pkg = state.findPackage(project, coords.packageName, coords.version)
    if (
      !ctx.config.allowDuplicates &&
      pkg?.files.some((f) => f.fileName === coords.fileName) === true
    ) {
      await ctx.blobs.remove(result.blob)
      return badRequest(ex, 'Duplicate package is not allowed')
    }
    const now = state.now()
    if (pkg === undefined) {
      pkg = {
        id: state.nextId('package'),
        projectId: project.id,
        name: coords.packageName,
        version: coords.version,
        status,
        createdAt: now,
        files: [],
      }
      project.packages.push(pkg)
    } else {
      pkg.status = status
    }
    const file: PackageFile = {
      id: state.nextId('package_file'),
      packageId: pkg.id,
      fileName: coords.fileName,
      createdAt: now,
      blob: result.blob,
    }
    pkg.files.push(file)
    // `present package_file` keeps Grape's PUT default (200); otherwise `created!` (201).
    if (select === 'package_file') {
      return ex.json(200, packageFileRecord(file, ctx.config.packageFileSha256))
    }
    await ex.json(201, { message: '201 Created' })
  })

const contentDisposition = (name: string): string => {
  const base = name.split('/').pop() ?? name
  return `attachment; filename="${base.replace(/"/g, '%22')}"; filename*=UTF-8''${encodeURIComponent(base)}`
}

const download = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, { jobToken: true, basic: true }, async (ex, caller, project) => {
    if (!ctx.config.features.genericPackages) return notFound(ex)
    const coords = await readCoordinates(ex)
    if (coords === undefined) return
    if (!canReadPackages(ctx, caller, project)) return forbidden(ex)
    const pkg = ctx.state.findPackage(project, coords.packageName, coords.version)
    const file = pkg?.files.filter((f) => f.fileName === coords.fileName).pop()
    if (file === undefined) return recordNotFound(ex)
    await serveStoredFile(ctx, ex, file.blob, {
      'content-type': 'application/octet-stream',
      'content-disposition': contentDisposition(file.fileName),
    })
  })

const findPackageById = (project: Project, id: string | undefined): GenericPackage | undefined =>
  project.packages.find((p) => String(p.id) === id)

const listPackages = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, { jobToken: true }, async (ex, caller, project) => {
    const p = new DeclaredParams(Object.fromEntries(ex.query))
    const type = p.optEnum('package_type', PACKAGE_TYPES)
    const name = p.optString('package_name')
    const version = p.optString('package_version')
    const orderBy =
      p.optEnum('order_by', ['created_at', 'name', 'version', 'type'] as const) ?? 'created_at'
    const sort = p.optEnum('sort', ['asc', 'desc'] as const) ?? 'asc'
    const status = p.optEnum('status', [
      'default',
      'hidden',
      'processing',
      'error',
      'pending_destruction',
    ] as const)
    p.optBoolean('include_versionless')
    if (await p.reject(ex)) return
    if (!canReadPackages(ctx, caller, project)) return forbidden(ex)
    const wanted = name?.toLowerCase()
    const hits = project.packages
      .filter((pkg) => (status === undefined ? pkg.status === 'default' : pkg.status === status))
      .filter(() => type === undefined || type === 'generic')
      // GitLab matches package_name fuzzily (ILIKE %name%).
      .filter((pkg) => wanted === undefined || pkg.name.toLowerCase().includes(wanted))
      .filter((pkg) => version === undefined || pkg.version === version)
      .sort((a, b) => {
        const diff =
          orderBy === 'name'
            ? a.name.localeCompare(b.name)
            : orderBy === 'version'
              ? a.version.localeCompare(b.version)
              : a.createdAt - b.createdAt
        return (sort === 'asc' ? diff : -diff) || a.id - b.id
      })
    const page = paginate(ex, hits)
    if (!page.ok) return grapeError(ex, 400, page.error)
    await ex.json(
      200,
      page.items.map((pkg) => packageEntity(ctx.state, project, pkg)),
      page.headers,
    )
  })

const getPackage = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, { jobToken: true }, async (ex, caller, project) => {
    if (!canReadPackages(ctx, caller, project)) return forbidden(ex)
    const pkg = findPackageById(project, ex.params.package_id)
    if (pkg === undefined) return recordNotFound(ex)
    await ex.json(200, packageEntity(ctx.state, project, pkg))
  })

const listFiles = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, { jobToken: true }, async (ex, caller, project) => {
    if (!canReadPackages(ctx, caller, project)) return forbidden(ex)
    const pkg = findPackageById(project, ex.params.package_id)
    if (pkg === undefined) return recordNotFound(ex)
    const page = paginate(ex, pkg.files)
    if (!page.ok) return grapeError(ex, 400, page.error)
    await ex.json(
      200,
      page.items.map(packageFileEntity(ctx.config.packageFileSha256)),
      page.headers,
    )
  })

/** `destroy_package` is Maintainer+ (a Developer gets 403; gitlab-org/gitlab#592019). */
const deletePackage = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, { jobToken: true }, async (ex, caller, project) => {
    const pkg = findPackageById(project, ex.params.package_id)
    if (pkg === undefined) return recordNotFound(ex)
    if (!hasRole(ctx.state, caller, project, 'maintainer')) return forbidden(ex)
    project.packages.splice(project.packages.indexOf(pkg), 1)
    for (const f of pkg.files) await ctx.blobs.remove(f.blob)
    await ex.empty(204)
  })

const deleteFile = (ctx: GitLabContext): Handler =>
  projectRoute(ctx, { jobToken: true }, async (ex, caller, project) => {
    const pkg = findPackageById(project, ex.params.package_id)
    if (pkg === undefined) return recordNotFound(ex)
    if (!hasRole(ctx.state, caller, project, 'maintainer')) return forbidden(ex)
    const file = pkg.files.find((f) => String(f.id) === ex.params.package_file_id)
    if (file === undefined) return apiError(ex, 404, '404 Not Found')
    pkg.files = pkg.files.filter((f) => f !== file)
    await ctx.blobs.remove(file.blob)
    await ex.empty(204)
  })

export const registerPackageRoutes = (router: Router<Handler>, ctx: GitLabContext): void => {
  router
    .put(GENERIC, upload(ctx))
    .get(GENERIC, download(ctx))
    .get(PACKAGES, listPackages(ctx))
    .get(`${PACKAGES}/:package_id`, getPackage(ctx))
    .delete(`${PACKAGES}/:package_id`, deletePackage(ctx))
    .get(`${PACKAGES}/:package_id/package_files`, listFiles(ctx))
    .delete(`${PACKAGES}/:package_id/package_files/:package_file_id`, deleteFile(ctx))
}
