import { escapeQuoted, frameMultipart } from '../../src/http/multipart-framing.js'

describe('frameMultipart', () => {
  it('puts text fields before the file part and closes with the boundary', () => {
    const framing = frameMultipart(
      { field: 'file', filename: 'a.txt', contentType: 'text/plain', fields: { tag: 'v1' } },
      'BOUNDARY',
    )
    expect(framing.contentType).toBe('multipart/form-data; boundary=BOUNDARY')
    expect(framing.preamble.toString()).toBe(
      '--BOUNDARY\r\nContent-Disposition: form-data; name="tag"\r\n\r\nv1\r\n' +
        '--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n' +
        'Content-Type: text/plain\r\n\r\n',
    )
    expect(framing.epilogue.toString()).toBe('\r\n--BOUNDARY--\r\n')
  })

  it('uses a fresh random boundary by default', () => {
    const a = frameMultipart({ field: 'file', filename: 'a' })
    const b = frameMultipart({ field: 'file', filename: 'a' })
    expect(a.contentType).not.toBe(b.contentType)
  })

  it('counts multi-byte names in bytes', () => {
    const framing = frameMultipart({ field: 'file', filename: 'été.zip' }, 'B')
    expect(framing.preamble.length).toBe(Buffer.byteLength(framing.preamble.toString(), 'utf8'))
    expect(framing.preamble.toString()).toContain('filename="été.zip"')
  })
})

describe('escapeQuoted', () => {
  test.each([
    ['plain.tar.gz', 'plain.tar.gz'],
    ['say "hi".txt', 'say %22hi%22.txt'],
    ['line\r\nbreak', 'line%0D%0Abreak'],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeQuoted(input)).toBe(expected)
  })
})
