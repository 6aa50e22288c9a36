/**
 * The bytes the benchmark pushes arrive intact: whatever the size (0 B, 1 B, past 2 GiB), the
 * fake GitLab records exactly the file's size and sha256, and the body went as it is (an
 * explicit Content-Length, no Content-Encoding, no chunked framing). No timings here: those
 * belong to `npm run bench`.
 *
 * The large file is sparse (a hole with a few marked bytes, one of them across the 2 GiB line
 * where 32-bit offsets would wrap) and the fake keeps only size and sha256 of uploads, so this
 * costs no disk, only the hashing: expected sha256 here, the engine's hash, the server's hash.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rm } from 'node:fs/promises'
import path from 'node:path'

import { makeWorkspace, runInProcess } from '../support/run-tool.js'
import { PROJECT, startGitLabScenario, type GitLabScenario } from '../support/gitlab-scenario.js'

const GIB = 1024 ** 3
/** Past 2^31 so that a signed 32-bit size or offset anywhere on the way would show. */
const LARGE_BYTES = 2 * GIB + 4099

let scenario: GitLabScenario
let workspace: string

beforeEach(async () => {
  // Only size and sha256 of large uploads are kept; small ones (SHA256SUMS, the evidence) keep
  // their bytes, since the engine reads them back.
  scenario = await startGitLabScenario({ storage: 'discard-large' })
  workspace = await makeWorkspace()
})
afterEach(async () => {
  await scenario.close()
  await rm(workspace, { recursive: true, force: true })
  expect(scenario.gitlab.errors).toEqual([])
})

async function sparseFile(
  name: string,
  size: number,
  marks: Record<number, string>,
): Promise<string> {
  const file = path.join(workspace, 'assets', name)
  await mkdir(path.dirname(file), { recursive: true })
  const handle = await open(file, 'w')
  try {
    await handle.truncate(size)
    for (const [offset, text] of Object.entries(marks)) {
      await handle.write(Buffer.from(text), 0, Buffer.byteLength(text), Number(offset))
    }
  } finally {
    await handle.close()
  }
  return file
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer)
  }
  return hash.digest('hex')
}

async function publish(tag: string): Promise<void> {
  const result = await runInProcess(
    scenario.env({ INPUT_TAG_NAME: tag, INPUT_REF: 'main', INPUT_ASSETS: 'assets/*' }),
    workspace,
  )
  expect(result.output).not.toContain('ERROR')
  expect(result.exitCode).toBe(0)
}

/** The file's upload as the server saw and stored it. */
function received(tag: string, name: string) {
  const stored = scenario.gitlab.state
    .packageFiles(PROJECT, 'release-assets', tag)
    .filter((f) => f.fileName === name)
  const uploads = scenario.gitlab.requests.filter({
    method: 'PUT',
    path: new RegExp(`/packages/generic/release-assets/${tag}/${name}(\\?|$)`),
  })
  return { stored, uploads }
}

describe('transfer integrity through the engine to GitLab (discard storage)', () => {
  test.each([
    ['0 B', 'empty.bin', 0, {}],
    ['1 B', 'one.bin', 1, { 0: 'x' }],
  ])('stores a %s file with its exact size and sha256', async (_what, name, size, marks) => {
    const file = await sparseFile(name, size, marks)
    const expected = await sha256Of(file)
    await publish('v1.0.0')

    const { stored, uploads } = received('v1.0.0', name)
    expect(stored).toHaveLength(1)
    expect(stored[0]?.blob.size).toBe(size)
    expect(stored[0]?.blob.sha256).toBe(expected)
    expect(uploads).toHaveLength(1)
    expect(uploads[0]?.bodyBytes).toBe(size)
    expect(uploads[0]?.headers['content-length']).toBe(String(size))
    expect(uploads[0]?.headers['content-encoding']).toBeUndefined()
    expect(uploads[0]?.headers['transfer-encoding']).toBeUndefined()
  })

  it('stores a sparse file past 2 GiB with its exact size and sha256, sent as it is', async () => {
    const file = await sparseFile('large.img', LARGE_BYTES, {
      0: 'start',
      [2 ** 31 - 2]: 'across 2^31',
      [LARGE_BYTES - 3]: 'end',
    })
    const expected = await sha256Of(file)
    await publish('v2.0.0')

    const { stored, uploads } = received('v2.0.0', 'large.img')
    expect(stored).toHaveLength(1)
    expect(stored[0]?.blob.size).toBe(LARGE_BYTES)
    expect(stored[0]?.blob.sha256).toBe(expected)
    expect(uploads).toHaveLength(1)
    expect(uploads[0]?.bodyBytes).toBe(LARGE_BYTES)
    expect(uploads[0]?.headers['content-length']).toBe(String(LARGE_BYTES))
    expect(uploads[0]?.headers['content-encoding']).toBeUndefined()
    expect(uploads[0]?.headers['transfer-encoding']).toBeUndefined()
    // The engine's own record agrees: SHA256SUMS lists the same sha256.
    const sums = scenario.gitlab.state
      .packageFiles(PROJECT, 'release-assets', 'v2.0.0')
      .find((f) => f.fileName === 'SHA256SUMS')
    expect(sums?.blob.size).toBe(`${expected}  large.img\n`.length)
  }, 120_000)
})
