import { parseReleaseUrl } from '../../src/verify-release/release-address.js'

describe('parseReleaseUrl', () => {
  test.each([
    [
      'https://github.com/octo/app/releases/tag/v1.2.0',
      {
        platform: 'github',
        apiUrl: 'https://api.github.com',
        project: 'octo/app',
        tagName: 'v1.2.0',
      },
    ],
    [
      'https://github.com/octo/app/releases/tag/release/2.0',
      {
        platform: 'github',
        apiUrl: 'https://api.github.com',
        project: 'octo/app',
        tagName: 'release/2.0',
      },
    ],
    [
      'https://acme.ghe.com/octo/app/releases/tag/v1',
      {
        platform: 'github',
        apiUrl: 'https://api.acme.ghe.com',
        project: 'octo/app',
        tagName: 'v1',
      },
    ],
    [
      'https://ghe.corp.example/octo/app/releases/tag/v1',
      {
        platform: 'github',
        apiUrl: 'https://ghe.corp.example/api/v3',
        project: 'octo/app',
        tagName: 'v1',
      },
    ],
    [
      'https://gitlab.com/group/sub/app/-/releases/v1.2.0',
      {
        platform: 'gitlab',
        apiUrl: 'https://gitlab.com/api/v4',
        project: 'group/sub/app',
        tagName: 'v1.2.0',
      },
    ],
    [
      'https://gitlab.com/group/app/-/releases/release%2F1.0/',
      {
        platform: 'gitlab',
        apiUrl: 'https://gitlab.com/api/v4',
        project: 'group/app',
        tagName: 'release/1.0',
      },
    ],
    [
      'https://git.code.tencent.com/group/app/releases/v3',
      {
        platform: 'gongfeng',
        apiUrl: 'https://git.code.tencent.com/api/v3',
        project: 'group/app',
        tagName: 'v3',
      },
    ],
  ])('%s', (url, address) => {
    expect(parseReleaseUrl(url)).toEqual(address)
  })

  test.each([
    [
      'codeberg.org, a host that runs Forgejo',
      'https://codeberg.org/forge/app/releases/tag/v1.2.0',
      {},
      {
        platform: 'gitea',
        apiUrl: 'https://codeberg.org/api/v1',
        project: 'forge/app',
        tagName: 'v1.2.0',
      },
    ],
    [
      'any host, told by --platform gitea',
      'https://code.example.org/forge/app/releases/tag/release%2F2.0',
      { platform: 'gitea' as const },
      {
        platform: 'gitea',
        apiUrl: 'https://code.example.org/api/v1',
        project: 'forge/app',
        tagName: 'release/2.0',
      },
    ],
    [
      'a ROOT_URL with a path, told by an api_url ending in /api/v1',
      'https://corp.example/git/forge/app/releases/tag/v1',
      { apiUrl: 'https://corp.example/git/api/v1' },
      {
        platform: 'gitea',
        apiUrl: 'https://corp.example/git/api/v1',
        project: 'forge/app',
        tagName: 'v1',
      },
    ],
  ])('reads a Forgejo/Gitea release page: %s', (_what, url, given, address) => {
    expect(parseReleaseUrl(url, given)).toEqual(address)
  })

  it('takes the project path after a GitLab relative URL root given as api_url', () => {
    expect(
      parseReleaseUrl('https://corp.example/gitlab/group/app/-/releases/v1', {
        apiUrl: 'https://corp.example/gitlab/api/v4',
      }),
    ).toEqual({
      platform: 'gitlab',
      apiUrl: 'https://corp.example/gitlab/api/v4',
      project: 'group/app',
      tagName: 'v1',
    })
  })

  test.each([
    ['not a url', /is not a URL/],
    ['ftp://github.com/octo/app/releases/tag/v1', /is not an http\(s\) URL/],
    ['https://github.com/octo/app', /is not a release page/],
  ])('refuses %s', (url, problem) => {
    expect(parseReleaseUrl(url)).toEqual({ problem: expect.stringMatching(problem) })
  })
})
