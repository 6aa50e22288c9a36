import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { InputErrors } from '../../src/errors.js'
import type { Logger } from '../../src/log.js'
import { readSettings } from '../../src/settings/read-settings.js'
import { preparePlan } from '../../src/steps/prepare-plan.js'
import { gitHubAssetRules } from '../../src/forges/github/github-rules.js'

const log: Logger = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  group: (_title, work) => work(),
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'forge-release-plan-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const settingsFor = (assets: string) =>
  readSettings(
    {
      INPUT_API_URL: 'https://gitlab.example.com/api/v4',
      INPUT_PROJECT: 'group/app',
      INPUT_TOKEN: 'glpat-secret-value',
      INPUT_TAG_NAME: 'v1.0.0',
      INPUT_ASSETS: assets,
    },
    { cwd: dir },
  )

describe('preparePlan', () => {
  it('plans the files without hashing them: hashing waits until the forge has been read', async () => {
    await writeFile(path.join(dir, 'app.tar.gz'), 'bytes')
    const plan = await preparePlan(settingsFor('app.tar.gz'), gitHubAssetRules, log)
    expect(plan.files).toEqual([
      expect.objectContaining({ name: 'app.tar.gz', size: 5, path: path.join(dir, 'app.tar.gz') }),
    ])
    expect(plan.files[0]?.sha256).toBeUndefined()
  })

  it('counts SHA256SUMS, both statements and, when signing, their bundles against the cap', async () => {
    await writeFile(path.join(dir, 'a.tar.gz'), 'a')
    await writeFile(path.join(dir, 'b.tar.gz'), 'b')
    const rules = { ...gitHubAssetRules, maxAssets: 5 }
    // Two files, SHA256SUMS, the evidence and the provenance: five.
    await expect(preparePlan(settingsFor('*.tar.gz'), rules, log)).resolves.toBeDefined()
    const claims = Buffer.from('{"sub":"me","aud":"sigstore"}').toString('base64url')
    const signing = readSettings(
      {
        INPUT_API_URL: 'https://gitlab.example.com/api/v4',
        INPUT_PROJECT: 'group/app',
        INPUT_TOKEN: 'glpat-secret-value',
        INPUT_TAG_NAME: 'v1.0.0',
        INPUT_ASSETS: '*.tar.gz',
        INPUT_IDENTITY_TOKEN: `e30.${claims}.c2ln`,
      },
      { cwd: dir },
    )
    const failure = await preparePlan(signing, rules, log).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(InputErrors)
    expect((failure as InputErrors).problems).toEqual([
      expect.objectContaining({
        input: 'assets',
        message:
          '2 files and 5 made by forge-release would be published, but a release on gitlab holds at most 5.',
      }),
    ])
  })

  // Root reads any file whatever its mode, so the check cannot fail for root.
  const unlessRoot = process.getuid?.() === 0 ? it.skip : it
  unlessRoot('names an asset it cannot read as an input error, before any request', async () => {
    const file = path.join(dir, 'secret.bin')
    await writeFile(file, 'bytes')
    await chmod(file, 0o000)
    const failure = await preparePlan(settingsFor('secret.bin'), gitHubAssetRules, log).catch(
      (e: unknown) => e,
    )
    expect(failure).toBeInstanceOf(InputErrors)
    expect((failure as InputErrors).problems).toEqual([
      expect.objectContaining({ input: 'assets', message: expect.stringContaining('EACCES') }),
    ])
  })
})
