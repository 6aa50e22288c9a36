import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { fetch } from 'undici'

import type { FakeSigstore } from '../support/fake-sigstore.js'
import {
  GITHUB_TOKEN,
  REPOSITORY,
  startGitHubScenario,
  type GitHubScenario,
} from '../support/github-scenario.js'
import { expectNoTokenLeak, runInProcess, type Env } from '../support/run-tool.js'
import { failures, runVerify } from '../support/run-verify.js'
import { SIGNED_BUILD, startSigning } from '../support/signed-release.js'

// A release signed in a GitHub Actions job with `id-token: write`: the token comes from the
// runner's OIDC endpoint, and the bundles also go to the repository's attestations, where
// `gh attestation verify` looks for them.
let scenario: GitHubScenario
let sigstore: FakeSigstore
let workspace: string
let trustedRoot: string

async function start(options: Parameters<typeof startGitHubScenario>[0] = {}): Promise<void> {
  scenario = await startGitHubScenario(options)
  ;({ sigstore, workspace, trustedRoot } = await startSigning())
}
afterEach(async () => {
  await sigstore.close()
  await scenario.close()
})

const workflow = (): string => `${REPOSITORY}/.github/workflows/release.yml@refs/tags/v1.0.0`

function actionsEnv(
  extra: Env = {},
  job: Partial<Parameters<FakeSigstore['githubActionsEnv']>[0]> = {},
): Env {
  return scenario.actionsEnv('v1.0.0', {
    GITHUB_WORKFLOW_REF: workflow(),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY_ID: '1',
    GITHUB_REPOSITORY_OWNER_ID: '2',
    RUNNER_ENVIRONMENT: 'github-hosted',
    INPUT_ASSETS: 'dist/*',
    INPUT_FULCIO_URL: sigstore.fulcioUrl,
    INPUT_REKOR_URL: sigstore.rekorUrl,
    INPUT_TRUSTED_ROOT: trustedRoot,
    ...sigstore.githubActionsEnv({
      serverUrl: scenario.github.webUrl,
      repository: REPOSITORY,
      sha: scenario.mainSha,
      ...job,
    }),
    ...extra,
  })
}

const verify = (...args: string[]): ReturnType<typeof runVerify> =>
  runVerify(
    [
      `${scenario.github.webUrl}/${REPOSITORY}/releases/tag/v1.0.0`,
      '--api_url',
      scenario.github.apiUrl,
      '--trusted_root',
      trustedRoot,
      ...args,
    ],
    { GITHUB_TOKEN },
    workspace,
  )

async function listAttestations(sha256: string): Promise<unknown[]> {
  const response = await fetch(
    `${scenario.github.apiUrl}/repos/${REPOSITORY}/attestations/sha256:${sha256}`,
    { headers: { authorization: `Bearer ${GITHUB_TOKEN}`, 'user-agent': 'test' } },
  )
  return ((await response.json()) as { attestations: unknown[] }).attestations
}

describe('a release signed in GitHub Actions', () => {
  it('signs with the job’s OIDC token, records both attestations, and verifies', async () => {
    await start()
    const result = await runInProcess(actionsEnv(), workspace)
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    const signer = `${scenario.github.webUrl}/${workflow()}`
    expect(result.outputs).toMatchObject({
      certificate_identity: signer,
      certificate_oidc_issuer: `${scenario.github.webUrl}/_services/token`,
    })
    // The token is asked for with audience sigstore, once per signature.
    expect(
      sigstore.requests.filter((r) => r.path.startsWith('/github-oidc/')).map((r) => r.path),
    ).toEqual([
      '/github-oidc/idtoken?api-version=2.0&audience=sigstore',
      '/github-oidc/idtoken?api-version=2.0&audience=sigstore',
    ])
    const repo = scenario.github.repo(REPOSITORY)
    expect(repo.attestations).toHaveLength(2)
    const linux = createHash('sha256').update(SIGNED_BUILD['dist/app-linux.tar.gz']).digest('hex')
    // What `gh attestation verify app-linux.tar.gz --repo octo/app` fetches: both statements.
    const found = (await listAttestations(linux)) as {
      bundle: { dsseEnvelope: { payload: string } }
    }[]
    const predicateTypes = found.map(
      (b) =>
        (
          JSON.parse(Buffer.from(b.bundle.dsseEnvelope.payload, 'base64').toString()) as {
            predicateType: string
          }
        ).predicateType,
    )
    expect(predicateTypes.sort()).toEqual([
      'https://github.com/forge-release/forge-release/blob/main/docs/evidence-v1.md',
      'https://slsa.dev/provenance/v1',
    ])
    expect(result.output).toMatch(/Recorded the attestation of provenance\.intoto\.json \(id \d+\)/)

    const verified = await verify()
    expect(failures(verified)).toEqual([])
    expect(verified.stdout).toContain(`Signed by: ${signer}`)
    expect(verified.code).toBe(0)
  })

  it('writes SLSA provenance in GitHub’s workflow build type', async () => {
    await start()
    expect((await runInProcess(actionsEnv(), workspace)).exitCode).toBe(0)
    const provenance = JSON.parse(
      await readFile(path.join(workspace, '.forge-release/provenance.intoto.json'), 'utf8'),
    ) as { predicate: unknown }
    const repository = `${scenario.github.webUrl}/${REPOSITORY}`
    expect(provenance.predicate).toEqual({
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: {
          workflow: { ref: 'refs/tags/v1.0.0', repository, path: '.github/workflows/release.yml' },
        },
        internalParameters: {
          github: {
            event_name: 'push',
            repository_id: '1',
            repository_owner_id: '2',
            runner_environment: 'github-hosted',
          },
        },
        resolvedDependencies: [
          { uri: `git+${repository}@refs/tags/v1.0.0`, digest: { gitCommit: scenario.mainSha } },
        ],
      },
      runDetails: {
        builder: { id: 'https://github.com/actions/runner/github-hosted' },
        metadata: { invocationId: `${repository}/actions/runs/4242/attempts/1` },
      },
    })
  })

  it('records nothing again and writes nothing when the job is re-run', async () => {
    await start()
    expect((await runInProcess(actionsEnv(), workspace)).exitCode).toBe(0)
    const writes = scenario.github.writeRequests().length
    const again = await runInProcess(actionsEnv({ GITHUB_RUN_ATTEMPT: '2' }), workspace)
    expect(again.exitCode).toBe(0)
    expect(scenario.github.writeRequests()).toHaveLength(writes)
    expect(scenario.github.repo(REPOSITORY).attestations).toHaveLength(2)
    expect(again.output).toContain(
      'The attestation of release-evidence.intoto.json is recorded already',
    )
  })

  it('warns, and keeps the signed bundles, when the job may not write attestations', async () => {
    await start({
      tokens: { [GITHUB_TOKEN]: { permission: 'write', attestations: false } },
    })
    const result = await runInProcess(actionsEnv(), workspace)
    expect(result.exitCode).toBe(0)
    expect(result.output).toMatch(
      /WARNING: GitHub did not take the attestation \(403 Resource not accessible by integration\)\. Give the job 'permissions: attestations: write'/,
    )
    expect(scenario.github.repo(REPOSITORY).attestations).toEqual([])
    expect((await verify()).code).toBe(0)
  })

  it('does not put a private repository on the public log under sign: auto', async () => {
    await start()
    const env = actionsEnv(
      { INPUT_FULCIO_URL: undefined, INPUT_REKOR_URL: undefined, INPUT_TRUSTED_ROOT: undefined },
      { visibility: 'private' },
    )
    const result = await runInProcess(env, workspace)
    expect(result.exitCode).toBe(0)
    expect(result.output).toContain(
      'Not signing: the repository is private, and a signature from the public Sigstore instance would publish its name and workflow in the public Rekor log.',
    )
    // Only the token was asked for: nothing went to Fulcio or Rekor.
    expect(sigstore.requests.map((r) => r.path)).toEqual([
      '/github-oidc/idtoken?api-version=2.0&audience=sigstore',
    ])
    expect(result.outputs.certificate_identity).toBe('')
  })

  it('signs a private repository’s release with its own Sigstore instance', async () => {
    await start()
    const result = await runInProcess(actionsEnv({}, { visibility: 'private' }), workspace)
    expect(result.exitCode).toBe(0)
    expect(result.outputs.certificate_identity).not.toBe('')
  })

  it('says to grant id-token: write when the runner refuses the token', async () => {
    await start()
    const env = actionsEnv({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runner-token' })
    const result = await runInProcess({ ...env, INPUT_SIGN: 'true' }, workspace)
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(
      /Input 'sign': GitHub Actions refused an identity token: .*HTTP 401.* Give the job `permissions: id-token: write`\./,
    )
    await expectNoTokenLeak('not-the-runner-token', result, workspace)
  })
})
