/**
 * Property-based checks of input handling. For any input: the settings reader returns valid
 * settings or throws InputErrors naming real inputs with a hint; the asset-name rules return
 * problems (never throw) and accept only names and paths every rule allows; and the whole tool,
 * run in this process with arbitrary environments against a fake forge, fails only with a
 * ReleaseError — and sends no request at all when it fails while reading its inputs.
 */
import fc from 'fast-check'

import {
  checkDirectAssetPath,
  defaultDirectAssetPath,
  LINK_FILEPATH,
  MAX_DIRECT_ASSET_PATH_LENGTH,
  MAX_NAME_BYTES,
} from '../../src/assets/asset-name.js'
import { InputErrors, ReleaseError } from '../../src/errors.js'
import { GENERIC_PACKAGE_FILE_NAME } from '../../src/forges/gitlab/gitlab-rules.js'
import { checkNameOn } from '../support/asset-rules.js'
import { INPUTS } from '../../src/settings/inputs.js'
import { readSettings } from '../../src/settings/read-settings.js'
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { makeWorkspace, runInProcess, type Env } from '../support/run-tool.js'

const INPUT_NAMES = new Set<string>(INPUTS.map((input) => input.name))
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/** Values that reach interesting branches: hostile, near-valid and plain noise. */
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
  fc.constantFrom(
    '',
    ' ',
    '[]',
    'true',
    'false',
    'auto',
    'gitlab',
    'gongfeng',
    'github',
    'gitea',
    'forgejo',
    'https://codeberg.org/api/v1',
    '0',
    '-1',
    '99999999999',
    'v1.0.0',
    'v1..0',
    '../../etc/passwd',
    '/bin/../x',
    '::add-mask::x',
    '\u001b[31m',
    'a\nb',
    '- path: dist/app.tar.gz\n  name: ../x',
    '- path: [',
    '- name: d\n  url: javascript:alert(1)',
    'dist/*',
    '/',
    '.',
  ),
)

describe('readSettings over arbitrary environments', () => {
  it('returns settings or throws InputErrors naming real inputs, each with a hint', () => {
    const keys = INPUTS.map((input) => `INPUT_${input.name.toUpperCase()}`)
    const env = fc.dictionary(
      fc.constantFrom(
        ...keys,
        'GITLAB_CI',
        'GITHUB_ACTIONS',
        'GITEA_ACTIONS',
        'FORGEJO_ACTIONS',
        'GITHUB_API_URL',
        'CI_JOB_TOKEN',
        'GITHUB_REF',
      ),
      hostile,
      { maxKeys: 12 },
    )
    fc.assert(
      fc.property(env, (values) => {
        try {
          const settings = readSettings(values)
          expect(settings.token.length).toBeGreaterThan(0)
          expect(settings.tagName.length).toBeGreaterThan(0)
        } catch (error) {
          if (!(error instanceof InputErrors)) throw error
          expect(error.problems.length).toBeGreaterThan(0)
          for (const problem of error.problems) {
            expect(INPUT_NAMES.has(problem.input ?? '')).toBe(true)
            expect(problem.hint?.length ?? 0).toBeGreaterThan(5)
          }
        }
      }),
      { numRuns: 400 },
    )
  })
})

describe('asset name rules', () => {
  const platform = fc.constantFrom(undefined, 'gitlab', 'gongfeng', 'github', 'gitea' as const)
  const uploadTo = fc.constantFrom('generic_package', 'project_uploads' as const)
  const name = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.constantFrom('.', '..', '../x', 'a/b', 'a\\b', ' a', 'a ', 'a\u0000', 'x'.repeat(256)),
  )

  it('never throw, and accept only names every shared rule allows', () => {
    fc.assert(
      fc.property(name, platform, uploadTo, (value, p, target) => {
        const problems = checkNameOn(value, p, target)
        for (const problem of problems) {
          expect(problem).toBeInstanceOf(ReleaseError)
          expect(problem.input).toBe('assets')
          expect(problem.hint?.length ?? 0).toBeGreaterThan(5)
        }
        if (problems.length > 0) return
        expect(value).not.toMatch(/[/\\]/)
        expect(CONTROL.test(value)).toBe(false)
        expect(['', '.', '..']).not.toContain(value)
        expect(value.trim()).toBe(value)
        expect(Buffer.byteLength(value)).toBeLessThanOrEqual(MAX_NAME_BYTES)
        if (p === 'gitlab' && target === 'generic_package') {
          expect(value).toMatch(GENERIC_PACKAGE_FILE_NAME)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('accept only direct_asset_paths GitLab takes, that stay inside the release downloads', () => {
    const path = fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => `/${s}`),
      fc
        .array(fc.constantFrom('a', 'b1', '.', '..', '', 'x-y', 'z.tar.gz'), { maxLength: 6 })
        .map((parts) => `/${parts.join('/')}`),
      fc.string({ maxLength: 200 }),
    )
    fc.assert(
      fc.property(path, (value) => {
        const problems = checkDirectAssetPath(value)
        for (const problem of problems) expect(problem).toBeInstanceOf(ReleaseError)
        if (problems.length > 0) return
        expect(value).toMatch(LINK_FILEPATH)
        expect(value.length).toBeLessThanOrEqual(MAX_DIRECT_ASSET_PATH_LENGTH)
        expect(value.split('/')).not.toContain('..')
        expect(value.split('/')).not.toContain('.')
      }),
      { numRuns: 1000 },
    )
  })

  it('derive a default link path only when it is valid', () => {
    fc.assert(
      fc.property(name, (value) => {
        const path = defaultDirectAssetPath(value)
        if (path !== undefined) expect(checkDirectAssetPath(path)).toEqual([])
      }),
      { numRuns: 500 },
    )
  })
})

describe('the whole tool over arbitrary environments', () => {
  const scenarios = new Map<ForgeName, ForgeScenario>()
  beforeAll(async () => {
    for (const forge of FORGES) scenarios.set(forge, await startForgeScenario(forge))
  })
  afterAll(async () => {
    for (const s of scenarios.values()) await s.close()
  })

  it('fails only with a ReleaseError, and sends nothing when the inputs are bad', async () => {
    const workspace = await makeWorkspace({ 'dist/app.tar.gz': 'app\n', 'notes.md': '# Notes\n' })
    // Inputs that decide where requests go keep loopback values, so nothing leaves the machine.
    const free = INPUTS.map((input) => input.name).filter(
      (n) => !['api_url', 'ca_file', 'outputs_file'].includes(n),
    )
    const overrides = fc.dictionary(
      fc.constantFrom(...free.map((n) => `INPUT_${n.toUpperCase()}`)),
      fc.oneof(hostile, fc.constant(undefined)),
      { minKeys: 1, maxKeys: 5 },
    )
    let failedOnInput = 0
    let published = 0
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FORGES), overrides, async (forge, values) => {
        const s = scenarios.get(forge)
        if (s === undefined) throw new Error(`no scenario for ${forge}`)
        for (const server of s.servers()) server.requests.clear()
        const env: Env = {
          ...s.env({ INPUT_TAG_NAME: 'v9.9.9', INPUT_ASSETS: 'dist/*', INPUT_RETRIES: '0' }),
          ...values,
        }
        for (const [key, value] of Object.entries(values)) if (value === undefined) delete env[key]
        const result = await runInProcess(env, workspace)
        if (result.exitCode === 0) {
          published++
          return
        }
        expect(result.error).toBeInstanceOf(ReleaseError)
        if (result.error instanceof InputErrors) {
          failedOnInput++
          expect(s.requests()).toEqual([])
        }
      }),
      { numRuns: 120 },
    )
    console.log(
      `Whole-tool property: 120 arbitrary environments, ${failedOnInput} refused as bad input with no request, ${published} published`,
    )
    expect(failedOnInput).toBeGreaterThan(0)
  })
})
