import { jsonArrayElements } from '../../../src/forges/github/json-array-elements.js'

describe('jsonArrayElements', () => {
  it('gives each element of an array as its own JSON text, nested arrays and tricky strings included', () => {
    const elements = [
      { tag_name: 'v1', assets: [{ name: 'a,b]}.zip' }, { name: 'quote " and \\ backslash' }] },
      'a string with [brackets], {braces} and "quotes"',
      42,
      null,
      [1, [2, 3]],
      { empty: {} },
    ]
    for (const text of [JSON.stringify(elements), JSON.stringify(elements, null, 2)]) {
      const found = [...jsonArrayElements(text)].map((element) => JSON.parse(element) as unknown)
      expect(found).toEqual(elements)
    }
  })

  it('gives nothing for an empty array, and refuses a cut one', () => {
    expect([...jsonArrayElements('[ ]')]).toEqual([])
    expect(() => [...jsonArrayElements('[{"tag_name": "v1"')]).toThrow(SyntaxError)
  })
})
