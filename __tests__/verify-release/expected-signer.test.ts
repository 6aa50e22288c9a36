import { describePolicy } from '../../src/signing/identity-policy.js'
import { expectedSigner } from '../../src/verify-release/expected-signer.js'

describe('expectedSigner: the release’s own project CI', () => {
  test.each([
    [
      'github',
      'https://github.com/octo/app/releases/tag/v1',
      'an identity matching ^https://github\\.com/octo/app/ (issuer https://token.actions.githubusercontent.com)',
    ],
    [
      'github',
      'https://acme.ghe.com/octo/app/releases/tag/v1',
      'an identity matching ^https://acme\\.ghe\\.com/octo/app/ (issuer https://token.actions.acme.ghe.com)',
    ],
    [
      'github',
      'https://ghe.corp.example/octo/app/releases/tag/v1',
      'an identity matching ^https://ghe\\.corp\\.example/octo/app/ (issuer https://ghe.corp.example/_services/token)',
    ],
    [
      'gitlab',
      'https://gitlab.com/group/app/-/releases/v1',
      'an identity matching ^https://gitlab\\.com/group/app// (issuer https://gitlab.com)',
    ],
  ] as const)('%s %s', (platform, page, expected) => {
    const policy = expectedSigner(platform, page)
    expect('problem' in policy ? policy.problem : describePolicy(policy)).toBe(expected)
  })

  it('accepts a workflow of the repository, and not one of a repository with a longer name', () => {
    const policy = expectedSigner('github', 'https://github.com/octo/app/releases/tag/v1')
    if ('problem' in policy) throw new Error(policy.problem)
    const matches = (subject: string): boolean => policy.subjectPattern?.test(subject) === true
    expect(matches('https://github.com/octo/app/.github/workflows/release.yml@refs/tags/v1')).toBe(
      true,
    )
    expect(
      matches('https://github.com/octo/app-fork/.github/workflows/release.yml@refs/tags/v1'),
    ).toBe(false)
  })

  it('has no default on Forgejo/Gitea, and says which flags to give', () => {
    expect(expectedSigner('gitea', 'https://codeberg.org/forge/app/releases/tag/v1')).toEqual({
      problem: expect.stringContaining(
        'give --certificate_identity or --certificate_identity_regexp, and --certificate_oidc_issuer',
      ),
    })
  })

  it('has no default on Gongfeng, and says which flags to give', () => {
    expect(expectedSigner('gongfeng', 'https://git.code.tencent.com/g/a/releases/v1')).toEqual({
      problem: expect.stringContaining(
        'give --certificate_identity or --certificate_identity_regexp',
      ),
    })
  })
})
