/**
 * Artifact attestations (docs "REST API endpoints for artifact attestations", repos):
 * - `POST /repos/{owner}/{repo}/attestations` with `{ bundle }` → 201 `{ id }`; needs write
 *   access and `attestations: write` (403 otherwise); 422 when the body holds no Sigstore bundle
 *   with a DSSE envelope whose in-toto statement has subjects.
 * - `GET /repos/{owner}/{repo}/attestations/{subject_digest}` (`sha256:<hex>`) → 200
 *   `{ attestations: [{ bundle, repository_id, bundle_url }] }`, every stored attestation with a
 *   subject of that digest.
 */
import type { Router } from '../router.js'
import type { Handler } from '../server.js'
import { readJsonObject } from './body-rules.js'
import type { GitHubContext } from './context.js'
import { repoRoute, requirePush } from './repo-route.js'
import { apiError, invalidRequest } from './respond.js'

const DOCS = 'https://docs.github.com/rest/repos/attestations'

const createAttestation = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, caller, repo) => {
    if (!(await requirePush(ex, caller))) return
    if (caller.token?.attestations !== true) {
      return apiError(ex, 403, 'Resource not accessible by integration', {
        'x-accepted-github-permissions': 'attestations=write',
      })
    }
    const body = await readJsonObject(ex)
    if (body === undefined) return
    const subjects = subjectsOf(body.bundle)
    if (subjects === undefined) {
      return invalidRequest(ex, 'The bundle is not a Sigstore bundle of an in-toto statement.')
    }
    const id = ctx.state.nextId('attestation')
    repo.attestations.push({ id, bundle: body.bundle, subjects })
    await ex.json(201, { id })
  })

const listAttestations = (ctx: GitHubContext): Handler =>
  repoRoute(ctx, async (ex, _caller, repo) => {
    const digest = /^sha256:([0-9a-f]{64})$/.exec(ex.params.digest ?? '')?.[1]
    if (digest === undefined) {
      return apiError(ex, 422, 'Invalid subject digest', {}, DOCS)
    }
    await ex.json(200, {
      attestations: repo.attestations
        .filter((a) => a.subjects.includes(digest))
        .map((a) => ({
          bundle: a.bundle,
          repository_id: repo.id,
          bundle_url: `${ctx.origins.api()}/repos/${repo.fullName}/attestations/${a.id}/bundle`,
        })),
    })
  })

/** The sha256 of each subject of the bundle's statement; undefined when it is no such bundle. */
function subjectsOf(bundle: unknown): string[] | undefined {
  if (typeof bundle !== 'object' || bundle === null) return undefined
  const { mediaType, dsseEnvelope } = bundle as {
    mediaType?: unknown
    dsseEnvelope?: { payload?: unknown; payloadType?: unknown }
  }
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.bundle'))
    return undefined
  if (dsseEnvelope?.payloadType !== 'application/vnd.in-toto+json') return undefined
  if (typeof dsseEnvelope.payload !== 'string') return undefined
  try {
    const statement = JSON.parse(Buffer.from(dsseEnvelope.payload, 'base64').toString('utf8')) as {
      subject?: { digest?: { sha256?: unknown } }[]
    }
    const shas = (statement.subject ?? []).flatMap((s) =>
      typeof s.digest?.sha256 === 'string' ? [s.digest.sha256] : [],
    )
    return shas.length === 0 ? undefined : shas
  } catch {
    return undefined
  }
}

export const registerAttestationRoutes = (
  router: Router<Handler>,
  ctx: GitHubContext,
  prefix = '',
): void => {
  const base = `${prefix}/repos/:owner/:repo/attestations`
  router.post(base, createAttestation(ctx)).get(`${base}/:digest`, listAttestations(ctx))
}
