import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { hashFile, hashFiles } from '../../src/assets/hash-file.js'
import type { LocalFile } from '../../src/assets/local-file.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'forge-release-hash-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

describe('hashFile', () => {
  test.each([
    ['0 B', 0],
    ['1 B', 1],
    ['one byte less than a read chunk', 1024 * 1024 - 1],
    ['3 MiB and a bit', 3 * 1024 * 1024 + 17],
  ])('matches crypto on the whole buffer for a %s file', async (_what, size) => {
    const data = randomBytes(size)
    const file = path.join(dir, `random-${size}`)
    writeFileSync(file, data)
    await expect(hashFile(file)).resolves.toBe(sha256(data))
  })

  it('matches sha256sum on a 64 MiB sparse file', async () => {
    const file = path.join(dir, 'sparse.img')
    const fd = openSync(file, 'w')
    ftruncateSync(fd, 64 * 1024 * 1024)
    writeSync(fd, Buffer.from('start'), 0, 5, 0)
    writeSync(fd, Buffer.from('middle'), 0, 6, 32 * 1024 * 1024 + 3)
    writeSync(fd, Buffer.from('end'), 0, 3, 64 * 1024 * 1024 - 3)
    closeSync(fd)
    const expected = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]
    await expect(hashFile(file)).resolves.toBe(expected)
  })

  it('rejects for a missing file', async () => {
    await expect(hashFile(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/)
  })
})

describe('hashFiles', () => {
  const fileOf = (name: string, data: Buffer): LocalFile => {
    const file = path.join(dir, name)
    writeFileSync(file, data)
    return { path: file, name, size: data.length, linkType: 'other', contentType: 'text/plain' }
  }

  test.each([1, 2, 16])('hashes every file in order with concurrency %d', async (concurrency) => {
    const data = Array.from({ length: 7 }, (_, i) => randomBytes(i * 1000))
    const files = data.map((d, i) => fileOf(`f${i}`, d))
    const hashed = await hashFiles(files, concurrency)
    expect(hashed.map((f) => f.name)).toEqual(files.map((f) => f.name))
    expect(hashed.map((f) => f.sha256)).toEqual(data.map(sha256))
    expect(hashed[0]).toMatchObject({ linkType: 'other', contentType: 'text/plain' })
  })

  it('returns an empty list for no files', async () => {
    await expect(hashFiles([], 4)).resolves.toEqual([])
  })

  test.each([0, -1, 1.5])('refuses concurrency %d', async (concurrency) => {
    await expect(hashFiles([], concurrency)).rejects.toThrow(RangeError)
  })
})
