/**
 * A Sigstore deployment on 127.0.0.1 for tests: an OIDC issuer (GitHub Actions' token endpoint,
 * and tokens minted for GitLab-style `id_tokens:`), Fulcio and Rekor. The certificate authority,
 * CT log and transparency log are @sigstore/mock's (its handlers, served here over node:http
 * rather than through nock); around them this fake does what the real services do and the mocks
 * leave out: Fulcio checks the token's signature, audience, expiry and the proof of possession and
 * names the certificate as the real one does for each CI (GitHub: the workflow ref, GitLab: the
 * CI config ref URI); Rekor checks the DSSE signature and logs the canonical `dsse` entry, so
 * `@sigstore/verify` checks the bundle exactly as for the public instance.
 */
import {
  X509Certificate,
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js'
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js'

import type { Env } from './run-tool.js'

/** The issuer github.com's Actions tokens carry. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com'

export interface LoggedSigstoreRequest {
  readonly method: string
  /** Path with query, e.g. `/fulcio/api/v2/signingCert`. */
  readonly path: string
  readonly status: number
}

/** What a GitHub Actions job's token says (https://docs.github.com/actions/reference/security/oidc). */
export interface GitHubJob {
  /** The server the repository lives on (the fake GitHub's web URL, or https://github.com). */
  readonly serverUrl: string
  readonly repository: string
  readonly workflow?: string
  readonly ref?: string
  readonly sha?: string
  readonly visibility?: 'public' | 'private' | 'internal'
  /**
   * The issuer the token names, when it is not GitHub's for `serverUrl` (a Forgejo server's
   * Actions): this Fulcio is then configured for it as a CI of `serverUrl`.
   */
  readonly issuer?: string
}

/** What a GitLab CI job's `id_tokens:` token says (https://docs.gitlab.com/ci/secrets/id_token_authentication/). */
export interface GitLabJob {
  readonly serverUrl: string
  readonly projectPath: string
  readonly ref?: string
  readonly configPath?: string
}

export interface FakeSigstore {
  readonly url: string
  readonly fulcioUrl: string
  readonly rekorUrl: string
  /** Every request, in arrival order. */
  readonly requests: LoggedSigstoreRequest[]
  /** The variables GitHub Actions gives a job with `id-token: write`. */
  githubActionsEnv(job: GitHubJob): Env
  /** The issuer a GitHub job's token names (github.com's, or GHES' `<server>/_services/token`). */
  githubIssuer(serverUrl: string): string
  /** A signed token as GitLab puts it in an `id_tokens:` variable. */
  gitlabToken(job: GitLabJob, extra?: Record<string, unknown>): string
  /** A signed token with any claims (audience `sigstore` unless given). */
  token(claims: Record<string, unknown>): string
  /** The trusted root (trusted_root.json) of this deployment. */
  trustedRoot(): unknown
  /** Writes trusted_root.json into `dir`; returns its path. */
  writeTrustedRoot(dir: string): Promise<string>
  /** Answers the next `times` requests whose path starts with `prefix` with `status`. */
  failNext(prefix: string, status: number, times?: number): void
  close(): Promise<void>
}

export async function startFakeSigstore(): Promise<FakeSigstore> {
  const keys = (): { publicKey: KeyObject; privateKey: KeyObject } =>
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const issuerKey = keys()
  const ctlog = await initializeCTLog(keys())
  const ca = await initializeCA(keys(), ctlog)
  const fulcio = fulcioHandler(ca)
  const requests: LoggedSigstoreRequest[] = []
  const faults: { prefix: string; status: number; times: number }[] = []
  const requestTokens = new Map<string, Record<string, unknown>>()
  /** Issuers configured as the Actions of a server other than GitHub's: issuer → server. */
  const actionsServers = new Map<string, string>()
  const entries = new Map<string, { uuid: string; entry: unknown }>()
  const started = new Date(Date.now() - 60_000)

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const method = request.method ?? 'GET'
      const url = request.url ?? '/'
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        requests.push({ method, path: url, status })
        const text = typeof body === 'string' ? body : JSON.stringify(body)
        response.writeHead(status, { 'content-type': 'application/json', ...headers })
        response.end(text)
      }
      const fault = faults.find((f) => url.startsWith(f.prefix) && f.times > 0)
      if (fault !== undefined) {
        fault.times -= 1
        return reply(fault.status, { code: fault.status, message: 'injected fault' })
      }
      handle(method, url, Buffer.concat(chunks), request.headers).then(
        ({ status, body, headers }) => reply(status, body, headers),
        (error: unknown) => reply(500, { message: String(error) }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const tlog = await initializeTLog(`${origin}/rekor`, keys())
  const rekor = rekorHandler(tlog)

  type Answer = { status: number; body: unknown; headers?: Record<string, string> }

  async function handle(
    method: string,
    url: string,
    body: Buffer,
    headers: http.IncomingHttpHeaders,
  ): Promise<Answer> {
    const { pathname, searchParams } = new URL(url, origin)
    if (method === 'GET' && pathname === '/github-oidc/idtoken') {
      const bearer = /^bearer (\S+)$/i.exec(headers.authorization ?? '')?.[1]
      const claims = bearer === undefined ? undefined : requestTokens.get(bearer)
      if (claims === undefined) return { status: 401, body: { message: 'Bad credentials' } }
      const audience = searchParams.get('audience') ?? 'https://github.com/octo'
      return { status: 200, body: { count: 1, value: mint({ ...claims, aud: audience }) } }
    }
    if (method === 'POST' && pathname === '/fulcio/api/v2/signingCert') return certify(body)
    if (method === 'POST' && pathname === '/rekor/api/v1/log/entries') return logEntry(body)
    const uuid = /^\/rekor\/api\/v1\/log\/entries\/([0-9a-f]+)$/.exec(pathname)?.[1]
    if (method === 'GET' && uuid !== undefined) {
      const found = [...entries.values()].find((e) => e.uuid === uuid)
      return found === undefined
        ? { status: 404, body: { code: 404, message: 'not found' } }
        : { status: 200, body: found.entry }
    }
    return { status: 404, body: { message: `no route ${method} ${pathname}` } }
  }

  /** Fulcio: a certificate for the key, named for the token's identity. */
  async function certify(body: Buffer): Promise<Answer> {
    const request = JSON.parse(body.toString('utf8')) as {
      credentials?: { oidcIdentityToken?: string }
      publicKeyRequest?: { publicKey?: { content?: string }; proofOfPossession?: string }
    }
    const token = request.credentials?.oidcIdentityToken ?? ''
    const claims = verifyToken(token)
    if (claims === undefined) {
      return {
        status: 401,
        body: { code: 16, message: 'There was an error processing the identity token' },
      }
    }
    const pem = request.publicKeyRequest?.publicKey?.content ?? ''
    const proof = Buffer.from(request.publicKeyRequest?.proofOfPossession ?? '', 'base64')
    const challenge = text(claims.email) ?? text(claims.sub) ?? ''
    if (!verify('sha256', Buffer.from(challenge), pem, proof)) {
      return {
        status: 400,
        body: { code: 3, message: 'The public key supplied in the request could not be verified' },
      }
    }
    // The mock names the certificate for `sub` and records `iss`: give it what Fulcio would.
    const named = unsignedToken({ iss: claims.iss, sub: subjectAlternativeName(claims) })
    const answer = await fulcio.fn(
      JSON.stringify({ ...request, credentials: { oidcIdentityToken: named } }),
    )
    return { status: answer.statusCode, body: answer.response }
  }

  /** Rekor: checks the envelope's signature and logs the canonical dsse entry. */
  async function logEntry(body: Buffer): Promise<Answer> {
    const proposed = JSON.parse(body.toString('utf8')) as {
      kind?: string
      apiVersion?: string
      spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } }
    }
    const content = proposed.spec?.proposedContent
    if (
      proposed.kind !== 'dsse' ||
      content?.envelope === undefined ||
      content.verifiers?.[0] === undefined
    ) {
      return { status: 400, body: { code: 400, message: 'only dsse entries are accepted here' } }
    }
    const envelope = JSON.parse(content.envelope) as {
      payloadType: string
      payload: string
      signatures: { sig: string }[]
    }
    const verifierPem = Buffer.from(content.verifiers[0], 'base64').toString('utf8')
    const payload = Buffer.from(envelope.payload, 'base64')
    const pae = Buffer.concat([
      Buffer.from(
        `DSSEv1 ${Buffer.byteLength(envelope.payloadType)} ${envelope.payloadType} ${payload.length} `,
      ),
      payload,
    ])
    const key = new X509Certificate(verifierPem).publicKey
    const signature = Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64')
    if (!verify('sha256', pae, key, signature)) {
      return { status: 400, body: { code: 400, message: 'signature verification failed' } }
    }
    const canonical = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(content.envelope) },
        payloadHash: { algorithm: 'sha256', value: sha256(payload) },
        signatures: envelope.signatures.map((s) => ({
          signature: s.sig,
          verifier: content.verifiers?.[0],
        })),
      },
    }
    const id = sha256(JSON.stringify(canonical))
    const existing = entries.get(id)
    if (existing !== undefined) {
      return {
        status: 409,
        body: { code: 409, message: 'an equivalent entry already exists in the transparency log' },
        headers: { location: `/rekor/api/v1/log/entries/${existing.uuid}` },
      }
    }
    const answer = await rekor.fn(JSON.stringify(canonical))
    if (answer.statusCode === 201) {
      const entry = JSON.parse(answer.response as string) as Record<string, unknown>
      const [uuid = ''] = Object.keys(entry)
      entries.set(id, { uuid, entry })
    }
    return { status: answer.statusCode, body: answer.response }
  }

  /** The SAN Fulcio gives each kind of CI identity (its ci-provider templates). */
  function subjectAlternativeName(claims: Record<string, unknown>): string {
    const iss = text(claims.iss) ?? ''
    if (typeof claims.job_workflow_ref === 'string') {
      const server =
        actionsServers.get(iss) ??
        (iss === GITHUB_ACTIONS_ISSUER
          ? 'https://github.com'
          : iss.replace(/\/_services\/token$/, ''))
      return `${server}/${claims.job_workflow_ref}`
    }
    if (typeof claims.ci_config_ref_uri === 'string') {
      return `${new URL(iss).protocol}//${claims.ci_config_ref_uri}`
    }
    return text(claims.email) ?? text(claims.sub) ?? ''
  }

  function mint(claims: Record<string, unknown>): string {
    const now = Math.floor(Date.now() / 1000)
    const header = base64url({ alg: 'ES256', typ: 'JWT', kid: 'fake' })
    const payload = base64url({ aud: 'sigstore', iat: now, nbf: now, exp: now + 300, ...claims })
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
      key: issuerKey.privateKey,
      dsaEncoding: 'ieee-p1363',
    })
    return `${header}.${payload}.${signature.toString('base64url')}`
  }

  /** The claims of a token this issuer signed, still valid, for audience sigstore. */
  function verifyToken(token: string): Record<string, unknown> | undefined {
    const [header, payload, signature] = token.split('.')
    if (header === undefined || payload === undefined || signature === undefined) return undefined
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: issuerKey.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    )
    if (!valid) return undefined
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!aud.includes('sigstore')) return undefined
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return undefined
    return claims
  }

  const githubIssuer = (serverUrl: string): string =>
    serverUrl === 'https://github.com' ? GITHUB_ACTIONS_ISSUER : `${serverUrl}/_services/token`

  const trustedRoot = (): unknown => ({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: `${origin}/fulcio`,
        certChain: {
          certificates: [{ rawBytes: bytesOf(ca.rootCertificate).toString('base64') }],
        },
        validFor: { start: started.toISOString() },
      },
    ],
    tlogs: [
      {
        baseUrl: `${origin}/rekor`,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: tlog.publicKey.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: started.toISOString() },
        },
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest('base64') },
      },
    ],
    ctlogs: [
      {
        baseUrl: `${origin}/ctfe`,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: ctlog.publicKey.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: started.toISOString() },
        },
        logId: { keyId: bytesOf(ctlog.logID).toString('base64') },
      },
    ],
    timestampAuthorities: [],
  })

  return {
    url: origin,
    fulcioUrl: `${origin}/fulcio`,
    rekorUrl: `${origin}/rekor`,
    requests,
    githubIssuer,
    githubActionsEnv(job) {
      const requestToken = randomBytes(12).toString('hex')
      const workflow = job.workflow ?? '.github/workflows/release.yml'
      const ref = job.ref ?? 'refs/tags/v1.0.0'
      if (job.issuer !== undefined) actionsServers.set(job.issuer, job.serverUrl)
      requestTokens.set(requestToken, {
        iss: job.issuer ?? githubIssuer(job.serverUrl),
        sub: `repo:${job.repository}:ref:${ref}`,
        repository: job.repository,
        repository_owner: job.repository.split('/')[0],
        repository_visibility: job.visibility ?? 'public',
        ref,
        sha: job.sha ?? '0'.repeat(40),
        workflow_ref: `${job.repository}/${workflow}@${ref}`,
        job_workflow_ref: `${job.repository}/${workflow}@${ref}`,
        event_name: 'push',
        runner_environment: 'github-hosted',
      })
      return {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${origin}/github-oidc/idtoken?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      }
    },
    gitlabToken(job, extra = {}) {
      const ref = job.ref ?? 'refs/tags/v1.0.0'
      const host = new URL(job.serverUrl).host
      return mint({
        iss: job.serverUrl,
        sub: `project_path:${job.projectPath}:ref_type:tag:ref:${ref.replace(/^refs\/tags\//, '')}`,
        project_path: job.projectPath,
        ci_config_ref_uri: `${host}/${job.projectPath}//${job.configPath ?? '.gitlab-ci.yml'}@${ref}`,
        ...extra,
      })
    },
    token: (claims) => mint(claims),
    trustedRoot,
    async writeTrustedRoot(dir) {
      const file = path.join(dir, 'trusted_root.json')
      await writeFile(file, JSON.stringify(trustedRoot(), null, 2))
      return file
    },
    failNext(prefix, status, times = 1) {
      faults.push({ prefix, status, times })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      }),
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function unsignedToken(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none' })}.${base64url(claims)}.`
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}
