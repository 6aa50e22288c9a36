/**
 * Real networks: a forward proxy in front of the runner (HTTP_PROXY / HTTPS_PROXY / NO_PROXY,
 * either case) and a self-managed server whose certificate a private CA signed (ca_file,
 * CI_SERVER_TLS_CA_FILE under GitLab CI, NODE_EXTRA_CA_CERTS), on every forge.
 */
import { readFile } from 'node:fs/promises'

import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { JOB_TOKEN } from '../support/gitlab-scenario.js'
import {
  expectNoTokenLeak,
  makeWorkspace,
  runBundle,
  runInProcess,
  type Env,
} from '../support/run-tool.js'
import { BUILD_FILES, expectPublished, tagFor } from './support/fixtures.js'
import { hasOpenssl, makePrivateCa, type PrivateCa } from './support/private-ca.js'
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.js'

/** Resolvable only by the proxy: a run against it succeeds only if every API request is proxied. */
const PROXY_ONLY_HOST = 'forge.proxy.test'

const FILES = {
  'dist/app-linux-amd64.tar.gz': BUILD_FILES['dist/app-linux-amd64.tar.gz'] ?? '',
  'dist/app-windows-amd64.zip': BUILD_FILES['dist/app-windows-amd64.zip'] ?? '',
}
const NAMES = [
  'SHA256SUMS',
  'app-linux-amd64.tar.gz',
  'app-windows-amd64.zip',
  'provenance.intoto.json',
  'release-evidence.intoto.json',
]

let scenario: ForgeScenario | undefined
let proxy: RecordingProxy | undefined
afterEach(async () => {
  await scenario?.close()
  await proxy?.close()
  scenario = undefined
  proxy = undefined
})

function viaAlias(url: string): string {
  return url.replace('//127.0.0.1:', `//${PROXY_ONLY_HOST}:`)
}

describe.each(FORGES)('%s behind a forward proxy', (forge: ForgeName) => {
  it.each([
    ['HTTP_PROXY', 'HTTP_PROXY'],
    ['http_proxy', 'http_proxy'],
  ])('sends every request of a whole run through %s as absolute-URI requests', async (_, name) => {
    const s = (scenario = await startForgeScenario(forge))
    const p = (proxy = await startRecordingProxy([PROXY_ONLY_HOST]))
    const workspace = await makeWorkspace(FILES)
    const tag = tagFor(forge)
    const result = await runInProcess(
      s.env({
        INPUT_TAG_NAME: tag,
        INPUT_ASSETS: 'dist/*',
        INPUT_API_URL: viaAlias(s.apiUrl),
        [name]: p.url,
      }),
      workspace,
    )
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    // Each request the fake received came through the proxy, none around it.
    expect(p.seen.length).toBe(s.requests().length)
    expect(p.seen.every((r) => /^[A-Z]+ http:\/\//.test(r.line))).toBe(true)
    expect(p.seen.some((r) => r.line.includes(`//${PROXY_ONLY_HOST}:`))).toBe(true)
    await expectNoTokenLeak(s.token, result, workspace)
  })

  it('bypasses the proxy for hosts in NO_PROXY (either case)', async () => {
    const s = (scenario = await startForgeScenario(forge))
    const p = (proxy = await startRecordingProxy())
    for (const [variable, value, suffix] of [
      ['NO_PROXY', '127.0.0.1', 'upper'],
      // Not the same name in lower case: Forgejo/Gitea look tags up by their lower-case name.
      ['no_proxy', 'localhost,127.0.0.1', 'lower'],
    ] as const) {
      const workspace = await makeWorkspace(FILES)
      const result = await runInProcess(
        s.env({
          INPUT_TAG_NAME: tagFor(forge, `-no-proxy-${suffix}`),
          INPUT_ASSETS: 'dist/*',
          HTTPS_PROXY: p.url,
          HTTP_PROXY: p.url,
          [variable]: value,
        }),
        workspace,
      )
      expect(result.exitCode).toBe(0)
    }
    expect(p.seen).toEqual([])
    expect(s.requests().length).toBeGreaterThan(0)
  })
})

const describeTls = hasOpenssl() ? describe : describe.skip

describeTls('self-managed servers with a private CA', () => {
  let ca: PrivateCa
  beforeAll(async () => {
    ca = await makePrivateCa([PROXY_ONLY_HOST])
  })

  const startTls = async (forge: ForgeName): Promise<ForgeScenario> =>
    (scenario = await startForgeScenario(forge, {
      tls: { key: ca.key, cert: ca.cert },
      ca: await readFile(ca.caFile),
    }))

  describe.each(FORGES)('%s over HTTPS', (forge: ForgeName) => {
    it('publishes when ca_file names the CA', async () => {
      const s = await startTls(forge)
      const workspace = await makeWorkspace(FILES)
      const tag = tagFor(forge)
      const result = await runInProcess(
        s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_CA_FILE: ca.caFile }),
        workspace,
      )
      expect(result.output).not.toMatch(/^ERROR/m)
      expect(result.exitCode).toBe(0)
      await expectPublishedOverTls(s, tag)
    })

    it('publishes under GitLab CI with CI_SERVER_TLS_CA_FILE', async () => {
      const s = await startTls(forge)
      const workspace = await makeWorkspace(FILES)
      const tag = tagFor(forge)
      const env: Env = {
        ...s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
        GITLAB_CI: 'true',
        CI: 'true',
        CI_PROJECT_DIR: workspace,
        CI_SERVER_TLS_CA_FILE: ca.caFile,
      }
      const result = await runInProcess(
        forge === 'gitlab' ? gitLabJob(s, workspace, tag, ca.caFile) : env,
        workspace,
      )
      expect(result.output).not.toMatch(/^ERROR/m)
      expect(result.exitCode).toBe(0)
      await expectPublishedOverTls(s, tag)
    })

    it('fails without the CA with a certificate error that names ca_file, before any write', async () => {
      const s = await startTls(forge)
      const workspace = await makeWorkspace(FILES)
      const result = await runInProcess(
        s.env({ INPUT_TAG_NAME: tagFor(forge), INPUT_ASSETS: 'dist/*', INPUT_RETRIES: '1' }),
        workspace,
      )
      expect(result.exitCode).toBe(1)
      const error = result.output.split('\n').filter((l) => l.startsWith('ERROR:'))
      expect(error).toHaveLength(1)
      expect(error[0]).toMatch(/certificate/i)
      expect(error[0]).toMatch(/ca_file/)
      // The TLS handshake failed, so the server never saw a request.
      expect(s.requests()).toEqual([])
      await expectNoTokenLeak(s.token, result, workspace)
    })

    it('trusts NODE_EXTRA_CA_CERTS in the bundle', async () => {
      const s = await startTls(forge)
      const workspace = await makeWorkspace(FILES)
      const tag = tagFor(forge)
      const result = await runBundle(
        {
          ...s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
          NODE_EXTRA_CA_CERTS: ca.caFile,
        },
        workspace,
      )
      // The CLI runtime logs to stderr; the run's one error line would start with ERROR.
      expect(result.output).not.toMatch(/^ERROR/m)
      expect(result.exitCode).toBe(0)
      await expectPublishedOverTls(s, tag)
      await expectNoTokenLeak(s.token, result, workspace)
    })

    // The bundle too: it loads undici's parts one by one, and undici's proxy agent opens its
    // tunnel with a dispatcher method that undici's index would otherwise have installed.
    it.each([
      ['in process', runInProcess],
      ['the bundle', runBundle],
    ] as const)('tunnels every request through HTTPS_PROXY with CONNECT (%s)', async (_, run) => {
      const s = await startTls(forge)
      const p = (proxy = await startRecordingProxy([PROXY_ONLY_HOST]))
      const workspace = await makeWorkspace(FILES)
      const result = await run(
        s.env({
          INPUT_TAG_NAME: tagFor(forge),
          INPUT_ASSETS: 'dist/*',
          INPUT_API_URL: viaAlias(s.apiUrl),
          INPUT_CA_FILE: ca.caFile,
          https_proxy: p.url,
        }),
        workspace,
      )
      expect(result.output).not.toMatch(/^ERROR/m)
      expect(result.exitCode).toBe(0)
      expect(p.seen.length).toBeGreaterThan(0)
      expect(p.seen.every((r) => r.line.startsWith('CONNECT '))).toBe(true)
      expect(p.seen.some((r) => r.line.startsWith(`CONNECT ${PROXY_ONLY_HOST}:`))).toBe(true)
      // A tunnel carries the TLS stream: the proxy never sees the token.
      expect(JSON.stringify(p.seen)).not.toContain(s.token)
    })
  })
})

/** A GitLab CI job with the job token and predefined variables only. */
function gitLabJob(s: ForgeScenario, workspace: string, tag: string, caFile: string): Env {
  const api = new URL(s.apiUrl)
  return {
    GITLAB_CI: 'true',
    CI: 'true',
    CI_API_V4_URL: s.apiUrl,
    CI_SERVER_URL: api.origin,
    CI_PROJECT_ID: '42',
    CI_JOB_TOKEN: JOB_TOKEN,
    CI_COMMIT_TAG: tag,
    CI_COMMIT_SHA: 'main',
    CI_PROJECT_DIR: workspace,
    CI_SERVER_TLS_CA_FILE: caFile,
    INPUT_ASSETS: 'dist/*',
  }
}

async function expectPublishedOverTls(s: ForgeScenario, tag: string): Promise<void> {
  await expectPublished(s, tag, NAMES)
}
