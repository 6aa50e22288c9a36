/**
 * Credentials go only to the API's origin (and GitHub's upload host): a redirect to another
 * origin, or from https to http, never carries PRIVATE-TOKEN, JOB-TOKEN, Authorization or a
 * cookie — through the whole tool, not just the transport. A "mirror" on a second loopback
 * port records what reaches it; the fake answers the verify download of one file with a 302 to
 * it (`verify: full` downloads every file through its download path).
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { TEST_TLS } from '../support/fake-forge/index.js'
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { REPOSITORY as GITEA_REPOSITORY } from '../support/gitea-scenario.js'
import { REPOSITORY } from '../support/github-scenario.js'
import { runThroughGate } from '../support/kill-harness.js'
import { expectNoTokenLeak, makeWorkspace } from '../support/run-tool.js'
import { BUILD_FILES, tagFor } from './support/fixtures.js'

const VICTIM = 'app-linux-amd64.tar.gz'
const CREDENTIAL_HEADERS = ['private-token', 'job-token', 'authorization', 'cookie']

interface Mirror {
  readonly url: string
  readonly seen: { path: string; headers: IncomingHttpHeaders }[]
  close(): Promise<void>
}

/** Serves BUILD_FILES by base name, as a CDN or object store behind a redirect would. */
async function startMirror(): Promise<Mirror> {
  const seen: Mirror['seen'] = []
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers })
    const name = path.basename(req.url ?? '')
    const body = BUILD_FILES[`dist/${name}`]
    if (body === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The path of the verify request for VICTIM (GitHub addresses assets by id). */
function victimVerifyPath(s: ForgeScenario, tag: string): RegExp {
  if (s.forge === 'gitea') {
    // A full verify downloads a Forgejo/Gitea attachment by its uuid.
    const release = s.gitea?.state.releasesOf(GITEA_REPOSITORY).find((r) => r.tagName === tag)
    const attachment = release?.attachments.find((a) => a.name === VICTIM)
    if (attachment === undefined) throw new Error(`${VICTIM} is not uploaded yet`)
    return new RegExp(`/attachments/${attachment.uuid}$`)
  }
  if (s.forge !== 'github') return new RegExp(`/${VICTIM.replace(/\./g, '\\.')}$`)
  const release = s.github?.state.releasesOf(REPOSITORY).find((r) => r.tagName === tag)
  const asset = release?.assets.find((a) => a.name === VICTIM)
  if (asset === undefined) throw new Error(`${VICTIM} is not uploaded yet`)
  return new RegExp(`/releases/assets/${asset.id}$`)
}

let scenario: ForgeScenario | undefined
let mirror: Mirror | undefined
afterEach(async () => {
  await scenario?.close()
  await mirror?.close()
  scenario = undefined
  mirror = undefined
})

describe.each(FORGES)('%s: credentials stay with the API', (forge: ForgeName) => {
  it.each([
    ['from http to another origin', false],
    ['from https to http', true],
  ])('drops every credential on a redirect %s, through the whole run', async (_, overTls) => {
    const s = (scenario = await startForgeScenario(forge, overTls ? { tls: TEST_TLS } : {}))
    const m = (mirror = await startMirror())
    const tag = tagFor(forge)
    const caDir = await mkdtemp(path.join(os.tmpdir(), 'forge-release-ca-'))
    const caFile = path.join(caDir, 'ca.pem')
    await writeFile(caFile, TEST_TLS.cert)
    const workspace = await makeWorkspace(BUILD_FILES)
    let redirected = false
    const result = await runThroughGate(
      s.env({
        INPUT_TAG_NAME: tag,
        INPUT_ASSETS: 'dist/*',
        INPUT_VERIFY: 'full',
        ...(overTls ? { INPUT_CA_FILE: caFile } : {}),
      }),
      workspace,
      {
        beforeRequest: (request, _index, phase) => {
          const verify = s.routes.verify
          if (
            redirected ||
            !phase.verifying ||
            request.method !== verify.method ||
            !verify.path.test(request.url)
          ) {
            return
          }
          redirected = true
          s.addFault(
            {
              method: verify.method,
              path: victimVerifyPath(s, tag),
              times: Infinity,
              kind: { status: 302, headers: { location: `${m.url}/mirror/${VICTIM}` } },
            },
            verify.on,
          )
        },
      },
    )
    expect(redirected).toBe(true)
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    // The mirror was asked, and saw no credential of any kind.
    expect(m.seen.map((r) => r.path)).toContain(`/mirror/${VICTIM}`)
    for (const request of m.seen) {
      for (const name of CREDENTIAL_HEADERS) expect(request.headers[name]).toBeUndefined()
    }
    expect(JSON.stringify(m.seen)).not.toContain(s.token)
    // GitHub's own storage host (a second origin too) never sees the token either.
    if (forge === 'github') {
      expect(s.server('downloads').requests.withHeader('authorization')).toEqual([])
    }
    await expectNoTokenLeak(s.token, result, workspace)
  })
})
