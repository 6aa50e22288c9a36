import { readVerifyRequest } from '../../src/verify-release/read-verify-request.js'

describe('readVerifyRequest', () => {
  it('reads a release URL and downloaded files, and a token from the environment', () => {
    expect(
      readVerifyRequest({}, ['https://github.com/octo/app/releases/tag/v1', 'app.zip'], {
        GH_TOKEN: 'ghp_x',
      }),
    ).toEqual({
      address: {
        platform: 'github',
        apiUrl: 'https://api.github.com',
        project: 'octo/app',
        tagName: 'v1',
      },
      token: 'ghp_x',
      tokenType: 'bearer',
      signer: {},
      files: ['app.zip'],
    })
  })

  it('reads the release from flags, with whom to trust', () => {
    const request = readVerifyRequest(
      {
        api_url: 'https://gitlab.example.com/api/v4/',
        project: 'group/app',
        tag_name: 'v1',
        certificate_identity_regexp: '^https://gitlab\\.example\\.com/group/app//',
        certificate_oidc_issuer: 'https://gitlab.example.com',
        trusted_root: 'root.json',
      },
      [],
      { FORGE_RELEASE_TOKEN: 'glpat-x', GITLAB_TOKEN: 'other' },
    )
    expect(request).toMatchObject({
      address: {
        platform: 'gitlab',
        apiUrl: 'https://gitlab.example.com/api/v4',
        project: 'group/app',
        tagName: 'v1',
      },
      token: 'glpat-x',
      tokenType: 'private',
      trustedRoot: 'root.json',
      signer: { issuer: 'https://gitlab.example.com', subjectPattern: expect.any(RegExp) },
    })
  })

  it('reads a Forgejo/Gitea release from flags: /api/v1 names the forge, GITEA_TOKEN is its token', () => {
    expect(
      readVerifyRequest(
        { api_url: 'https://code.example.org/api/v1', project: 'forge/app', tag_name: 'v1' },
        [],
        { GITEA_TOKEN: 'gitea-token', GITHUB_TOKEN: 'not-this-one' },
      ),
    ).toMatchObject({
      address: {
        platform: 'gitea',
        apiUrl: 'https://code.example.org/api/v1',
        project: 'forge/app',
        tagName: 'v1',
      },
      token: 'gitea-token',
      tokenType: 'bearer',
    })
  })

  it('takes --platform forgejo for gitea, and a Forgejo release page with it', () => {
    expect(
      readVerifyRequest(
        { platform: 'forgejo' },
        ['https://code.example.org/forge/app/releases/tag/v2'],
        {
          FORGEJO_TOKEN: 'forgejo-token',
        },
      ),
    ).toMatchObject({
      address: {
        platform: 'gitea',
        apiUrl: 'https://code.example.org/api/v1',
        project: 'forge/app',
        tagName: 'v2',
      },
      token: 'forgejo-token',
    })
  })

  it('reads anonymously when no token is anywhere', () => {
    expect(readVerifyRequest({}, ['https://gitlab.com/g/a/-/releases/v1'], {})).toMatchObject({
      token: '',
    })
  })

  test.each([
    [
      {},
      [],
      'no release given: pass its page URL, or --platform, --api_url, --project and --tag_name',
    ],
    [
      { project: 'a/b', tag_name: 'v1' },
      [],
      '--api_url is needed (for example https://gitlab.example.com/api/v4)',
    ],
    [
      { platform: 'bitbucket' },
      ['https://github.com/o/r/releases/tag/v1'],
      '--platform "bitbucket" is not one of gitlab, gongfeng, github, gitea, forgejo',
    ],
    [
      { project: 'o/r' },
      ['https://github.com/o/r/releases/tag/v1'],
      '--project and a release URL are both given',
    ],
    [
      { certificate_identity_regexp: '(' },
      ['https://github.com/o/r/releases/tag/v1'],
      expect.stringMatching(/^--certificate_identity_regexp is not a regular expression/),
    ],
    [
      { certificate_identity_regexp: 'x', certificate_identity: 'y' },
      ['https://github.com/o/r/releases/tag/v1'],
      'give --certificate_identity or --certificate_identity_regexp, not both',
    ],
    [
      {},
      ['https://github.com/o/r/releases/tag/v1', 'https://github.com/o/r/releases/tag/v2'],
      expect.stringMatching(/^only one release URL/),
    ],
  ])('refuses %j %j', (flags, positionals, problem) => {
    expect(readVerifyRequest(flags, positionals, {})).toEqual({
      problems: expect.arrayContaining([problem]),
    })
  })
})
