import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { parseSha256Sums, renderSha256Sums } from '../../src/assets/sha256sums.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)

describe('renderSha256Sums', () => {
  it('writes "<hex>  <name>" lines sorted by name in byte order', () => {
    const text = renderSha256Sums([
      { name: 'b.zip', sha256: B },
      { name: 'Z.zip', sha256: C },
      { name: 'a.zip', sha256: A.toUpperCase() },
      { name: 'é.zip', sha256: A },
    ])
    expect(text).toBe(`${C}  Z.zip\n${A}  a.zip\n${B}  b.zip\n${A}  é.zip\n`)
  })

  test.each([
    ['back\\slash', `\\${A}  back\\\\slash\n`],
    ['new\nline', `\\${A}  new\\nline\n`],
    ['carriage\rreturn', `\\${A}  carriage\\rreturn\n`],
    ['plain name', `${A}  plain name\n`],
  ])('escapes %j as GNU coreutils does', (name, line) => {
    expect(renderSha256Sums([{ name, sha256: A }])).toBe(line)
  })

  it('writes nothing for no entries', () => {
    expect(renderSha256Sums([])).toBe('')
  })

  it('refuses a digest that is not 64 hex digits', () => {
    expect(() => renderSha256Sums([{ name: 'a', sha256: 'abc' }])).toThrow(RangeError)
  })
})

describe('parseSha256Sums', () => {
  it('reads text and binary markers, escaped names and the --tag form', () => {
    const text = [
      `${A}  text.zip`,
      `${B} *binary.zip`,
      `\\${C}  new\\nline\\\\x`,
      `SHA256 (tagged.zip) = ${A.toUpperCase()}`,
      `${A}  with  two  spaces`,
      'garbage line',
      `${A.slice(1)}  short.zip`,
      `\\${A}  bad\\escape`,
      '',
    ].join('\r\n')
    expect(parseSha256Sums(text)).toEqual(
      new Map([
        ['text.zip', A],
        ['binary.zip', B],
        ['new\nline\\x', C],
        ['tagged.zip', A],
        ['with  two  spaces', A],
      ]),
    )
  })

  it('round-trips any names', () => {
    const entry = fc.record({
      name: fc.oneof(
        fc.string({ minLength: 1, unit: 'grapheme' }),
        fc.string({ minLength: 1, unit: 'binary' }),
        fc.stringMatching(/^[\\\n\r a*()=]{1,8}$/),
      ),
      sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    })
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.name }), (entries) => {
        const parsed = parseSha256Sums(renderSha256Sums(entries))
        expect(parsed).toEqual(new Map(entries.map((e) => [e.name, e.sha256])))
      }),
      { numRuns: 500 },
    )
  })
})

describe('SHA256SUMS with sha256sum -c', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'forge-release-sums-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('is accepted for real files, including names with backslash, newline and CR', () => {
    const names = [
      'app.tar.gz',
      'App.zip',
      'with space.txt',
      'back\\slash',
      'new\nline',
      'cr\rname',
      'é.bin',
      'empty',
    ]
    const entries = names.map((name, i) => {
      const data = Buffer.from(name === 'empty' ? '' : `content ${i} of ${name}`)
      writeFileSync(path.join(dir, name), data)
      return { name, sha256: createHash('sha256').update(data).digest('hex') }
    })
    writeFileSync(path.join(dir, 'SHA256SUMS'), renderSha256Sums(entries))
    const output = execFileSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], {
      cwd: dir,
      encoding: 'utf8',
    })
    expect(output.trim().split('\n')).toHaveLength(names.length)
    expect(output).not.toMatch(/FAILED|improperly/)
  })

  it('reads what sha256sum writes', () => {
    const names = ['one.bin', 'two\\three', 'four\nfive']
    for (const name of names) writeFileSync(path.join(dir, name), name)
    const written = execFileSync('sha256sum', names, { cwd: dir, encoding: 'utf8' })
    const parsed = parseSha256Sums(written)
    expect([...parsed.keys()].sort()).toEqual([...names].sort())
    expect(parsed.get('four\nfive')).toBe(createHash('sha256').update('four\nfive').digest('hex'))
  })

  it('makes sha256sum -c fail when a file changed', () => {
    writeFileSync(path.join(dir, 'changed.bin'), 'before')
    const sums = renderSha256Sums([
      { name: 'changed.bin', sha256: createHash('sha256').update('before').digest('hex') },
    ])
    writeFileSync(path.join(dir, 'CHANGED.SUMS'), sums)
    writeFileSync(path.join(dir, 'changed.bin'), 'after')
    expect(() =>
      execFileSync('sha256sum', ['-c', 'CHANGED.SUMS'], { cwd: dir, stdio: 'pipe' }),
    ).toThrow()
  })
})
