import { expandBraces } from '../../src/assets/expand-braces.js'

describe('expandBraces', () => {
  test.each([
    ['dist/*.zip', ['dist/*.zip']],
    ['dist/*.{zip,tar.gz}', ['dist/*.zip', 'dist/*.tar.gz']],
    ['{a,b}/{c,d}', ['a/c', 'a/d', 'b/c', 'b/d']],
    ['x{a,{b,c}}y', ['xay', 'xby', 'xcy']],
    ['app{,-debug}.bin', ['app.bin', 'app-debug.bin']],
    ['literal{a}', ['literal{a}']],
    ['open{a,b', ['open{a,b']],
    ['esc\\{a,b}', ['esc\\{a,b}']],
    ['{a}{b,c}', ['{a}b', '{a}c']],
  ])('expands %j', (pattern, expected) => {
    expect(expandBraces(pattern)).toEqual(expected)
  })

  it('refuses patterns that expand to more than 1000 patterns', () => {
    expect(() => expandBraces('{0,1,2,3,4,5,6,7,8,9}'.repeat(4))).toThrow(RangeError)
  })
})
