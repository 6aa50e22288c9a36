import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { fetch } from 'undici'

import { startFakeSigstore, type FakeSigstore } from '../support/fake-sigstore.js'
import {
  PRIVATE_TOKEN,
  PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from '../support/gitlab-scenario.js'
import { expectNoTokenLeak, makeWorkspace, runInProcess, type Env } from '../support/run-tool.js'
import { failures, runVerify } from '../support/run-verify.js'
import { signedReleaseTests, startSigning } from '../support/signed-release.js'

// A release signed from a GitLab CI job (its `id_tokens:` token), then checked by someone who
// downloads it: every way a release can be tampered with must fail `forge-release verify`.
let scenario: GitLabScenario
let sigstore: FakeSigstore
let workspace: string
let trustedRoot: string

beforeEach(async () => {
  scenario = await startGitLabScenario()
  ;({ sigstore, workspace, trustedRoot } = await startSigning())
})
afterEach(async () => {
  await sigstore.close()
  await scenario.close()
})

const identityToken = (projectPath = PROJECT): string =>
  sigstore.gitlabToken({ serverUrl: scenario.gitlab.url, projectPath })

/** As a GitLab CI job of the project sees it, with the id_tokens variable of the template. */
function jobEnv(extra: Env = {}): Env {
  return scenario.env({
    GITLAB_CI: 'true',
    CI_SERVER_URL: scenario.gitlab.url,
    CI_PROJECT_URL: `${scenario.gitlab.url}/${PROJECT}`,
    CI_PROJECT_PATH: PROJECT,
    CI_COMMIT_TAG: 'v1.0.0',
    CI_COMMIT_SHA: scenario.mainSha,
    CI_JOB_URL: `${scenario.gitlab.url}/${PROJECT}/-/jobs/99`,
    CI_JOB_NAME: 'release',
    CI_PIPELINE_SOURCE: 'push',
    INPUT_REF: 'main',
    INPUT_ASSETS: 'dist/*',
    INPUT_FULCIO_URL: sigstore.fulcioUrl,
    INPUT_REKOR_URL: sigstore.rekorUrl,
    INPUT_TRUSTED_ROOT: trustedRoot,
    SIGSTORE_ID_TOKEN: identityToken(),
    ...extra,
  })
}

const releaseUrl = (tag = 'v1.0.0'): string => `${scenario.gitlab.url}/${PROJECT}/-/releases/${tag}`
const verify = (...args: string[]): ReturnType<typeof runVerify> =>
  runVerify(
    [releaseUrl(), '--trusted_root', trustedRoot, ...args],
    { GITLAB_TOKEN: PRIVATE_TOKEN },
    workspace,
  )

/** What an attacker with upload rights does: store another file under a release file's name. */
async function replaceStoredFile(name: string, content: string | Buffer): Promise<void> {
  const url = `${scenario.gitlab.apiUrl}/projects/${encodeURIComponent(PROJECT)}/packages/generic/release-assets/v1.0.0/${name}`
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'private-token': PRIVATE_TOKEN },
    body: content,
  })
  expect(response.status).toBeLessThan(300)
}

async function downloaded(name: string): Promise<Buffer> {
  const url = `${scenario.gitlab.apiUrl}/projects/${encodeURIComponent(PROJECT)}/packages/generic/release-assets/v1.0.0/${name}`
  const response = await fetch(url, { headers: { 'private-token': PRIVATE_TOKEN } })
  return Buffer.from(await response.arrayBuffer())
}

async function publishSigned(extra: Env = {}): Promise<Awaited<ReturnType<typeof runInProcess>>> {
  const result = await runInProcess(jobEnv({ INPUT_SIGN: 'true', ...extra }), workspace)
  expect(result.output).not.toContain('ERROR')
  expect(result.exitCode).toBe(0)
  return result
}

describe('a release signed from GitLab CI', () => {
  it('uploads a Sigstore bundle per statement, names the signer in the outputs, and verifies', async () => {
    const result = await publishSigned()
    const links = (scenario.gitlab.state.release(PROJECT, 'v1.0.0')?.links ?? []).map((l) => l.name)
    expect(links.sort()).toEqual([
      'SHA256SUMS',
      'app-linux.tar.gz',
      'app-win.zip',
      'provenance.intoto.json',
      'provenance.intoto.json.sigstore.json',
      'release-evidence.intoto.json',
      'release-evidence.intoto.json.sigstore.json',
    ])
    const signer = `${scenario.gitlab.url}/${PROJECT}//.gitlab-ci.yml@refs/tags/v1.0.0`
    expect(result.outputs).toMatchObject({
      certificate_identity: signer,
      certificate_oidc_issuer: scenario.gitlab.url,
      evidence_bundle_url: expect.stringMatching(
        /\/release-evidence\.intoto\.json\.sigstore\.json$/,
      ),
      provenance_bundle_url: expect.stringMatching(/\/provenance\.intoto\.json\.sigstore\.json$/),
      provenance_file: path.join(workspace, '.forge-release/provenance.intoto.json'),
    })
    expect(result.output).toContain(`release-evidence.intoto.json signed by ${signer}`)
    // One certificate and one log entry per statement.
    expect(sigstore.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /fulcio/api/v2/signingCert 201',
      'POST /rekor/api/v1/log/entries 201',
      'POST /fulcio/api/v2/signingCert 201',
      'POST /rekor/api/v1/log/entries 201',
    ])
    await expectNoTokenLeak(identityToken(), result, workspace)

    const verified = await verify()
    expect(verified.stderr).not.toContain('ERROR')
    expect(failures(verified)).toEqual([])
    expect(verified.stdout).toContain(`Signed by: ${signer} (issuer ${scenario.gitlab.url})`)
    expect(verified.stdout).toMatch(
      /^OK {4}app-linux\.tar\.gz +sha256 [0-9a-f]{64} matches SHA256SUMS and the signed statements$/m,
    )
    expect(verified.stdout).toMatch(/^Verified: every file/m)
    expect(verified.code).toBe(0)
  })

  signedReleaseTests(() => ({
    publishSigned: () => publishSigned(),
    verify: () => verify(),
    downloaded,
    replace: replaceStoredFile,
    remove: (name) => {
      const pkg = scenario.gitlab
        .project(PROJECT)
        .packages.find((p) => p.name === 'release-assets' && p.version === 'v1.0.0')
      pkg?.files.splice(
        pkg.files.findIndex((f) => f.fileName === name),
        1,
      )
      return Promise.resolve()
    },
  }))

  it('signs nothing and writes nothing when the job is run again', async () => {
    await publishSigned()
    const bundle = await downloaded('release-evidence.intoto.json.sigstore.json')
    const signatures = sigstore.requests.length
    scenario.gitlab.requests.clear()
    const again = await publishSigned()
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
    expect(sigstore.requests).toHaveLength(signatures)
    expect(again.output).toMatch(/Nothing was published by this run/)
    expect(await downloaded('release-evidence.intoto.json.sigstore.json')).toEqual(bundle)
    expect(again.outputs.certificate_identity).toBe(
      `${scenario.gitlab.url}/${PROJECT}//.gitlab-ci.yml@refs/tags/v1.0.0`,
    )
  })

  it('signs the statements again when a later job adds a file, and the release still verifies', async () => {
    await publishSigned()
    const before = await downloaded('release-evidence.intoto.json.sigstore.json')
    await writeFile(path.join(workspace, 'dist/app-mac.zip'), 'mac build\n'.repeat(100))
    await publishSigned()
    expect(await downloaded('release-evidence.intoto.json.sigstore.json')).not.toEqual(before)
    const verified = await verify()
    expect(failures(verified)).toEqual([])
    expect(verified.stdout).toContain('OK    app-mac.zip')
    expect(verified.code).toBe(0)
  })

  it('ends a signing build matrix with bundles of the statements that list every job’s file', async () => {
    const jobs = [0, 1, 2, 3]
    const dirs = await Promise.all(
      jobs.map((i) => makeWorkspace({ [`dist/app-${i}.bin`]: `build ${i}\n`.repeat(300 + i) })),
    )
    const results = await Promise.all(
      jobs.map((i) =>
        runInProcess(jobEnv({ INPUT_SIGN: 'true', CI_JOB_NAME: `release: [${i}]` }), dirs[i] ?? ''),
      ),
    )
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0])
    const verified = await verify()
    expect(failures(verified)).toEqual([])
    for (const i of jobs) expect(verified.stdout).toContain(`OK    app-${i}.bin`)
    expect(verified.code).toBe(0)
  })

  it('fails verify when the bundle was made by another identity', async () => {
    // Someone signs with their own project's pipeline identity: the certificate is genuine.
    await publishSigned({ SIGSTORE_ID_TOKEN: identityToken('mallory/app') })
    const verified = await verify()
    expect(verified.code).toBe(1)
    const expected = `an identity matching ^${scenario.gitlab.url.replace(/\./g, '\\.')}/${PROJECT}// (issuer ${scenario.gitlab.url})`
    expect(failures(verified)).toEqual(
      expect.arrayContaining([
        `release-evidence.intoto.json.sigstore.json: not signed by the expected identity: signed by ${scenario.gitlab.url}/mallory/app//.gitlab-ci.yml@refs/tags/v1.0.0, which does not match ${expected}`,
        expect.stringMatching(/^app-linux\.tar\.gz: .*no verified signature vouches for it/),
      ]),
    )
    // Told whom to expect, the same release verifies.
    const told = await verify(
      '--certificate_identity',
      `${scenario.gitlab.url}/mallory/app//.gitlab-ci.yml@refs/tags/v1.0.0`,
    )
    expect(failures(told)).toEqual([])
    expect(told.code).toBe(0)
  })

  it('accepts the links the signed evidence lists, and fails a link added afterwards', async () => {
    await publishSigned({
      INPUT_ASSET_LINKS: '- {name: Docs, url: "https://docs.example.com/app"}',
    })
    const fine = await verify()
    expect(fine.stdout).toMatch(
      /^OK {4}Docs +a link to https:\/\/docs\.example\.com\/app, as the signed evidence lists it$/m,
    )
    expect(fine.code).toBe(0)

    const response = await fetch(
      `${scenario.gitlab.apiUrl}/projects/${encodeURIComponent(PROJECT)}/releases/v1.0.0/assets/links`,
      {
        method: 'POST',
        headers: { 'private-token': PRIVATE_TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'app-mac.zip',
          url: 'https://downloads.example.net/app-mac.zip',
        }),
      },
    )
    expect(response.status).toBe(201)
    const added = await verify()
    expect(added.code).toBe(1)
    expect(failures(added)).toEqual([
      'app-mac.zip: a link to https://downloads.example.net/app-mac.zip that the signed evidence does not list',
    ])
  })

  it('fails verify against the trusted root of another Sigstore deployment', async () => {
    await publishSigned()
    const other = await startFakeSigstore()
    try {
      const otherRoot = await other.writeTrustedRoot(await makeWorkspace())
      const verified = await runVerify(
        [releaseUrl(), '--trusted_root', otherRoot],
        { GITLAB_TOKEN: PRIVATE_TOKEN },
        workspace,
      )
      expect(verified.code).toBe(1)
      expect(failures(verified)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^release-evidence\.intoto\.json\.sigstore\.json: the signature does not verify: /,
          ),
        ]),
      )
    } finally {
      await other.close()
    }
  })

  it('checks downloaded files given as arguments, and says which one differs', async () => {
    await publishSigned()
    const good = path.join(workspace, 'app-linux.tar.gz')
    await writeFile(good, await downloaded('app-linux.tar.gz'))
    const fine = await verify(good)
    expect(failures(fine)).toEqual([])
    expect(fine.stdout).not.toContain('app-win.zip')
    expect(fine.code).toBe(0)

    const bad = path.join(workspace, 'other', 'app-win.zip')
    await (await import('node:fs/promises')).mkdir(path.dirname(bad))
    await writeFile(bad, 'not what was released')
    const differs = await verify(good, bad)
    expect(differs.code).toBe(1)
    expect(failures(differs)).toEqual([expect.stringMatching(/^app-win\.zip: sha256 /)])
  })

  it('verifies the same release from --api_url, --project and --tag_name', async () => {
    await publishSigned()
    const verified = await runVerify(
      [
        '--platform',
        'gitlab',
        '--api_url',
        scenario.gitlab.apiUrl,
        '--project',
        PROJECT,
        '--tag_name',
        'v1.0.0',
        '--trusted_root',
        trustedRoot,
        '--json',
      ],
      { FORGE_RELEASE_TOKEN: PRIVATE_TOKEN },
      workspace,
    )
    const report = JSON.parse(verified.stdout) as {
      ok: boolean
      signer: { identity: string }
      checks: { name: string; ok: boolean }[]
    }
    expect(report.ok).toBe(true)
    expect(report.signer.identity).toBe(
      `${scenario.gitlab.url}/${PROJECT}//.gitlab-ci.yml@refs/tags/v1.0.0`,
    )
    expect(report.checks.map((c) => c.name)).toEqual([
      'release-evidence.intoto.json.sigstore.json',
      'release-evidence.intoto.json',
      'provenance.intoto.json.sigstore.json',
      'provenance.intoto.json',
      'SHA256SUMS',
      'app-linux.tar.gz',
      'app-win.zip',
    ])
    expect(verified.code).toBe(0)
  })
})

describe('signing from GitLab CI', () => {
  it('publishes unsigned under sign: auto without an identity, with one notice', async () => {
    const result = await runInProcess(jobEnv({ SIGSTORE_ID_TOKEN: undefined }), workspace)
    expect(result.exitCode).toBe(0)
    const notices = result.output.split('\n').filter((line) => line.includes('Not signing'))
    expect(notices).toEqual([
      'Not signing the evidence: this run has no OIDC identity. Declare `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore` in the job (the template and the component do). Set sign: false to publish unsigned without this notice.',
    ])
    expect(sigstore.requests).toEqual([])
    const links = (scenario.gitlab.state.release(PROJECT, 'v1.0.0')?.links ?? []).map((l) => l.name)
    expect(links.filter((name) => name.endsWith('.sigstore.json'))).toEqual([])
    expect(result.outputs).toMatchObject({ certificate_identity: '', evidence_bundle_url: '' })

    const verified = await verify()
    expect(verified.code).toBe(1)
    expect(verified.stdout).toMatch(/the release is not signed/)
  })

  it('fails before any request under sign: true without an identity', async () => {
    const result = await runInProcess(
      jobEnv({ INPUT_SIGN: 'true', SIGSTORE_ID_TOKEN: undefined }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toContain(
      "Input 'sign': is true, but this run has no OIDC identity to sign with.",
    )
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
    expect(scenario.gitlab.requests.all()).toEqual([])
    expect(sigstore.requests).toEqual([])
  })

  it('fails before any request with an expired identity token', async () => {
    const expired = sigstore.gitlabToken(
      { serverUrl: scenario.gitlab.url, projectPath: PROJECT },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    )
    const result = await runInProcess(jobEnv({ SIGSTORE_ID_TOKEN: expired }), workspace)
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/The identity token \(SIGSTORE_ID_TOKEN\) expired at/)
    expect(scenario.gitlab.requests.all()).toEqual([])
    expect(result.output).not.toContain(expired)
  })

  it('leaves a release that a re-run signs when Fulcio refuses the token', async () => {
    sigstore.failNext('/fulcio/', 401)
    const failed = await runInProcess(jobEnv({ INPUT_SIGN: 'true' }), workspace)
    expect(failed.exitCode).toBe(1)
    expect(failed.output).toMatch(/Fulcio refused to certify the signing key: .*HTTP 401/)
    const again = await publishSigned()
    expect(again.outputs.certificate_identity).not.toBe('')
    expect((await verify()).code).toBe(0)
  })

  it('retries Rekor when it answers 503', async () => {
    sigstore.failNext('/rekor/', 503)
    await publishSigned()
    expect(
      sigstore.requests.filter((r) => r.path.startsWith('/rekor/')).map((r) => r.status),
    ).toEqual([503, 201, 201])
    expect((await verify()).code).toBe(0)
  })

  it('uploads no bundle that does not verify against trusted_root', async () => {
    const other = await startFakeSigstore()
    try {
      const otherRoot = await other.writeTrustedRoot(await makeWorkspace())
      const result = await runInProcess(
        jobEnv({ INPUT_SIGN: 'true', INPUT_TRUSTED_ROOT: otherRoot }),
        workspace,
      )
      expect(result.exitCode).toBe(1)
      expect(result.output).toMatch(
        /Input 'trusted_root': The signature just made for release-evidence\.intoto\.json as .* does not verify against the trusted root: .*Nothing was uploaded for it\./,
      )
      const links = (scenario.gitlab.state.release(PROJECT, 'v1.0.0')?.links ?? []).map(
        (l) => l.name,
      )
      expect(links.filter((name) => name.endsWith('.sigstore.json'))).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('lists the Sigstore requests in a dry run, and sends none', async () => {
    const result = await runInProcess(jobEnv({ INPUT_DRY_RUN: 'true' }), workspace)
    expect(result.exitCode).toBe(0)
    expect(result.output).toContain(
      `POST ${sigstore.fulcioUrl}/api/v2/signingCert (a certificate for this run's identity)`,
    )
    expect(result.output).toContain(
      `POST ${sigstore.rekorUrl}/api/v1/log/entries (the signature of provenance.intoto.json)`,
    )
    expect(result.output).toMatch(/provenance\.intoto\.json\.sigstore\.json, when changed/)
    expect(sigstore.requests).toEqual([])
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
  })

  it('writes SLSA provenance naming the pipeline, the commit and the job', async () => {
    await publishSigned()
    const provenance = JSON.parse(
      await readFile(path.join(workspace, '.forge-release/provenance.intoto.json'), 'utf8'),
    ) as { subject: { name: string }[]; predicate: unknown }
    expect(provenance.subject.map((s) => s.name)).toEqual([
      'SHA256SUMS',
      'app-linux.tar.gz',
      'app-win.zip',
    ])
    const project = `${scenario.gitlab.url}/${PROJECT}`
    expect(provenance.predicate).toEqual({
      buildDefinition: {
        buildType:
          'https://github.com/forge-release/forge-release/blob/main/docs/provenance-v1.md#gitlab-ci',
        externalParameters: {
          pipeline: {
            source: project,
            config_path: '.gitlab-ci.yml',
            ref: 'refs/tags/v1.0.0',
            pipeline_source: 'push',
          },
        },
        internalParameters: { gitlab: { job_name: 'release' } },
        resolvedDependencies: [
          { uri: `git+${project}@refs/tags/v1.0.0`, digest: { gitCommit: scenario.mainSha } },
        ],
      },
      runDetails: {
        builder: { id: `${scenario.gitlab.url}/-/runners` },
        metadata: { invocationId: `${project}/-/jobs/99` },
      },
    })
  })
})
