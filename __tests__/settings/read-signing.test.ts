import { InputErrors, type ReleaseError } from '../../src/errors.js'
import { readSettings } from '../../src/settings/read-settings.js'

type Env = Record<string, string | undefined>

const BASE: Env = {
  INPUT_API_URL: 'https://gitlab.example.com/api/v4',
  INPUT_PROJECT: 'group/app',
  INPUT_TOKEN: 'glpat-secret-value',
  INPUT_TAG_NAME: 'v1.0.0',
}
const GITHUB_ACTIONS: Env = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_REF: 'refs/tags/v1.0.0',
  GITHUB_TOKEN: 'ghs_token_value',
}
const GITLAB_CI: Env = {
  GITLAB_CI: 'true',
  CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
  CI_PROJECT_ID: '7',
  CI_COMMIT_TAG: 'v1.0.0',
  CI_JOB_TOKEN: 'glcbt-job-token',
}

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'ES256' })}.${part(claims)}.c2lnbmF0dXJl`
}

const TOKEN = jwt({
  iss: 'https://gitlab.example.com',
  sub: 'project_path:group/app',
  aud: 'sigstore',
})

function problemsOf(env: Env, now?: Date): ReleaseError[] {
  try {
    readSettings(env, now === undefined ? {} : { now })
  } catch (error) {
    if (error instanceof InputErrors) return [...error.problems]
    throw error
  }
  return []
}

describe('sign: auto', () => {
  it('publishes unsigned without an identity, saying so in one notice', () => {
    const settings = readSettings(BASE)
    expect(settings.signing).toBeUndefined()
    expect(settings.notices).toHaveLength(1)
    expect(settings.notices[0]).toMatch(/^Not signing the evidence: this run has no OIDC identity/)
    expect(settings.notices[0]).toContain('--identity_token')
  })

  it('tells a GitHub Actions job to grant id-token: write', () => {
    const settings = readSettings(GITHUB_ACTIONS)
    expect(settings.notices).toEqual([expect.stringContaining('permissions: id-token: write')])
  })

  it('tells a GitLab CI job to declare the id_tokens variable', () => {
    const settings = readSettings(GITLAB_CI)
    expect(settings.notices).toEqual([
      expect.stringContaining('id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore'),
    ])
  })

  it('says nothing when evidence is off: there is nothing to sign', () => {
    const settings = readSettings({ ...BASE, INPUT_EVIDENCE: 'false' })
    expect(settings.signing).toBeUndefined()
    expect(settings.notices).toEqual([])
  })

  it('signs with GitHub Actions’ OIDC provider when the job may ask it for a token', () => {
    const settings = readSettings({
      ...GITHUB_ACTIONS,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/idtoken?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    })
    expect(settings.signing).toEqual({
      required: false,
      identity: {
        kind: 'github-actions',
        requestUrl: 'https://token.actions.example/idtoken?api-version=2.0',
        requestToken: 'request-token',
        provider: 'GitHub Actions',
      },
      fulcioUrl: 'https://fulcio.sigstore.dev',
      rekorUrl: 'https://rekor.sigstore.dev',
    })
    expect(settings.notices).toEqual([])
  })

  describe('in a Forgejo or Gitea Actions job', () => {
    const FORGEJO_ACTIONS: Env = {
      ...GITHUB_ACTIONS,
      FORGEJO_ACTIONS: 'true',
      GITEA_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://code.example.org',
      GITHUB_API_URL: 'https://code.example.org/api/v1',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://code.example.org/api/actions/idtoken',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    }

    it('publishes unsigned with the public Sigstore, which does not certify the server', () => {
      const settings = readSettings(FORGEJO_ACTIONS)
      expect(settings.platform).toBe('gitea')
      expect(settings.signing).toBeUndefined()
      expect(settings.notices).toEqual([
        expect.stringMatching(
          /^Not signing the evidence: the public Sigstore instance does not certify a Forgejo or Gitea server's Actions tokens/,
        ),
      ])
    })

    it('asks the server for the token where a Sigstore instance that trusts it is given', () => {
      const settings = readSettings({
        ...FORGEJO_ACTIONS,
        INPUT_FULCIO_URL: 'https://fulcio.code.example.org',
        INPUT_REKOR_URL: 'https://rekor.code.example.org',
      })
      expect(settings.signing?.identity).toEqual({
        kind: 'github-actions',
        requestUrl: 'https://code.example.org/api/actions/idtoken',
        requestToken: 'request-token',
        provider: 'Forgejo/Gitea Actions',
      })
      expect(settings.notices).toEqual([])
    })

    it('tries the public Sigstore under sign: true', () => {
      const settings = readSettings({ ...FORGEJO_ACTIONS, INPUT_SIGN: 'true' })
      expect(settings.signing).toMatchObject({
        required: true,
        fulcioUrl: 'https://fulcio.sigstore.dev',
      })
    })

    it('says where a token comes from when the job has none', () => {
      const settings = readSettings({
        ...FORGEJO_ACTIONS,
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
      })
      expect(settings.notices).toEqual([
        expect.stringContaining('where the Forgejo or Gitea server offers them'),
      ])
    })
  })

  it('signs with the SIGSTORE_ID_TOKEN a GitLab job declares', () => {
    const settings = readSettings({ ...GITLAB_CI, SIGSTORE_ID_TOKEN: TOKEN })
    expect(settings.signing?.identity).toEqual({
      kind: 'token',
      token: TOKEN,
      from: 'SIGSTORE_ID_TOKEN',
    })
  })

  it('prefers identity_token to SIGSTORE_ID_TOKEN', () => {
    const other = jwt({ sub: 'me', aud: 'sigstore' })
    const settings = readSettings({
      ...BASE,
      SIGSTORE_ID_TOKEN: TOKEN,
      INPUT_IDENTITY_TOKEN: other,
    })
    expect(settings.signing?.identity).toMatchObject({ token: other, from: 'identity_token' })
  })
})

describe('sign: true', () => {
  it('is an error before any request when there is no identity', () => {
    const [problem, ...rest] = problemsOf({ ...BASE, INPUT_SIGN: 'true' })
    expect(rest).toEqual([])
    expect(problem?.describe()).toMatch(
      /^Input 'sign': is true, but this run has no OIDC identity to sign with\. Pass an OIDC token/,
    )
  })

  it('is an error when evidence is off', () => {
    expect(
      problemsOf({
        ...BASE,
        INPUT_SIGN: 'true',
        INPUT_EVIDENCE: 'false',
        SIGSTORE_ID_TOKEN: TOKEN,
      }),
    ).toEqual([
      expect.objectContaining({
        input: 'sign',
        message: expect.stringContaining('evidence is false'),
      }),
    ])
  })

  it('signs, and may not be skipped, with an identity', () => {
    expect(
      readSettings({ ...BASE, INPUT_SIGN: 'true', SIGSTORE_ID_TOKEN: TOKEN }).signing,
    ).toMatchObject({ required: true })
  })
})

describe('the identity token', () => {
  it('must be a JWT, and the message does not quote it', () => {
    const problems = problemsOf({ ...BASE, INPUT_IDENTITY_TOKEN: 'not-a-token-at-all' })
    expect(problems.map((p) => p.describe())).toEqual([
      expect.stringMatching(/^Input 'identity_token': The identity token is not a JWT\./),
    ])
    expect(problems[0]?.describe()).not.toContain('not-a-token-at-all')
  })

  it('must be for audience sigstore when the public Fulcio certifies it', () => {
    const wrong = jwt({ sub: 'me', aud: 'https://gitlab.example.com' })
    expect(problemsOf({ ...BASE, SIGSTORE_ID_TOKEN: wrong }).map((p) => p.describe())).toEqual([
      expect.stringContaining(
        'The identity token (SIGSTORE_ID_TOKEN) is for audience "https://gitlab.example.com", not "sigstore".',
      ),
    ])
  })

  it('may have another audience for a private Fulcio', () => {
    const other = jwt({ sub: 'me', aud: 'corp-fulcio' })
    expect(
      problemsOf({
        ...BASE,
        SIGSTORE_ID_TOKEN: other,
        INPUT_FULCIO_URL: 'https://fulcio.corp.example',
      }),
    ).toEqual([])
  })

  it('is refused when it has expired already', () => {
    const expired = jwt({ sub: 'me', aud: 'sigstore', exp: 1_700_000_000 })
    expect(
      problemsOf({ ...BASE, SIGSTORE_ID_TOKEN: expired }, new Date(1_700_000_001_000)).map((p) =>
        p.describe(),
      ),
    ).toEqual([expect.stringContaining('expired at 2023-11-14T22:13:20.000Z')])
    expect(
      problemsOf({ ...BASE, SIGSTORE_ID_TOKEN: expired }, new Date(1_699_999_000_000)),
    ).toEqual([])
  })
})

describe('the Sigstore services', () => {
  it.each([
    ['fulcio_url', 'INPUT_FULCIO_URL'],
    ['rekor_url', 'INPUT_REKOR_URL'],
  ])('%s must be an http(s) URL', (input, variable) => {
    expect(
      problemsOf({ ...BASE, SIGSTORE_ID_TOKEN: TOKEN, [variable]: 'ftp://sigstore.example' }),
    ).toEqual([expect.objectContaining({ input })])
  })

  it('warns about plain http to another host', () => {
    const settings = readSettings({
      ...BASE,
      SIGSTORE_ID_TOKEN: TOKEN,
      INPUT_REKOR_URL: 'http://rekor.corp.example',
    })
    expect(settings.warnings).toEqual(['rekor_url http://rekor.corp.example uses plain http.'])
  })
})
