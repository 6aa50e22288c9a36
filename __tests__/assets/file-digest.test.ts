import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { FileDigest } from '../../src/assets/file-digest.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'forge-release-digest-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

let counter = 0
/** Writes `data` to a fresh file and returns its path. */
const fileWith = (data: Buffer): string => {
  const file = path.join(dir, `file-${counter++}`)
  writeFileSync(file, data)
  return file
}

/** Splits `data` into chunks of at most `size` bytes, as a read stream would hand them out. */
const chunksOf = (data: Buffer, size: number): Buffer[] => {
  const chunks: Buffer[] = []
  for (let start = 0; start < data.length; start += size) {
    chunks.push(data.subarray(start, start + size))
  }
  return chunks
}

describe('FileDigest', () => {
  it('returns a known sha256 without reading the file', async () => {
    const known = sha256(Buffer.from('elsewhere'))
    const digest = new FileDigest(path.join(dir, 'does-not-exist'), 9, known)
    expect(digest.known).toBe(known)
    expect(digest.tap()).toBeUndefined()
    await expect(digest.value()).resolves.toBe(known)
  })

  test.each([
    ['one chunk', 1000, 1000],
    ['chunks of 1 MiB, the last one short', 3 * 1024 * 1024 + 1, 1024 * 1024],
    ['odd-sized chunks', 10_000, 333],
  ])('learns the sha256 from a tap fed every byte in %s', async (_what, size, chunk) => {
    const data = randomBytes(size)
    const file = fileWith(data)
    const digest = new FileDigest(file, size)
    expect(digest.known).toBeUndefined()
    const tap = digest.tap()
    expect(tap).toBeDefined()
    for (const part of chunksOf(data, chunk)) tap?.update(part)
    tap?.finish()
    expect(digest.known).toBe(sha256(data))
    // Learnt from the tap: value() needs the file no more.
    unlinkSync(file)
    await expect(digest.value()).resolves.toBe(sha256(data))
  })

  it('gives the sha256 of no bytes for a 0-byte file whose tap saw no chunk', () => {
    const digest = new FileDigest(fileWith(Buffer.alloc(0)), 0)
    const tap = digest.tap()
    tap?.finish()
    expect(digest.known).toBe(sha256(Buffer.alloc(0)))
    expect(digest.known).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('stays unknown when a tap saw fewer bytes than the file, and value() then hashes the file', async () => {
    const data = randomBytes(5000)
    const digest = new FileDigest(fileWith(data), data.length)
    const tap = digest.tap()
    // An attempt cut short: part of the file went through, and (wrongly) finish() was called.
    tap?.update(data.subarray(0, 4096))
    tap?.finish()
    expect(digest.known).toBeUndefined()
    await expect(digest.value()).resolves.toBe(sha256(data))
    expect(digest.known).toBe(sha256(data))
  })

  it('stays unknown when one tap was fed more bytes than the file holds', () => {
    const data = randomBytes(100)
    const digest = new FileDigest(fileWith(data), data.length)
    const tap = digest.tap()
    // A tap shared across two attempts would see the file twice.
    tap?.update(data)
    tap?.update(data)
    tap?.finish()
    expect(digest.known).toBeUndefined()
  })

  it('hashes only what its own attempt read: an abandoned tap does not spoil the next one', () => {
    const data = randomBytes(4000)
    const digest = new FileDigest(fileWith(data), data.length)
    const abandoned = digest.tap()
    abandoned?.update(data.subarray(0, 1000))
    const complete = digest.tap()
    complete?.update(data.subarray(0, 2500))
    complete?.update(data.subarray(2500))
    complete?.finish()
    expect(digest.known).toBe(sha256(data))
  })

  it('gives no second tap once one has completed', () => {
    const data = randomBytes(64)
    const digest = new FileDigest(fileWith(data), data.length)
    const tap = digest.tap()
    tap?.update(data)
    tap?.finish()
    expect(digest.tap()).toBeUndefined()
  })

  it('keeps the first sha256 learnt when a later tap finishes', () => {
    const data = randomBytes(64)
    const digest = new FileDigest(fileWith(data), data.length)
    const first = digest.tap()
    const second = digest.tap()
    first?.update(data)
    first?.finish()
    second?.update(randomBytes(64))
    second?.finish()
    expect(digest.known).toBe(sha256(data))
  })

  it('keeps the sha256 value() found when a tap opened before it finishes', async () => {
    const data = randomBytes(64)
    const digest = new FileDigest(fileWith(data), data.length)
    const tap = digest.tap()
    await expect(digest.value()).resolves.toBe(sha256(data))
    tap?.update(randomBytes(64))
    tap?.finish()
    expect(digest.known).toBe(sha256(data))
  })

  it('hashes the file once for concurrent and later calls of value()', async () => {
    const data = randomBytes(2048)
    const file = fileWith(data)
    const digest = new FileDigest(file, data.length)
    const first = digest.value()
    expect(digest.value()).toBe(first)
    await expect(first).resolves.toBe(sha256(data))
    // Memoised: the file is not read again.
    writeFileSync(file, randomBytes(2048))
    await expect(digest.value()).resolves.toBe(sha256(data))
  })

  it('does not remember a failed hash: value() rejects for a missing file, then resolves once it exists', async () => {
    const file = path.join(dir, 'appears-later')
    const digest = new FileDigest(file, 3)
    await expect(digest.value()).rejects.toThrow(/ENOENT/)
    expect(digest.known).toBeUndefined()
    writeFileSync(file, 'abc')
    await expect(digest.value()).resolves.toBe(sha256(Buffer.from('abc')))
    expect(digest.known).toBe(sha256(Buffer.from('abc')))
  })
})
