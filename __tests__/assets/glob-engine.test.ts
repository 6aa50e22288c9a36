import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import {
  escapeGlob,
  globPaths,
  isExcluded,
  matchesPath,
  searchPathOf,
} from '../../src/assets/glob-engine.js'

// Glob characters in the directory name must not act as globs.
const root = path.join(
  realpathSync(mkdtempSync(path.join(tmpdir(), 'forge-release-glob-'))),
  'a[1]*',
)
const at = (relative: string): string => path.join(root, relative)
const pattern = (relative: string): string => path.join(escapeGlob(root), relative)

// @actions/glob writes `::debug::` commands to stdout; keep the test output readable.
const originalWrite = process.stdout.write.bind(process.stdout)
beforeAll(() => {
  process.stdout.write = (): boolean => true
  mkdirSync(at('dir/sub'), { recursive: true })
  writeFileSync(at('dir/file.txt'), 'x')
  mkdirSync(at('elsewhere'))
  symlinkSync('../elsewhere', at('dir/link'))
  symlinkSync('missing', at('dir/dangling'))
})
afterAll(() => {
  process.stdout.write = originalWrite
  rmSync(path.dirname(root), { recursive: true, force: true })
})

describe('the glob engine (@actions/glob, never following a link)', () => {
  it('returns links as themselves, dangling ones too, and does not search behind them', async () => {
    const found = await globPaths([pattern('dir/**')], { matchDirectories: false })
    expect(found.sort()).toEqual([at('dir/dangling'), at('dir/file.txt'), at('dir/link')])
  })

  it('starts where the pattern stops being literal', async () => {
    await expect(searchPathOf(pattern('dir/*/x'))).resolves.toBe(at('dir'))
    await expect(searchPathOf(pattern('dir/file.txt'))).resolves.toBe(at('dir/file.txt'))
  })

  test.each([
    ['dir/*', 'dir/link', true],
    ['dir/**', 'dir/link', true],
    ['dir/l?nk', 'dir/link', true],
    ['dir/*.txt', 'dir/link', false],
    ['dir/*/sub', 'dir/sub', false],
  ])('matches %s against %s: %s', async (glob, item, expected) => {
    await expect(matchesPath(pattern(glob), at(item))).resolves.toBe(expected)
  })

  it('excludes what a ! line names and everything below it', async () => {
    await expect(isExcluded([pattern('dir')], at('dir/sub'))).resolves.toBe(true)
    await expect(isExcluded([pattern('dir/*.txt')], at('dir/file.txt'))).resolves.toBe(true)
    await expect(isExcluded([pattern('dir/*.txt')], at('dir/sub'))).resolves.toBe(false)
    await expect(isExcluded([], at('dir/sub'))).resolves.toBe(false)
  })

  it('refuses a pattern that climbs out with ..', async () => {
    await expect(searchPathOf(`${escapeGlob(root)}/dir/[.][.]/x`)).rejects.toThrow(/\.\./)
  })
})
