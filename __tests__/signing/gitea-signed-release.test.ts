import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { FormData, fetch } from 'undici'

import { runCommandLine } from '../../src/cli/run-command-line.js'

import type { FakeSigstore } from '../support/fake-sigstore.js'
import {
  GITEA_TOKEN,
  REPOSITORY,
  startGiteaScenario,
  type GiteaScenario,
} from '../support/gitea-scenario.js'
import { expectNoTokenLeak, runInProcess, type Env } from '../support/run-tool.js'
import { failures, runVerify } from '../support/run-verify.js'
import { signedReleaseTests, startSigning } from '../support/signed-release.js'

// A release signed in a Forgejo Actions job and stored on Forgejo: the bundles are release
// attachments like every other file, and `forge-release verify` reads them back from there.
// The public Fulcio certifies no Forgejo server's tokens, so the job signs with a Sigstore
// instance that trusts its server (fulcio_url, rekor_url, trusted_root), as a self-hosted
// Forgejo would.
let scenario: GiteaScenario
let sigstore: FakeSigstore
let workspace: string
let trustedRoot: string

beforeEach(async () => {
  scenario = await startGiteaScenario({ flavour: 'forgejo' })
  ;({ sigstore, workspace, trustedRoot } = await startSigning())
})
afterEach(async () => {
  expect(scenario.gitea.errors).toEqual([])
  await sigstore.close()
  await scenario.close()
})

const WORKFLOW = '.forgejo/workflows/release.yml'
/** The issuer this fake Forgejo's Actions tokens name; the fake Fulcio is configured for it. */
const issuer = (): string => `${scenario.gitea.webUrl}/api/actions`
const signer = (repository = REPOSITORY): string =>
  `${scenario.gitea.webUrl}/${repository}/${WORKFLOW}@refs/tags/v1.0.0`

/** A Forgejo Actions job on the tag push, allowed to request an OIDC token. */
function jobEnv(extra: Env = {}, repository = REPOSITORY): Env {
  return scenario.actionsEnv('v1.0.0', {
    INPUT_ASSETS: 'dist/*',
    INPUT_FULCIO_URL: sigstore.fulcioUrl,
    INPUT_REKOR_URL: sigstore.rekorUrl,
    INPUT_TRUSTED_ROOT: trustedRoot,
    ...sigstore.githubActionsEnv({
      serverUrl: scenario.gitea.webUrl,
      repository,
      workflow: WORKFLOW,
      sha: scenario.mainSha,
      issuer: issuer(),
    }),
    ...extra,
  })
}

async function publishSigned(extra: Env = {}): Promise<Awaited<ReturnType<typeof runInProcess>>> {
  const result = await runInProcess(jobEnv({ INPUT_SIGN: 'true', ...extra }), workspace)
  expect(result.output).not.toContain('ERROR')
  expect(result.exitCode).toBe(0)
  return result
}

const releasePage = (): string => `${scenario.gitea.webUrl}/${REPOSITORY}/releases/tag/v1.0.0`
/** Forgejo's release pages look like GitHub's: `--platform forgejo` says whose it is. */
const verify = (...args: string[]): ReturnType<typeof runVerify> =>
  runVerify(
    [
      releasePage(),
      '--platform',
      'forgejo',
      '--trusted_root',
      trustedRoot,
      '--certificate_identity_regexp',
      `^${scenario.gitea.webUrl}/${REPOSITORY}/`,
      '--certificate_oidc_issuer',
      issuer(),
      ...args,
    ],
    { FORGEJO_TOKEN: GITEA_TOKEN },
    workspace,
  )

const api = (): string => `${scenario.gitea.apiUrl}/repos/${REPOSITORY}`
const auth = (): Record<string, string> => ({ authorization: `token ${GITEA_TOKEN}` })

async function releaseId(): Promise<number> {
  const response = await fetch(`${api()}/releases/tags/v1.0.0`, { headers: auth() })
  return ((await response.json()) as { id: number }).id
}

/** The file as people download it: by tag and name. */
async function downloaded(name: string): Promise<Buffer> {
  const url = `${scenario.gitea.webUrl}/${REPOSITORY}/releases/download/v1.0.0/${encodeURIComponent(name)}`
  const response = await fetch(url, { headers: auth() })
  expect(response.status).toBe(200)
  return Buffer.from(await response.arrayBuffer())
}

/** The attachment of that name on the release, through the API: its id, and the release's. */
async function attachment(name: string): Promise<{ releaseId: number; id: number }> {
  const id = await releaseId()
  const listed = await fetch(`${api()}/releases/${id}/assets`, { headers: auth() })
  const found = ((await listed.json()) as { id: number; name: string }[]).find(
    (a) => a.name === name,
  )
  if (found === undefined) throw new Error(`no attachment ${name}`)
  return { releaseId: id, id: found.id }
}

async function deleteAttachment(name: string): Promise<number> {
  const found = await attachment(name)
  const deleted = await fetch(`${api()}/releases/${found.releaseId}/assets/${found.id}`, {
    method: 'DELETE',
    headers: auth(),
  })
  expect(deleted.status).toBe(204)
  return found.releaseId
}

/** What an attacker with write access does: delete an attachment, upload another of its name. */
async function replaceAttachment(name: string, content: string): Promise<void> {
  const release = await deleteAttachment(name)
  const form = new FormData()
  form.append('attachment', new Blob([content]), name)
  const uploaded = await fetch(
    `${api()}/releases/${release}/assets?name=${encodeURIComponent(name)}`,
    { method: 'POST', headers: auth(), body: form },
  )
  expect(uploaded.status).toBe(201)
}

const attachmentNames = (): string[] =>
  (scenario.gitea.state.releasesOf(REPOSITORY)[0]?.attachments ?? []).map((a) => a.name).sort()

describe('a release signed in Forgejo Actions', () => {
  it('uploads a Sigstore bundle per statement as a release attachment, names the signer, and verifies', async () => {
    const result = await publishSigned()
    expect(attachmentNames()).toEqual([
      'SHA256SUMS',
      'app-linux.tar.gz',
      'app-win.zip',
      'provenance.intoto.json',
      'provenance.intoto.json.sigstore.json',
      'release-evidence.intoto.json',
      'release-evidence.intoto.json.sigstore.json',
    ])
    const [release] = scenario.gitea.state.releasesOf(REPOSITORY)
    expect(release?.isDraft).toBe(false)
    const download = `${scenario.gitea.webUrl}/${REPOSITORY}/releases/download/v1.0.0`
    expect(result.outputs).toMatchObject({
      certificate_identity: signer(),
      certificate_oidc_issuer: issuer(),
      evidence_bundle_url: `${download}/release-evidence.intoto.json.sigstore.json`,
      provenance_bundle_url: `${download}/provenance.intoto.json.sigstore.json`,
    })
    expect(result.output).toContain(`release-evidence.intoto.json signed by ${signer()}`)
    // The token is asked of the server's Actions with audience sigstore, once per signature;
    // then one certificate and one log entry per statement.
    expect(
      sigstore.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`),
    ).toEqual([
      'GET /github-oidc/idtoken 200',
      'POST /fulcio/api/v2/signingCert 201',
      'POST /rekor/api/v1/log/entries 201',
      'GET /github-oidc/idtoken 200',
      'POST /fulcio/api/v2/signingCert 201',
      'POST /rekor/api/v1/log/entries 201',
    ])
    expect(sigstore.requests[0]?.path).toContain('audience=sigstore')
    // The forge token goes to Forgejo only.
    await expectNoTokenLeak(GITEA_TOKEN, result, workspace)

    const verified = await verify()
    expect(verified.stderr).not.toContain('ERROR')
    expect(failures(verified)).toEqual([])
    expect(verified.stdout).toContain(`Signed by: ${signer()} (issuer ${issuer()})`)
    expect(verified.stdout).toMatch(
      /^OK {4}app-linux\.tar\.gz +sha256 [0-9a-f]{64} matches SHA256SUMS and the signed statements$/m,
    )
    expect(verified.code).toBe(0)
  })

  signedReleaseTests(() => ({
    publishSigned: () => publishSigned(),
    verify: () => verify(),
    downloaded,
    replace: replaceAttachment,
    remove: async (name) => void (await deleteAttachment(name)),
  }))

  it('writes provenance of its own build type, naming the Forgejo run, not GitHub’s', async () => {
    await publishSigned()
    const provenance = JSON.parse(
      await readFile(path.join(workspace, '.forge-release/provenance.intoto.json'), 'utf8'),
    ) as { predicate: unknown }
    const repository = `${scenario.gitea.webUrl}/${REPOSITORY}`
    expect(provenance.predicate).toEqual({
      buildDefinition: {
        buildType:
          'https://github.com/forge-release/forge-release/blob/main/docs/provenance-v1.md#forgejo-and-gitea-actions',
        externalParameters: { workflow: { ref: 'refs/tags/v1.0.0', repository } },
        internalParameters: { gitea: { event_name: 'push', job: 'release' } },
        resolvedDependencies: [
          { uri: `git+${repository}@refs/tags/v1.0.0`, digest: { gitCommit: scenario.mainSha } },
        ],
      },
      runDetails: {
        builder: { id: `${scenario.gitea.webUrl}/actions` },
        metadata: { invocationId: `${repository}/actions/runs/17` },
      },
    })
  })

  it('signs nothing and writes nothing when the job is run again', async () => {
    await publishSigned()
    const bundle = await downloaded('release-evidence.intoto.json.sigstore.json')
    const signatures = sigstore.requests.length
    const writes = scenario.gitea.requests.writeRequests().length
    const again = await publishSigned()
    expect(scenario.gitea.requests.writeRequests()).toHaveLength(writes)
    expect(sigstore.requests).toHaveLength(signatures)
    expect(again.output).toMatch(/Nothing was published by this run/)
    expect(await downloaded('release-evidence.intoto.json.sigstore.json')).toEqual(bundle)
    expect(again.outputs.certificate_identity).toBe(signer())
  })

  it('fails verify when the bundle was made by another identity', async () => {
    // A workflow of another repository on the same server signs: its certificate is genuine.
    await runInProcess(jobEnv({ INPUT_SIGN: 'true' }, 'mallory/app'), workspace).then((r) =>
      expect(r.exitCode).toBe(0),
    )
    const verified = await verify()
    expect(verified.code).toBe(1)
    expect(failures(verified)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^release-evidence\\.intoto\\.json\\.sigstore\\.json: not signed by the expected identity: signed by ${signer('mallory/app').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which does not match`,
          ),
        ),
        expect.stringMatching(/^app-linux\.tar\.gz: .*no verified signature vouches for it/),
      ]),
    )
  })

  it('says which signer to name: Forgejo/Gitea has no default one', async () => {
    await publishSigned()
    const verified = await runVerify(
      [releasePage(), '--platform', 'forgejo', '--trusted_root', trustedRoot],
      { FORGEJO_TOKEN: GITEA_TOKEN },
      workspace,
    )
    expect(verified.code).toBe(1)
    expect(verified.stdout).toContain(
      'Expected signer: Forgejo/Gitea has no signer identity of a fixed form, so there is no default signer: give --certificate_identity or --certificate_identity_regexp, and --certificate_oidc_issuer',
    )
    expect(failures(verified)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^release-evidence\.intoto\.json\.sigstore\.json: signed by .*, but Forgejo\/Gitea has no signer identity of a fixed form/,
        ),
      ]),
    )
  })

  it('verifies the same release from --api_url, --project and --tag_name, and files given', async () => {
    await publishSigned()
    const local = path.join(workspace, 'app-win.zip')
    await (await import('node:fs/promises')).writeFile(local, await downloaded('app-win.zip'))
    const verified = await runVerify(
      [
        '--api_url',
        scenario.gitea.apiUrl,
        '--project',
        REPOSITORY,
        '--tag_name',
        'v1.0.0',
        '--trusted_root',
        trustedRoot,
        '--certificate_identity',
        signer(),
        '--certificate_oidc_issuer',
        issuer(),
        '--json',
        local,
      ],
      { GITEA_TOKEN },
      workspace,
    )
    const report = JSON.parse(verified.stdout) as {
      ok: boolean
      signer: { identity: string; issuer: string }
      checks: { name: string; ok: boolean }[]
    }
    expect(report.ok).toBe(true)
    expect(report.signer).toEqual({ identity: signer(), issuer: issuer() })
    expect(report.checks.map((c) => c.name)).toEqual([
      'release-evidence.intoto.json.sigstore.json',
      'release-evidence.intoto.json',
      'provenance.intoto.json.sigstore.json',
      'provenance.intoto.json',
      'SHA256SUMS',
      'app-win.zip',
    ])
    expect(verified.code).toBe(0)
  })

  it('lists the token, Sigstore and bundle requests in a dry run, and sends none', async () => {
    const result = await runInProcess(
      jobEnv({ INPUT_SIGN: 'true', INPUT_DRY_RUN: 'true' }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    expect(result.output).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/github-oidc\/idtoken\?api-version=2\.0&audience=sigstore \(an identity token from Forgejo\/Gitea Actions\)/,
    )
    expect(result.output).toContain(
      `POST ${sigstore.rekorUrl}/api/v1/log/entries (the signature of provenance.intoto.json)`,
    )
    expect(result.output).toMatch(
      /POST .*\/releases\/<new draft>\/assets\?name=provenance\.intoto\.json\.sigstore\.json \(when changed\)/,
    )
    expect(sigstore.requests).toEqual([])
    expect(scenario.gitea.requests.writeRequests()).toEqual([])
  })

  it('gives the signing steps as data in a dry run with --json', async () => {
    let stdout = ''
    let stderr = ''
    const code = await runCommandLine({
      argv: ['--sign', '--dry_run', '--json'],
      env: { ...jobEnv(), GITHUB_WORKSPACE: workspace },
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      interactive: false,
      columns: () => 200,
      cwd: workspace,
    })
    expect(stderr).not.toContain('ERROR')
    expect(code).toBe(0)
    const json = JSON.parse(stdout) as {
      steps: { kind: string; name?: string; statement?: string }[]
    }
    expect(json.steps.filter((s) => s.kind === 'sign-evidence')).toEqual([
      {
        kind: 'sign-evidence',
        recovery: 'give-way',
        name: 'release-evidence.intoto.json.sigstore.json',
        statement: 'release-evidence.intoto.json',
      },
      {
        kind: 'sign-evidence',
        recovery: 'give-way',
        name: 'provenance.intoto.json.sigstore.json',
        statement: 'provenance.intoto.json',
      },
    ])
    // Forgejo keeps no attestations: nothing is recorded there.
    expect(json.steps.map((s) => s.kind)).not.toContain('record-attestation')
    expect(sigstore.requests).toEqual([])
    expect(scenario.gitea.requests.writeRequests()).toEqual([])
  })
})

describe('signing in Forgejo Actions under sign: auto', () => {
  it('publishes unsigned with the public Sigstore, with one notice, and asks nothing of it', async () => {
    const env = jobEnv({
      INPUT_FULCIO_URL: undefined,
      INPUT_REKOR_URL: undefined,
      INPUT_TRUSTED_ROOT: undefined,
    })
    const result = await runInProcess(env, workspace)
    expect(result.exitCode).toBe(0)
    expect(result.output.split('\n').filter((l) => l.includes('Not signing'))).toEqual([
      expect.stringMatching(
        /^Not signing the evidence: the public Sigstore instance does not certify a Forgejo or Gitea server's Actions tokens/,
      ),
    ])
    expect(sigstore.requests).toEqual([])
    expect(attachmentNames().filter((name) => name.endsWith('.sigstore.json'))).toEqual([])
    expect(result.outputs).toMatchObject({ certificate_identity: '', evidence_bundle_url: '' })
  })

  it('signs with a Sigstore instance that trusts the server', async () => {
    const result = await runInProcess(jobEnv(), workspace)
    expect(result.exitCode).toBe(0)
    expect(result.outputs.certificate_identity).toBe(signer())
    expect((await verify()).code).toBe(0)
  })
})
