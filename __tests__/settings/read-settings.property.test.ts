import fc from 'fast-check'
import { InputErrors } from '../../src/errors.js'
import { INPUTS } from '../../src/settings/inputs.js'
import { readSettings } from '../../src/settings/read-settings.js'

const VALID = {
  FORGE_RELEASE_API_URL: 'https://gitlab.example.com/api/v4',
  FORGE_RELEASE_PROJECT: 'group/app',
  FORGE_RELEASE_TOKEN: 'glpat-secret',
  FORGE_RELEASE_TAG_NAME: 'v1.0.0',
}

/** Strings that reach the interesting branches more often than uniform noise would. */
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    '[]',
    'true',
    'false',
    'auto',
    'gitlab',
    'github',
    'gongfeng',
    '0',
    '99999999999',
    'https://gitlab.example.com/api/v4',
    'https://git.code.tencent.com/api/v3',
    'https://api.github.com',
    '- path: a\n  name: b',
    '- *x',
    '- &a [*a]',
    '- !x',
    '[',
    'a,,b',
    '2024-02-30',
    'v1.0.0',
  ),
  fc
    .array(
      fc.constantFrom('- ', '[', ']', '{', '}', ':', ',', '\n', '!', '*', 'a', '/', ' ', '"'),
      {
        maxLength: 30,
      },
    )
    .map((parts) => parts.join('')),
)

const inputs = fc.record(
  Object.fromEntries(INPUTS.map((input) => [`INPUT_${input.name.toUpperCase()}`, value])),
  { requiredKeys: [] },
)
const ci = fc.record(
  {
    GITLAB_CI: fc.constantFrom('true', 'false'),
    GITHUB_ACTIONS: fc.constantFrom('true', 'false'),
    CI_API_V4_URL: value,
    CI_PROJECT_ID: value,
    CI_JOB_TOKEN: value,
    CI_COMMIT_TAG: value,
    GITHUB_REF: value,
    GITHUB_API_URL: value,
    GITHUB_REPOSITORY: value,
    GITHUB_TOKEN: value,
  },
  { requiredKeys: [] },
)

describe('readSettings on arbitrary environments', () => {
  it('returns Settings or throws InputErrors, nothing else', () => {
    fc.assert(
      fc.property(inputs, ci, fc.boolean(), (given, environment, onValidBase) => {
        // Half the runs start from a valid environment, so the success path is exercised too.
        const base = onValidBase ? VALID : {}
        try {
          const settings = readSettings({ ...base, ...environment, ...given })
          expect(typeof settings.tagName).toBe('string')
          expect(settings.token.length).toBeGreaterThan(0)
        } catch (error) {
          if (!(error instanceof InputErrors)) throw error
          expect(error.problems.length).toBeGreaterThan(0)
          for (const problem of error.problems) {
            expect(problem.input).toBeDefined()
            expect(problem.hint).toBeDefined()
          }
        }
      }),
      { numRuns: 1000 },
    )
  })
})
