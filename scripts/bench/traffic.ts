/**
 * What a run sent, from the fake server's request log: requests, body bytes, and the file
 * uploads among them, with the files forge-release derives itself (SHA256SUMS, the statements)
 * counted apart from the user's assets.
 */
import type { LoggedRequest } from '../../__tests__/support/fake-forge/request-log.js'
import { DERIVED_NAMES } from '../../src/plan/derived-names.js'

/** SHA256SUMS, the statements and their Sigstore bundles. */
export const DERIVED_FILES: readonly string[] = DERIVED_NAMES

export interface Traffic {
  readonly requests: number
  /** Requests by method, e.g. { GET: 3, PUT: 200 }. */
  readonly byMethod: Readonly<Record<string, number>>
  /** Request body bytes the server read, all requests. */
  readonly bytesSent: number
  /** Uploads of the user's asset files. */
  readonly assetUploads: number
  readonly assetBytes: number
  /** Names of the asset files uploaded (where the request names them). */
  readonly assetNames: readonly string[]
  /** Uploads of SHA256SUMS, the statements and their bundles. */
  readonly derivedUploads: number
  readonly derivedBytes: number
  /** Requests whose answer was not 2xx/3xx (404 probes included). */
  readonly failedAnswers: number
  /** `Date.now()` of the first request, if any. */
  readonly firstRequestAt: number | undefined
  /** GET requests for a page of a listing (`page=` in the query). */
  readonly listingPages: number
  /**
   * From the first asset upload to the first request after the last one (or the end of the
   * run): the upload phase, to compare with the raw transfer of the same bytes.
   */
  readonly uploadPhaseMs: number | undefined
  /**
   * GitLab: from `POST …/evidence` to the first request that is not a read of the release
   * (the engine polls the release for the new evidence sha).
   */
  readonly evidenceWaitMs: number | undefined
}

/**
 * @param uploadedName the name of the file a request uploads ('' when the request does not name
 *   it), undefined for requests that upload no file
 * @param smallestAsset where names are unknown, uploads below this size count as derived files
 */
export function summariseTraffic(
  requests: readonly LoggedRequest[],
  uploadedName: (request: LoggedRequest) => string | undefined,
  smallestAsset: number,
  endedAt: number,
): Traffic {
  const byMethod: Record<string, number> = {}
  let bytesSent = 0
  let assetUploads = 0
  let assetBytes = 0
  let derivedUploads = 0
  let derivedBytes = 0
  let failedAnswers = 0
  let firstRequestAt: number | undefined
  const assetNames: string[] = []
  let listingPages = 0
  let firstUpload: number | undefined
  let lastUpload: number | undefined
  for (const [index, request] of requests.entries()) {
    if (request.method === 'GET' && /[?&]page=/.test(request.path)) listingPages += 1
    byMethod[request.method] = (byMethod[request.method] ?? 0) + 1
    bytesSent += request.bodyBytes
    if (request.status !== undefined && request.status >= 400) failedAnswers += 1
    if (firstRequestAt === undefined || request.startedAt < firstRequestAt) {
      firstRequestAt = request.startedAt
    }
    const name = uploadedName(request)
    if (name === undefined) continue
    const derived = name === '' ? request.bodyBytes < smallestAsset : DERIVED_FILES.includes(name)
    if (derived) {
      derivedUploads += 1
      derivedBytes += request.bodyBytes
    } else {
      assetUploads += 1
      assetBytes += request.bodyBytes
      if (name !== '') assetNames.push(name)
      firstUpload ??= index
      lastUpload = index
    }
  }
  const startOf = (index: number | undefined): number | undefined =>
    index === undefined ? undefined : requests[index]?.startedAt
  const uploadStart = startOf(firstUpload)
  const uploadEnd =
    lastUpload === undefined
      ? undefined
      : (requests.slice(lastUpload + 1).find((r) => uploadedName(r) === undefined)?.startedAt ??
        endedAt)
  const evidenceAt = requests.findIndex(
    (r) => r.method === 'POST' && /\/releases\/[^/]+\/evidence$/.test(r.path),
  )
  let evidenceWaitMs: number | undefined
  if (evidenceAt >= 0) {
    const post = requests[evidenceAt]
    const releasePath = post?.path.replace(/\/evidence$/, '')
    const next = requests
      .slice(evidenceAt + 1)
      .find((r) => !(r.method === 'GET' && r.path === releasePath))
    if (post !== undefined) evidenceWaitMs = (next?.startedAt ?? endedAt) - post.startedAt
  }
  return {
    requests: requests.length,
    byMethod,
    bytesSent,
    assetUploads,
    assetBytes,
    assetNames,
    derivedUploads,
    derivedBytes,
    failedAnswers,
    firstRequestAt,
    listingPages,
    uploadPhaseMs:
      uploadStart === undefined || uploadEnd === undefined ? undefined : uploadEnd - uploadStart,
    evidenceWaitMs,
  }
}
