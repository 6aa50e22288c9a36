import { checkTagName } from '../../src/settings/check-tag-name.js'

describe('checkTagName', () => {
  test.each(['v1.0.0', 'release/1.0', 'v1.0.0-rc.1+build.5', 'версия-1', 'a.b/c-d_e'])(
    'accepts %s',
    (name) => {
      expect(checkTagName(name)).toEqual([])
    },
  )

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['HEAD', /reserved/],
    ['@', /reserved/],
    ['-v1', /starts with '-'/],
    ['refs/heads/main', /refs\/heads/],
    ['v1..2', /'\.\.'/],
    ['v1@{1}', /'@\{'/],
    ['a//b', /'\/\/'/],
    ['v1\u0007', /control character/],
    ['v1\u007f', /control character/],
    ['v 1', /a space/],
    ['v1~1', /'~'/],
    ['v1^', /'\^'/],
    ['v1:2', /':'/],
    ['v1?', /'\?'/],
    ['v1*', /'\*'/],
    ['v1[2', /'\['/],
    ['v1\\2', /'\\'/],
    ['/v1', /starts or ends with '\/'/],
    ['v1/', /starts or ends with '\/'/],
    ['v1.', /ends with '\.'/],
    ['v1.lock', /\.lock/],
    ['a.lock/b', /\.lock/],
    ['.v1', /starts with '\.'/],
    ['a/.b', /starts with '\.'/],
  ]
  test.each(bad)('rejects %j', (name, reason) => {
    expect(checkTagName(name).join('; ')).toMatch(reason)
  })

  it('lists every reason a name breaks', () => {
    expect(checkTagName('-a b..c')).toEqual([
      "it starts with '-'",
      "it contains '..'",
      'it contains a space',
    ])
  })
})
