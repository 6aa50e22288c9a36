import { detectPlatform, recogniseApiUrl } from '../../src/settings/detect-platform.js'
import type { CiSystem } from '../../src/settings/ci-environment.js'

describe('recogniseApiUrl', () => {
  test.each([
    ['https://git.code.tencent.com/api/v3', 'gongfeng'],
    ['https://git.tencent.com/api/v3', 'gongfeng'],
    ['https://code.dev.tencent.com/api/v3', 'gongfeng'],
    ['https://api.github.com', 'github'],
    ['https://api.octocorp.ghe.com', 'github'],
    ['https://gitlab.com/api/v4', 'gitlab'],
    ['https://jihulab.com/api/v4/', 'gitlab'],
    ['https://codeberg.org/api/v1', 'gitea'],
    ['https://git.example.com/forgejo/api/v1/', 'gitea'],
    ['https://ghe.example.com/api/v3', undefined],
    ['https://example.com/', undefined],
  ])('takes %s for %s', (url, platform) => {
    expect(recogniseApiUrl(new URL(url))).toBe(platform)
  })
})

describe('detectPlatform', () => {
  const cases: [string | undefined, CiSystem, string][] = [
    [undefined, 'github-actions', 'github'],
    [undefined, 'gitlab-ci', 'gitlab'],
    ['https://git.code.tencent.com/api/v3', 'github-actions', 'gongfeng'],
    ['https://git.code.tencent.com/api/v3', 'gitlab-ci', 'gongfeng'],
    ['https://gitlab.example.com/api/v4', 'github-actions', 'gitlab'],
    ['https://api.github.com', 'gitlab-ci', 'github'],
    ['https://gitlab.example.com/api/v4', 'none', 'gitlab'],
    ['https://gitlab.example.com/custom', 'gitlab-ci', 'gitlab'],
  ]
  test.each(cases)('detects %s under %s as %s', (url, system, platform) => {
    expect(detectPlatform(url === undefined ? undefined : new URL(url), system)).toEqual({
      platform,
    })
  })

  it('takes a GitHub Actions job run by a Forgejo or Gitea runner for gitea, unless api_url names another forge', () => {
    expect(detectPlatform(undefined, 'github-actions', true)).toEqual({ platform: 'gitea' })
    expect(detectPlatform(new URL('https://api.github.com'), 'github-actions', true)).toEqual({
      platform: 'github',
    })
    expect(detectPlatform(new URL('https://codeberg.org/api/v1'), 'gitlab-ci')).toEqual({
      platform: 'gitea',
    })
  })

  // GitLab removed API v3 in 9.0 (2017); what still serves it is Gongfeng or GitHub Enterprise.
  const v3: [string, CiSystem, string, RegExp][] = [
    ['https://code.example.com/api/v3', 'none', 'gongfeng', /set platform: github/],
    ['https://code.example.com/api/v3/', 'gitlab-ci', 'gongfeng', /set platform: github/],
    ['https://ghe.example.com/api/v3', 'github-actions', 'github', /set platform: gongfeng/],
  ]
  test.each(v3)(
    'takes an /api/v3 root %s under %s for %s, saying how to choose the other',
    (url, system, platform, notice) => {
      expect(detectPlatform(new URL(url), system)).toEqual({
        platform,
        notice: expect.stringMatching(notice),
      })
    },
  )

  const unknown: [string | undefined, CiSystem][] = [
    [undefined, 'none'],
    ['https://example.com/custom', 'none'],
  ]
  test.each(unknown)('asks for platform for %s under %s', (url, system) => {
    const detection = detectPlatform(url === undefined ? undefined : new URL(url), system)
    expect(detection).toEqual({
      problem: expect.stringMatching(/cannot tell/),
      hint: expect.stringMatching(/Set platform/),
    })
  })
})
