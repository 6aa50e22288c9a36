import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { startFakeSigstore, type FakeSigstore } from '../support/fake-sigstore.js'
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { makeWorkspace, runInProcess } from '../support/run-tool.js'
import { failures, runVerify } from '../support/run-verify.js'

// The same signing, whatever the forge: here a person runs forge-release by hand with an
// identity token from a GitLab instance (a release built there, published elsewhere), and
// someone else verifies it, naming that signer explicitly.
const ISSUER = 'https://gitlab.example.com'
const SIGNER = `${ISSUER}/group/app//.gitlab-ci.yml@refs/tags/v1.0.0`

describe.each(FORGES)('%s', (forge: ForgeName) => {
  let scenario: ForgeScenario
  let sigstore: FakeSigstore
  beforeEach(async () => {
    scenario = await startForgeScenario(forge)
    sigstore = await startFakeSigstore()
  })
  afterEach(async () => {
    await sigstore.close()
    await scenario.close()
  })

  it('publishes a signed release that forge-release verify accepts', async () => {
    const workspace = await makeWorkspace({ 'dist/app.tar.gz': 'app\n'.repeat(500) })
    const trustedRoot = await sigstore.writeTrustedRoot(workspace)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.0.0',
        INPUT_ASSETS: 'dist/*',
        INPUT_SIGN: 'true',
        INPUT_IDENTITY_TOKEN: sigstore.gitlabToken({ serverUrl: ISSUER, projectPath: 'group/app' }),
        INPUT_FULCIO_URL: sigstore.fulcioUrl,
        INPUT_REKOR_URL: sigstore.rekorUrl,
        INPUT_TRUSTED_ROOT: trustedRoot,
      }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    expect(result.outputs.certificate_identity).toBe(SIGNER)

    const state = await scenario.endState('v1.0.0')
    expect(state.problems).toEqual([])
    expect(state.files.map((f) => f.name)).toEqual([
      'SHA256SUMS',
      'app.tar.gz',
      'provenance.intoto.json',
      'provenance.intoto.json.sigstore.json',
      'release-evidence.intoto.json',
      'release-evidence.intoto.json.sigstore.json',
    ])
    // Run by hand: the provenance says so, and names the released commit.
    const provenance = JSON.parse(
      await readFile(path.join(workspace, '.forge-release/provenance.intoto.json'), 'utf8'),
    ) as { predicate: { buildDefinition: { buildType: string } } }
    expect(provenance.predicate.buildDefinition.buildType).toBe(
      'https://github.com/forge-release/forge-release/blob/main/docs/provenance-v1.md#by-hand',
    )

    const project = (scenario.env().INPUT_PROJECT ?? '').toString()
    const target = [
      '--platform',
      forge,
      '--api_url',
      scenario.apiUrl,
      '--project',
      project,
      '--tag_name',
      'v1.0.0',
      '--trusted_root',
      trustedRoot,
    ]
    const verified = await runVerify(
      [
        ...target,
        '--certificate_identity_regexp',
        `^${ISSUER}/group/app//`,
        '--certificate_oidc_issuer',
        ISSUER,
      ],
      { FORGE_RELEASE_TOKEN: scenario.token },
      workspace,
    )
    expect(verified.stderr).not.toContain('ERROR')
    expect(failures(verified)).toEqual([])
    expect(verified.code).toBe(0)

    // Another issuer than the one expected is refused.
    const wrongIssuer = await runVerify(
      [
        ...target,
        '--certificate_identity',
        SIGNER,
        '--certificate_oidc_issuer',
        'https://gitlab.com',
      ],
      { FORGE_RELEASE_TOKEN: scenario.token },
      workspace,
    )
    expect(wrongIssuer.code).toBe(1)
    expect(failures(wrongIssuer)).toEqual(
      expect.arrayContaining([
        `release-evidence.intoto.json.sigstore.json: not signed by the expected identity: the certificate's OIDC issuer is ${ISSUER}, not https://gitlab.com`,
      ]),
    )
  })
})
