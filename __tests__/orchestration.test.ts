import { makeWorkspace, runInProcess } from './support/run-tool.js'
import { MemoryForge } from './support/memory-forge.js'

// The engine's sequencing, with an in-memory forge: which calls happen in which order.
const baseEnv = {
  INPUT_PLATFORM: 'gitlab',
  INPUT_API_URL: 'http://127.0.0.1:9/api/v4',
  INPUT_PROJECT: 'g/p',
  INPUT_TOKEN: 'memory-token-123',
  INPUT_TAG_NAME: 'v1.0.0',
  INPUT_REF: 'main',
  INPUT_ASSETS: '*.bin',
}

const workspace = (): Promise<string> => makeWorkspace({ 'one.bin': 'one', 'two.bin': 'two!' })

describe('the engine', () => {
  it('uploads first and creates the release with its links after, on GitLab', async () => {
    const forge = new MemoryForge()
    const result = await runInProcess(baseEnv, await workspace(), { forge })
    expect(result.exitCode).toBe(0)
    const writes = forge.writes()
    expect(writes.slice(0, 3)).toEqual([
      'uploadAsset one.bin',
      'uploadAsset two.bin',
      'createRelease v1.0.0 links=2',
    ])
    expect(writes).toContain('collectServerEvidence')
  })

  it('creates the release first when the tag cannot be seen and no ref is given', async () => {
    const forge = new MemoryForge({ tag: { state: 'unknown' } })
    const { INPUT_REF: _ref, ...env } = baseEnv
    const result = await runInProcess(env, await workspace(), { forge })
    expect(result.exitCode).toBe(0)
    expect(forge.writes()[0]).toBe('createRelease v1.0.0 links=0')
    expect(forge.writes()).toContain('createLink one.bin')
  })

  it('adds its links to a release another job created during the run', async () => {
    const forge = new MemoryForge({ loseCreateRace: true })
    const result = await runInProcess(baseEnv, await workspace(), { forge })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.created).toBe('false')
  })

  it('creates a draft, uploads, verifies, then publishes where the forge drafts first', async () => {
    const forge = new MemoryForge({
      platform: 'github',
      links: false,
      drafts: true,
      serverEvidence: false,
    })
    const result = await runInProcess(baseEnv, await workspace(), { forge })
    expect(result.exitCode).toBe(0)
    const calls = forge.calls
    expect(calls.indexOf('createRelease v1.0.0 draft links=0')).toBeLessThan(
      calls.indexOf('uploadAsset one.bin'),
    )
    expect(calls.indexOf('fetchAssetSize one.bin')).toBeLessThan(
      calls.indexOf('publishRelease v1.0.0'),
    )
    expect(forge.release?.draft).toBe(false)
  })

  it('leaves the draft unpublished when draft is asked for', async () => {
    const forge = new MemoryForge({
      platform: 'github',
      links: false,
      drafts: true,
      serverEvidence: false,
    })
    const result = await runInProcess(
      {
        ...baseEnv,
        INPUT_PLATFORM: 'github',
        INPUT_API_URL: 'https://api.github.com',
        INPUT_PROJECT: 'o/r',
        INPUT_DRAFT: 'true',
      },
      await workspace(),
      { forge },
    )
    expect(result.exitCode).toBe(0)
    expect(forge.calls.some((c) => c.startsWith('publishRelease'))).toBe(false)
  })

  it('does nothing to an existing release when if_release_exists is skip', async () => {
    const forge = new MemoryForge()
    expect((await runInProcess(baseEnv, await workspace(), { forge })).exitCode).toBe(0)
    forge.calls.length = 0
    const result = await runInProcess(
      { ...baseEnv, INPUT_IF_RELEASE_EXISTS: 'skip', INPUT_DESCRIPTION: 'new' },
      await workspace(),
      {
        forge,
      },
    )
    expect(result.exitCode).toBe(0)
    expect(forge.writes()).toEqual([])
    expect(result.outputs.created).toBe('false')
  })

  it('keeps the server evidence of an unchanged release instead of collecting it again', async () => {
    const forge = new MemoryForge()
    expect((await runInProcess(baseEnv, await workspace(), { forge })).exitCode).toBe(0)
    forge.release = { ...forge.release!, serverEvidenceShas: ['f'.repeat(64)] }
    forge.calls.length = 0
    const result = await runInProcess(baseEnv, await workspace(), { forge })
    expect(result.exitCode).toBe(0)
    expect(forge.writes()).toEqual([])
    expect(result.outputs.evidence_sha).toBe('f'.repeat(64))
  })

  it('checks one file through its download link and the others by the size the server lists', async () => {
    const forge = new MemoryForge()
    const result = await runInProcess(baseEnv, await workspace(), { forge })
    expect(result.exitCode).toBe(0)
    expect(forge.calls.filter((call) => call.startsWith('fetchAssetSize'))).toEqual([
      'fetchAssetSize one.bin',
    ])
    expect(result.output).toMatch(
      /^Verified 5 assets: 4 by the size the server lists, 1 by the size its download link serves$/m,
    )
  })

  it('fails naming the asset when its download link serves another size than the file', async () => {
    const forge = new MemoryForge({ servedSize: { 'one.bin': 2 } })
    const result = await runInProcess(baseEnv, await workspace(), { forge })
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/one\.bin: the forge serves 2 bytes, the file has 3/)
  })

  it('fails naming the asset when the server lists another size than the file', async () => {
    const forge = new MemoryForge({ listedSize: { 'two.bin': 3 } })
    const result = await runInProcess(baseEnv, await workspace(), { forge })
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/two\.bin: the forge lists 3 bytes, the file has 4/)
  })

  it('warns when an existing tag points at another commit than the given ref', async () => {
    const forge = new MemoryForge({ tag: { state: 'exists', commitSha: 'aaaaaaa111' } })
    const result = await runInProcess({ ...baseEnv, INPUT_REF: 'bbbbbbb222' }, await workspace(), {
      forge,
    })
    expect(result.exitCode).toBe(0)
    expect(result.output).toMatch(
      /WARNING: Tag v1\.0\.0 already points at aaaaaaa111, not at the given ref bbbbbbb222/,
    )
  })

  it('prints the planned writes on a dry run and makes none', async () => {
    const forge = new MemoryForge()
    const result = await runInProcess({ ...baseEnv, INPUT_DRY_RUN: 'true' }, await workspace(), {
      forge,
    })
    expect(result.exitCode).toBe(0)
    expect(forge.writes()).toEqual([])
    expect(result.output).toMatch(/WOULD upload[\s\S]*WOULD create-release/)
  })
})
