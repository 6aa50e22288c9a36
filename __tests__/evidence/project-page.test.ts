import { projectPageOf } from '../../src/evidence/project-page.js'

describe('projectPageOf', () => {
  test.each([
    ['https://gitlab.com/group/sub/app/-/releases/v1.0.0', 'https://gitlab.com/group/sub/app'],
    ['https://gitlab.com/group/app/-/releases/release%2F1.0', 'https://gitlab.com/group/app'],
    ['https://github.com/octo/app/releases/tag/v1.0.0', 'https://github.com/octo/app'],
    ['https://github.com/octo/app/releases/tag/release/1.0', 'https://github.com/octo/app'],
    ['https://ghe.corp.example/octo/app/releases/tag/v1', 'https://ghe.corp.example/octo/app'],
    [
      'https://git.code.tencent.com/group/app/releases/v1.0.0',
      'https://git.code.tencent.com/group/app',
    ],
  ])('%s → %s', (release, page) => {
    expect(projectPageOf(release)).toBe(page)
  })

  it('gives undefined for a page that is no release page', () => {
    expect(projectPageOf('https://example.com/octo/app')).toBeUndefined()
  })
})
