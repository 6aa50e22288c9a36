import { plural } from '../src/plural.js'

describe('plural', () => {
  test.each([
    [0, 'file', undefined, '0 files'],
    [1, 'file', undefined, '1 file'],
    [2, 'link', undefined, '2 links'],
    [1, 'byte', undefined, '1 byte'],
    [3, 'entry', 'entries', '3 entries'],
  ])('counts %i %s', (count, noun, nounPlural, text) => {
    expect(plural(count, noun, nounPlural)).toBe(text)
  })
})
