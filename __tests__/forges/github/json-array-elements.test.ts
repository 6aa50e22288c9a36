import {
  jsonArrayElements,
  withoutArrayMember,
} from '../../../src/forges/github/json-array-elements.js'

/** The text's UTF-8 bytes in chunks of `size` (a chunk may end inside a character). */
function* chunksOf(text: string, size: number): Generator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8')
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function elementsOf(
  text: string,
  size: number,
  needles: readonly Buffer[] = [],
): Promise<unknown[]> {
  const found: unknown[] = []
  for await (const element of jsonArrayElements(chunksOf(text, size), needles)) {
    found.push(JSON.parse(element.toString('utf8')))
  }
  return found
}

describe('jsonArrayElements', () => {
  const elements = [
    { tag_name: 'v1', assets: [{ name: 'a,b]}.zip' }, { name: 'quote " and \\ backslash' }] },
    'a string with [brackets], {braces} and "quotes"',
    { name: 'Ünïcödé ✓ 🚀 release', body: 'ends in a backslash \\' },
    42,
    null,
    [1, [2, 3]],
    { empty: {} },
  ]

  it.each([1, 2, 3, 7, 64, 65_536])(
    'gives each element as its own JSON text, read in chunks of %i bytes',
    async (size) => {
      for (const text of [JSON.stringify(elements), JSON.stringify(elements, null, 2)]) {
        expect(await elementsOf(text, size)).toEqual(elements)
      }
    },
  )

  it('holds an element only until it ends: elements come out before the array is read', async () => {
    const read: number[] = []
    function* slowly(): Generator<Uint8Array> {
      for (const [i, part] of ['[{"a":1},', '{"b":2}', ',{"c"', ':3}]'].entries()) {
        read.push(i)
        yield Buffer.from(part)
      }
    }
    const seen: string[] = []
    for await (const element of jsonArrayElements(slowly())) {
      seen.push(`${element.toString()} after chunk ${read.length - 1}`)
    }
    expect(seen).toEqual([
      '{"a":1} after chunk 0',
      '{"b":2} after chunk 2',
      '{"c":3} after chunk 3',
    ])
  })

  it.each([1, 2, 5, 64])(
    'with needles, gives only the elements that contain one (chunks of %i bytes)',
    async (size) => {
      const releases = [
        { tag_name: 'v1', assets: [{ name: 'a'.repeat(40) }] },
        { tag_name: 'v2/beta', assets: [] },
        { name: 'tag last', assets: [{ name: 'x' }], tag_name: 'v2/beta' },
        { tag_name: 'v22', body: 'mentions v2 without quotes' },
      ]
      const needles = ['"v2/beta"', '"v2\\/beta"'].map((n) => Buffer.from(n))
      const text = JSON.stringify(releases)
      expect(await elementsOf(text, size, needles)).toEqual([releases[1], releases[2]])
      const escaped = text.replace(/"v2\/beta"/g, '"v2\\/beta"')
      expect(await elementsOf(escaped, size, needles)).toEqual([releases[1], releases[2]])
    },
  )

  it('gives nothing for an empty array, and refuses a cut one', async () => {
    expect(await elementsOf('[ ]', 1)).toEqual([])
    await expect(elementsOf('[{"tag_name": "v1"', 4)).rejects.toThrow(SyntaxError)
    await expect(elementsOf('[{"tag_name": "v1"}', 4)).rejects.toThrow(SyntaxError)
  })
})

describe('withoutArrayMember', () => {
  const release = {
    id: 7,
    name: 'assets',
    author: { login: 'octo', assets: [1, 2] },
    tag_name: 'v1',
    assets: [
      { name: 'a "quoted" ]} name', uploader: { login: 'x' } },
      { name: 'b', list: [[1], { c: '[' }] },
    ],
    body: 'ends with "assets": [',
  }

  it.each([0, 2])(
    'empties the top-level array only, and says it held something (indent %i)',
    (indent) => {
      const { text, held } = withoutArrayMember(
        Buffer.from(JSON.stringify(release, null, indent)),
        'assets',
      )
      expect(held).toBe(true)
      expect(JSON.parse(text.toString())).toEqual({ ...release, assets: [] })
    },
  )

  it('says an empty array held nothing, and leaves an object without the member as it is', () => {
    const empty = withoutArrayMember(Buffer.from('{"id":1,"assets":[ ],"draft":true}'), 'assets')
    expect(empty.held).toBe(false)
    expect(JSON.parse(empty.text.toString())).toEqual({ id: 1, assets: [], draft: true })
    const none = Buffer.from('{"id":1,"name":"assets","author":{"assets":[1]}}')
    expect(withoutArrayMember(none, 'assets')).toEqual({ text: none, held: undefined })
  })
})
