import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { discoverAssets, type DiscoverOptions } from '../../src/assets/discover-assets.js'
import type { AssetPattern } from '../../src/settings/settings.js'
import { rulesFor } from '../support/asset-rules.js'

const root = mkdtempSync(path.join(tmpdir(), 'forge-release-discover-'))
// Glob characters in the workspace path must not act as globs.
const cwd = path.join(root, 'work[1] *dir')

/** A workspace with a few build outputs, a nested directory, links and a directory named like a file. */
beforeAll(() => {
  const files: Record<string, string> = {
    'dist/app.tar.gz': 'tarball',
    'dist/app.zip': 'zip',
    'dist/debug.zip': 'debug zip',
    'dist/app.zip.map': 'map',
    'tree/sub/nested.txt': 'nested',
    'other/app.zip': 'another zip',
    'spaced/my app.zip': 'spaced',
    'short/ab': 'x',
    'pkg/app+linux': 'plus',
    '.hidden/secret.txt': 'hidden',
  }
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true })
    writeFileSync(path.join(cwd, name), content)
  }
  mkdirSync(path.join(cwd, 'bundles/empty-dir.zip'), { recursive: true })
  writeFileSync(path.join(cwd, 'bundles/real.zip'), 'real')
  mkdirSync(path.join(cwd, 'links'))
  symlinkSync(path.join(cwd, 'dist/app.tar.gz'), path.join(cwd, 'links/linked.tar.gz'))
  mkdirSync(path.join(cwd, 'broken'))
  symlinkSync(path.join(cwd, 'missing-target'), path.join(cwd, 'broken/broken.tar.gz'))
  mkdirSync(path.join(root, 'outside'))
  writeFileSync(path.join(root, 'outside/up.bin'), 'up')
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

// @actions/glob logs through @actions/core, which writes `::debug::` workflow commands to
// stdout under every runtime. Captured here to keep the test output readable, and checked below.
const stdout: string[] = []
const originalWrite = process.stdout.write.bind(process.stdout)
beforeAll(() => {
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    stdout.push(chunk.toString())
    return true
  }
})
afterAll(() => {
  process.stdout.write = originalWrite
})

const discover = (patterns: (string | AssetPattern)[], options: Partial<DiscoverOptions> = {}) =>
  discoverAssets(
    patterns.map((p) => (typeof p === 'string' ? { pattern: p } : p)),
    { cwd, failOnUnmatched: true, ...options },
  )

describe('discoverAssets finds files', () => {
  const cases: [string, (string | AssetPattern)[], string[]][] = [
    ['a glob', ['dist/*.zip'], ['app.zip', 'debug.zip']],
    ['a literal path', ['dist/app.tar.gz'], ['app.tar.gz']],
    ['a ./ path', ['./dist/app.tar.gz'], ['app.tar.gz']],
    ['a globstar', ['**/*.txt'], ['nested.txt', 'secret.txt']],
    ['a directory, meaning every file below it', ['tree/sub'], ['nested.txt']],
    ['a directory with a trailing separator', ['tree/*/'], ['nested.txt']],
    ['braces', ['dist/app.{zip,tar.gz}'], ['app.tar.gz', 'app.zip']],
    [
      'an exclusion after the pattern',
      ['dist/*', '!dist/*.map', '!dist/debug.zip'],
      ['app.tar.gz', 'app.zip'],
    ],
    ['an exclusion with braces', ['dist/*.zip', '!dist/{debug,x}.zip'], ['app.zip']],
    [
      'an exclusion before the pattern, which does not apply to it',
      ['!dist/debug.zip', 'dist/*.zip'],
      ['app.zip', 'debug.zip'],
    ],
    ['a double negation, which includes', ['!!dist/app.zip'], ['app.zip']],
    ['a path above the working directory', ['../outside/*.bin'], ['up.bin']],
    ['an absolute path', [path.join(root, 'outside/up.bin')], ['up.bin']],
    ['a symbolic link, followed', ['links/*'], ['linked.tar.gz']],
    [
      'a file matched by two patterns, once',
      ['dist/app.zip', 'dist/*.zip'],
      ['app.zip', 'debug.zip'],
    ],
    ['comments and blank patterns, skipped', ['# comment', '  ', 'dist/app.zip'], ['app.zip']],
  ]
  test.each(cases)('through %s', async (_what, patterns, names) => {
    const result = await discover(patterns)
    expect(result.problems).toEqual([])
    expect(result.files.map((f) => f.name)).toEqual(names)
  })

  it('describes each file: absolute path, size, link type, link path and content type', async () => {
    const { files } = await discover(
      [
        'dist/app.tar.gz',
        { pattern: 'dist/app.zip', linkType: 'package', directAssetPath: '/bin/app.zip' },
      ],
      {
        defaultLinkType: 'image',
      },
    )
    expect(files).toEqual([
      {
        path: path.join(cwd, 'dist/app.tar.gz'),
        name: 'app.tar.gz',
        size: 7,
        identity: expect.objectContaining({ size: 7 }),
        linkType: 'image',
        directAssetPath: '/app.tar.gz',
        contentType: 'application/gzip',
      },
      {
        path: path.join(cwd, 'dist/app.zip'),
        name: 'app.zip',
        size: 3,
        identity: expect.objectContaining({ size: 3 }),
        linkType: 'package',
        directAssetPath: '/bin/app.zip',
        contentType: 'application/zip',
      },
    ])
  })

  it('resolves patterns against the cwd option, not the process directory', async () => {
    const { files } = await discover(['app.zip'], { cwd: path.join(cwd, 'dist') })
    expect(files.map((f) => f.path)).toEqual([path.join(cwd, 'dist/app.zip')])
  })

  it('reports a directory a glob matches, naming it, instead of skipping it', async () => {
    const { files, problems } = await discover(['bundles/*.zip'])
    expect(files.map((f) => f.name)).toEqual(['real.zip'])
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'ASSET_INVALID',
        input: 'assets',
        message:
          'bundles/empty-dir.zip is a directory, matched by "bundles/*.zip"; only files are published.',
        hint: expect.stringContaining('bundles/**/*'),
      }),
    ])
  })

  it('accepts a directory a glob matches once a ! line leaves it out', async () => {
    const result = await discover(['bundles/*.zip', '!bundles/empty-dir.zip'])
    expect(result.problems).toEqual([])
    expect(result.files.map((f) => f.name)).toEqual(['real.zip'])
  })

  it('walks the directories a ** pattern passes through without reporting them', async () => {
    const result = await discover(['tree/**/*'])
    expect(result.problems).toEqual([])
    expect(result.files.map((f) => f.name)).toEqual(['nested.txt'])
  })
})

describe('discoverAssets applies names', () => {
  it('uploads a single match under its name override', async () => {
    const { files, problems } = await discover([{ pattern: 'dist/app.zip', name: 'app-1.0.zip' }])
    expect(problems).toEqual([])
    expect(files.map((f) => [f.name, f.directAssetPath])).toEqual([['app-1.0.zip', '/app-1.0.zip']])
  })

  it('lets an explicit name replace the basename upload of the same file', async () => {
    const { files } = await discover([
      'dist/*.zip',
      { pattern: 'dist/app.zip', name: 'app-renamed.zip' },
    ])
    expect(files.map((f) => f.name)).toEqual(['app-renamed.zip', 'debug.zip'])
  })

  it('uploads one file under two explicit names', async () => {
    const { files } = await discover([
      { pattern: 'dist/app.zip', name: 'app-1.0.zip' },
      { pattern: 'dist/app.zip', name: 'app-latest.zip' },
    ])
    expect(files.map((f) => f.name)).toEqual(['app-1.0.zip', 'app-latest.zip'])
  })

  test.each([
    ['name', { pattern: 'dist/*.zip', name: 'one.zip' }],
    ['direct_asset_path', { pattern: 'dist/*.zip', directAssetPath: '/one.zip' }],
  ])('rejects %s on a pattern matching several files', async (field, pattern) => {
    const { files, problems } = await discover([pattern])
    expect(files).toEqual([])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ code: 'ASSET_INVALID', input: 'assets' })
    expect(problems[0]?.message).toMatch(
      new RegExp(`sets ${field} but matches 2 files: dist/app.zip, dist/debug.zip`),
    )
    expect(problems[0]?.hint).toMatch(/Narrow the pattern/)
  })
})

describe('discoverAssets reports problems', () => {
  it('reports a pattern that matches nothing', async () => {
    const { problems, warnings } = await discover(['dist/*.exe', 'dist/app.zip'])
    expect(warnings).toEqual([])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ code: 'ASSET_NOT_FOUND', input: 'assets' })
    expect(problems[0]?.message).toContain('"dist/*.exe" matches no file')
    expect(problems[0]?.hint).toMatch(/fail_on_unmatched_assets/)
  })

  it('reports a pattern whose every match is excluded', async () => {
    const { problems } = await discover(['dist/debug.zip', '!dist/*.zip'])
    expect(problems[0]?.message).toMatch(/matches no file .*\(after exclusions\)/)
  })

  it('only warns about a pattern that matches nothing when failOnUnmatched is off', async () => {
    const { files, problems, warnings } = await discover(['dist/*.exe', 'dist/app.zip'], {
      failOnUnmatched: false,
    })
    expect(problems).toEqual([])
    expect(warnings).toEqual([expect.stringContaining('"dist/*.exe" matches no file')])
    expect(files.map((f) => f.name)).toEqual(['app.zip'])
  })

  it('reports a dangling symbolic link, naming it and where it points', async () => {
    const { problems } = await discover(['broken/*'], { failOnUnmatched: false })
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'ASSET_NOT_FOUND',
        input: 'assets',
        message: `broken/broken.tar.gz is a symbolic link to ${path.join(cwd, 'missing-target')}, which does not exist.`,
      }),
    ])
  })

  it('reports two files with one upload name, naming both paths', async () => {
    const { problems } = await discover(['dist/app.zip', 'other/app.zip'])
    expect(problems).toHaveLength(1)
    expect(problems[0]?.message).toBe(
      'Several files would be uploaded as "app.zip": dist/app.zip, other/app.zip.',
    )
    expect(problems[0]?.hint).toMatch(/`name`/)
  })

  it('reports names the platform refuses, only when the platform is given', async () => {
    const checked = await discover(['spaced/*'], { rules: rulesFor('gitlab', 'generic_package') })
    expect(checked.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/"my app.zip" is not accepted by GitLab generic packages/),
    ])
    const unchecked = await discover(['spaced/*'])
    expect(unchecked.problems).toEqual([])
    const github = await discover(['spaced/*'], { rules: rulesFor('github') })
    expect(github.problems).toEqual([])
  })

  it('reports a pattern that cannot be searched', async () => {
    const { problems } = await discover(['{a,b}'.repeat(11)])
    expect(problems).toHaveLength(1)
    expect(problems[0]?.message).toMatch(/cannot be searched/)
  })

  it('rejects files over the platform limit before any upload', async () => {
    const big = path.join(root, 'big.bin')
    const fd = openSync(big, 'w')
    ftruncateSync(fd, 2 * 1024 ** 3)
    closeSync(fd)
    const { problems } = await discover([big], { rules: rulesFor('github') })
    expect(problems).toEqual([
      expect.objectContaining({ code: 'ASSET_TOO_LARGE', input: 'assets' }),
    ])
    rmSync(big)
  })
})

describe('discoverAssets gives GitLab link paths', () => {
  it('leaves out a default link path GitLab would refuse, and says so on GitLab', async () => {
    const { files, warnings } = await discover(['short/ab', 'pkg/app+linux'], {
      rules: rulesFor('gitlab'),
    })
    expect(files.map((f) => [f.name, f.directAssetPath])).toEqual([
      ['ab', undefined],
      ['app+linux', undefined],
    ])
    expect(warnings).toEqual([
      expect.stringContaining('/ab is not a valid GitLab link path'),
      expect.stringContaining('/app+linux is not a valid GitLab link path'),
    ])
  })

  it('reports two assets with one explicit link path on GitLab', async () => {
    const { problems } = await discover(
      [
        { pattern: 'dist/app.zip', directAssetPath: '/bin/app' },
        { pattern: 'dist/debug.zip', directAssetPath: '/bin/app' },
      ],
      { rules: rulesFor('gitlab') },
    )
    expect(problems.map((p) => p.message)).toEqual([
      'Several assets have direct_asset_path "/bin/app": app.zip, debug.zip.',
    ])
  })
})

describe('discoverAssets output', () => {
  it('prints nothing itself; only @actions/glob debug commands reach stdout', async () => {
    stdout.length = 0
    await discover(['dist/app.zip', '**/*.txt'])
    const lines = stdout
      .join('')
      .split('\n')
      .filter((line) => line !== '')
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every((line) => line.startsWith('::debug::'))).toBe(true)
  })
})
