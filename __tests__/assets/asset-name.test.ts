import { checkDirectAssetPath, defaultDirectAssetPath } from '../../src/assets/asset-name.js'
import { checkNameOn as checkAssetName } from '../support/asset-rules.js'

describe('checkAssetName', () => {
  test.each([
    ['app-1.0.0_linux+amd64.tar.gz', 'gitlab'],
    ['SHA256SUMS', 'gitlab'],
    ['my app.zip', 'github'],
    ['my app.zip', 'gongfeng'],
    ['版本.zip', 'github'],
    ['.hidden', 'github'],
    ['a'.repeat(255), 'github'],
    ['é'.repeat(127), 'github'],
  ] as const)('accepts %j on %s', (name, platform) => {
    expect(checkAssetName(name, platform)).toEqual([])
  })

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['.', /not a file name/],
    ['..', /not a file name/],
    ['bin/app', /path separator/],
    ['bin\\app', /path separator/],
    ['app\u0000', /control character/],
    ['app\nzip', /control character/],
    ['app\u007f', /control character/],
    ['app\u0085', /control character/],
    [' app.zip', /whitespace/],
    ['app.zip\t', /control character/],
    ['app.zip\u00a0', /whitespace/],
    ['a'.repeat(256), /256 bytes/],
    ['é'.repeat(128), /256 bytes/],
  ]
  test.each(bad)('rejects %j on every platform', (name, reason) => {
    for (const platform of [undefined, 'gitlab', 'gongfeng', 'github'] as const) {
      const problems = checkAssetName(name, platform)
      expect(problems.map((p) => p.message).join(' ')).toMatch(reason)
      expect(problems.every((p) => p.input === 'assets' && p.code === 'ASSET_INVALID')).toBe(true)
      expect(problems.every((p) => (p.hint ?? '').includes('`name`'))).toBe(true)
    }
  })

  test.each(['my app.zip', 'app(1).zip', 'app@2.zip', '版本.zip', 'a~b'])(
    'rejects %j for GitLab generic packages, suggesting a rename or project_uploads',
    (name) => {
      const problems = checkAssetName(name, 'gitlab', 'generic_package')
      expect(problems).toHaveLength(1)
      expect(problems[0]?.message).toMatch(/generic packages/)
      expect(problems[0]?.hint).toMatch(/`name`.*project_uploads/)
    },
  )

  it('lets GitLab project uploads take names generic packages refuse', () => {
    expect(checkAssetName('my app.zip', 'gitlab', 'project_uploads')).toEqual([])
  })
})

describe('checkDirectAssetPath', () => {
  test.each(['/app', '/bin/app-linux-amd64', '/a.b_c-d/e9', `/${'a'.repeat(127)}`])(
    'accepts %j',
    (path) => {
      expect(checkDirectAssetPath(path)).toEqual([])
    },
  )

  test.each([
    ['bin/app', /not a valid GitLab link path/],
    ['//app', /not a valid GitLab link path/],
    ['/bin//app', /not a valid GitLab link path/],
    ['/app.', /not a valid GitLab link path/],
    ['/app_', /not a valid GitLab link path/],
    ['/ab', /not a valid GitLab link path/],
    ['/my app', /not a valid GitLab link path/],
    [`/${'a'.repeat(128)}`, /at most 128/],
  ])('rejects %j', (path, reason) => {
    const problems = checkDirectAssetPath(path, 'asset_links')
    expect(problems.map((p) => p.message).join(' ')).toMatch(reason)
    expect(problems.every((p) => p.input === 'asset_links')).toBe(true)
  })
})

describe('defaultDirectAssetPath', () => {
  test.each([
    ['app.tar.gz', '/app.tar.gz'],
    ['SHA256SUMS', '/SHA256SUMS'],
    ['ab', undefined],
    ['app+linux', undefined],
    ['notes.txt~', undefined],
  ])('gives %j the path %j', (name, path) => {
    expect(defaultDirectAssetPath(name)).toBe(path)
  })
})
