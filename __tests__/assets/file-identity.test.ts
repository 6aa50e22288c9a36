/**
 * One file, one identity: every read of a planned asset after discovery (hashing on this thread
 * or on a worker, each upload attempt) checks on its open handle that the file is still the one
 * discovery found, and fails naming it otherwise.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'

import { discoverAssets } from '../../src/assets/discover-assets.js'
import { FileDigest } from '../../src/assets/file-digest.js'
import { hashFile, hashFiles } from '../../src/assets/hash-file.js'
import { hashFilesOnAllCores } from '../../src/assets/hash-pool.js'
import type { LocalFile } from '../../src/assets/local-file.js'
import { ReleaseError } from '../../src/errors.js'
import { prepareBody } from '../../src/http/request-body.js'

const MIB = 1024 * 1024
let dir: string
let count = 0
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'forge-release-identity-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A file as discovery plans it: with the identity read from its handle. */
async function planned(size = 3 * MIB + 5): Promise<LocalFile> {
  const name = `asset-${count++}.bin`
  writeFileSync(path.join(dir, name), randomBytes(size))
  const { files, problems } = await discoverAssets([{ pattern: name }], {
    cwd: dir,
    failOnUnmatched: true,
  })
  expect(problems).toEqual([])
  const file = files[0]
  if (file === undefined) throw new Error('not discovered')
  return file
}

/** The ways a file changes after planning. */
const CHANGES: [string, (file: string) => void][] = [
  [
    'replaced by a file renamed over it',
    (file) => {
      writeFileSync(`${file}.new`, randomBytes(3 * MIB + 5))
      renameSync(`${file}.new`, file)
    },
  ],
  ['rewritten in place with another size', (file) => writeFileSync(file, 'short')],
  [
    'rewritten in place with the same size',
    (file) => {
      writeFileSync(file, randomBytes(3 * MIB + 5))
      // A rewrite within the file system's time granularity would keep mtime: make it visible.
      utimesSync(file, new Date(), new Date(Date.now() + 5000))
    },
  ],
]

const changedError = (file: string): unknown =>
  expect.objectContaining({
    name: 'ReleaseError',
    code: 'ASSET_INVALID',
    message: expect.stringContaining(`${file} changed during the run: `),
    hint: expect.stringContaining('run the job again'),
  })

async function readAll(body: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('discovery records which file each asset is', () => {
  it('reads dev, ino, size and mtime from the file', async () => {
    const file = await planned(10)
    expect(file.identity).toEqual({
      dev: expect.any(Number),
      ino: expect.any(Number),
      size: 10,
      mtimeMs: expect.any(Number),
    })
  })
})

describe.each(CHANGES)('a planned file %s', (_how, change) => {
  it('fails hashing on this thread, naming the file', async () => {
    const file = await planned()
    change(file.path)
    await expect(hashFile(file.path, file.identity)).rejects.toEqual(changedError(file.path))
    await expect(hashFiles([file], 2)).rejects.toEqual(changedError(file.path))
  })

  it('fails hashing on worker threads, naming the file', async () => {
    const files = [await planned(), await planned()]
    change(files[1]!.path)
    const hashing = hashFilesOnAllCores(files, { cores: 2, thresholdBytes: 0 })
    await expect(hashing).rejects.toEqual(changedError(files[1]!.path))
  })

  it('fails the digest an upload falls back on, naming the file', async () => {
    const file = await planned()
    change(file.path)
    const digest = new FileDigest(file.path, file.size, undefined, file.identity)
    await expect(digest.value()).rejects.toBeInstanceOf(ReleaseError)
    await expect(digest.value()).rejects.toEqual(changedError(file.path))
  })

  it('fails every upload attempt before a byte is read, naming the file', async () => {
    const file = await planned()
    const digest = new FileDigest(file.path, file.size, undefined, file.identity)
    const body = prepareBody({ kind: 'file', path: file.path, size: file.size, observer: digest })
    const first = await body.open(() => undefined)
    await readAll(first.body)
    first.close()
    change(file.path)
    // The retry reopens the file: the same check, every attempt.
    await expect(body.open(() => undefined)).rejects.toEqual(changedError(file.path))
    await expect(body.open(() => undefined)).rejects.toEqual(changedError(file.path))
  })
})

describe('a planned file that changes while an upload reads it', () => {
  it('fails the attempt before its last chunk is sent, and learns no sha256', async () => {
    const file = await planned()
    const digest = new FileDigest(file.path, file.size, undefined, file.identity)
    const body = prepareBody({ kind: 'file', path: file.path, size: file.size, observer: digest })
    const opened = await body.open(() => undefined)
    utimesSync(file.path, new Date(), new Date(Date.now() + 5000))
    const sent: Buffer[] = []
    const reading = (async () => {
      for await (const chunk of opened.body as Readable) sent.push(chunk as Buffer)
    })()
    await expect(reading).rejects.toEqual(changedError(file.path))
    opened.close()
    expect(Buffer.concat(sent).length).toBeLessThan(file.size)
    expect(digest.known).toBeUndefined()
  })

  it('hashes and sends an unchanged file as before', async () => {
    const file = await planned()
    const digest = new FileDigest(file.path, file.size, undefined, file.identity)
    const body = prepareBody({ kind: 'file', path: file.path, size: file.size, observer: digest })
    const opened = await body.open(() => undefined)
    expect((await readAll(opened.body)).length).toBe(file.size)
    opened.close()
    expect(digest.known).toBe(await hashFile(file.path, file.identity))
  })
})
