import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { hashFilesOnAllCores } from '../../src/assets/hash-pool.js'
import type { LocalFile } from '../../src/assets/local-file.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'forge-release-hash-pool-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

const fileOf = (name: string, data: Buffer): LocalFile => {
  const file = path.join(dir, name)
  writeFileSync(file, data)
  return { path: file, name, size: data.length, linkType: 'other', contentType: 'x' }
}

describe('hashFilesOnAllCores', () => {
  // Sizes around the workers' 1 MiB read buffer, and out of order, so that largest-first
  // scheduling has to put every answer back in its place.
  const contents = [1, 0, 3 * 1024 * 1024 + 17, 1024 * 1024, 1024 * 1024 - 1, 5].map((size) =>
    randomBytes(size),
  )

  it.each([
    ['on worker threads', { cores: 3, thresholdBytes: 0 }],
    ['on the main thread below the threshold', { cores: 3, thresholdBytes: 1024 ** 4 }],
    ['on the main thread with one core', { cores: 1, thresholdBytes: 0 }],
  ])('returns every file with its sha256, in order, %s', async (_how, options) => {
    const files = contents.map((data, i) => fileOf(`file-${i}`, data))
    const hashed = await hashFilesOnAllCores(files, options)
    expect(hashed.map((f) => f.name)).toEqual(files.map((f) => f.name))
    expect(hashed.map((f) => f.sha256)).toEqual(contents.map(sha256))
    expect(hashed[2]).toMatchObject({ path: files[2]?.path, size: files[2]?.size })
  })

  it('rejects with the error code of a file a worker cannot read, and stops its workers', async () => {
    const files = [
      fileOf('present', Buffer.from('here')),
      { ...fileOf('gone', Buffer.from('x')), path: path.join(dir, 'missing') },
    ]
    await expect(hashFilesOnAllCores(files, { cores: 2, thresholdBytes: 0 })).rejects.toMatchObject(
      { code: 'ENOENT' },
    )
  })

  it('hashes nothing for no files', async () => {
    await expect(hashFilesOnAllCores([], { cores: 4, thresholdBytes: 0 })).resolves.toEqual([])
  })
})
