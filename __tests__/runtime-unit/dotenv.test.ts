import { DOTENV_MAX_BYTES, DOTENV_MAX_VARIABLES, renderDotenv } from '../../src/runtime/dotenv.js'
import { neutraliseForLog } from '../../src/runtime/neutralise.js'

describe('the dotenv report', () => {
  it('writes RELEASE_-prefixed upper-case names, one line each', () => {
    expect(renderDotenv({ tag_name: 'v1', release_url: 'https://x' })).toBe(
      'RELEASE_TAG_NAME=v1\nRELEASE_RELEASE_URL=https://x\n',
    )
  })

  it("leaves out the assets JSON, not the assets file, when it would pass GitLab's 5 KB limit", () => {
    const warnings: string[] = []
    const log = {
      info: () => undefined,
      warn: (m: string) => warnings.push(m),
      debug: () => undefined,
      group: <T>(_t: string, w: () => Promise<T>) => w(),
    }
    const text = renderDotenv(
      { tag_name: 'v1', assets: JSON.stringify('x'.repeat(6000)), assets_file: '/w/assets.json' },
      log,
    )
    expect(text).toContain('RELEASE_ASSETS_FILE=/w/assets.json')
    expect(text).not.toContain('RELEASE_ASSETS=')
    expect(Buffer.byteLength(text)).toBeLessThan(DOTENV_MAX_BYTES)
    expect(warnings.join()).toMatch(/RELEASE_ASSETS is left out/)
  })

  it('writes at most 20 variables', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`v${i}`, 'x']))
    expect(renderDotenv(many).trim().split('\n')).toHaveLength(DOTENV_MAX_VARIABLES)
  })

  it('keeps values on one line', () => {
    expect(renderDotenv({ description: 'a\nb' })).toBe('RELEASE_DESCRIPTION=a b\n')
  })
})

describe('log lines with user data', () => {
  test.each([
    ['a GitHub workflow command', '::error::boom', ':\u200b:error::boom'],
    ['an indented workflow command', '  ::add-mask::x', '  :\u200b:add-mask::x'],
    ['a GitLab section marker', 'section_start:1:x', 'section_start\u200b:1:x'],
    ['an ANSI escape', '\u001b[31mred', '\\x1b[31mred'],
    ['a bare carriage return', 'a\rb', 'a\\rb'],
  ])('neutralises %s', (_what, text, expected) => {
    expect(neutraliseForLog(text)).toBe(expected)
  })
})
