/**
 * Discovery never hands over what lies outside the workspace through a link, and never takes
 * anything but a regular file: each refusal is a problem naming the file, where it leads and
 * what would fix it. (End to end, over every forge: __tests__/hardening/workspace-boundary.)
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { discoverAssets, type DiscoverOptions } from '../../src/assets/discover-assets.js'
import type { SymlinkPolicy } from '../../src/assets/follow-symlinks.js'

// Real path: on some systems the temp directory itself sits below a link.
const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'forge-release-boundary-')))
const workspace = path.join(root, 'ws')
const outside = path.join(root, 'outside')
const secret = path.join(outside, 'id_rsa')
let socketServer: Server

const write = (file: string, content: string): void => {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, content)
}
const link = (at: string, target: string): void => {
  mkdirSync(path.dirname(path.join(workspace, at)), { recursive: true })
  symlinkSync(target, path.join(workspace, at))
}

beforeAll(async () => {
  write(secret, 'PRIVATE KEY')
  write(path.join(outside, 'dist/tool.bin'), 'tool')
  symlinkSync(secret, path.join(outside, 'dist/key.bin'))
  symlinkSync('tool.bin', path.join(outside, 'dist/alias.bin'))
  write(path.join(workspace, 'build/app.bin'), 'app')
  write(path.join(workspace, 'dist/app.tar.gz'), 'tarball')
  link('inside/app.bin', '../build/app.bin')
  link('outside/app.bin', secret)
  link('hops/one', 'two')
  link('hops/two', '../build/app.bin')
  link('chain-in/app.bin', '../hops/one')
  link('hops/out-one', 'out-two')
  link('hops/out-two', secret)
  link('chain-out/app.bin', '../hops/out-one')
  // Leaves the workspace and comes back: only where a chain ends counts.
  symlinkSync(path.join(workspace, 'build/app.bin'), path.join(outside, 'back-in'))
  link('round-trip/app.bin', path.join(outside, 'back-in'))
  link('self-loop/app.bin', 'app.bin')
  link('pair-loop/a.bin', 'b.bin')
  link('pair-loop/b.bin', 'a.bin')
  link('dangling/app.bin', '../build/missing.bin')
  link('proc/environ', '/proc/self/environ')
  link('dev/zero', '/dev/zero')
  write(path.join(workspace, 'fifo/app.bin'), 'app')
  execFileSync('mkfifo', [path.join(workspace, 'fifo/pipe')])
  write(path.join(workspace, 'nested/app.bin'), 'app')
  write(path.join(workspace, 'nested/sub/deep.bin'), 'deep')
  link('outside-dir/lib', outside)
  write(path.join(workspace, 'outside-dir/own.bin'), 'own')
  link('dir-link/lib', '../nested/sub')
  mkdirSync(path.join(workspace, 'socket'))
  socketServer = createServer()
  await new Promise<void>((resolve) =>
    socketServer.listen(path.join(workspace, 'socket/app.sock'), resolve),
  )
  write(path.join(workspace, 'pkg/a/dist/app.bin'), 'app')
  symlinkSync('../../../build/app.bin', path.join(workspace, 'pkg/a/dist/shared.bin'))
  // Links a pattern passes at other places than right below its base, and links that lead back.
  write(path.join(workspace, 'mono/a/dist/a.zip'), 'a')
  write(path.join(workspace, 'shared-pkg/dist/b.zip'), 'b')
  write(path.join(workspace, 'shared-pkg/top.zip'), 'top')
  link('mono/b', '../shared-pkg')
  link('mono/c', outside)
  link('zero/b', '../shared-pkg')
  link('named/outside', outside)
  write(path.join(workspace, 'cycle/c.bin'), 'c')
  link('cycle/up', '..')
  write(path.join(workspace, 'ring/two/t.bin'), 't')
  link('ring/one/to-two', '../two')
  link('ring/two/to-one', '../one')
})
afterAll(async () => {
  await new Promise((resolve) => socketServer.close(resolve))
  rmSync(root, { recursive: true, force: true })
})

const discover = (
  patterns: string[],
  followSymlinks?: SymlinkPolicy,
  options: Partial<DiscoverOptions> = {},
) =>
  discoverAssets(
    patterns.map((pattern) => ({ pattern })),
    {
      cwd: workspace,
      failOnUnmatched: true,
      ...(followSymlinks === undefined ? {} : { followSymlinks }),
      ...options,
    },
  )

describe('discovery follows a symbolic link only into the workspace (follow_symlinks: inside)', () => {
  test.each([
    ['a link to a file in the workspace', 'inside/*'],
    ['a chain of links that ends in the workspace', 'chain-in/*'],
    ['a chain that leaves the workspace and ends in it again', 'round-trip/*'],
  ])('publishes %s, with the bytes of its target', async (_what, pattern) => {
    const { files, problems } = await discover([pattern])
    expect(problems).toEqual([])
    expect(files.map((f) => [f.name, f.size])).toEqual([['app.bin', 3]])
  })

  test.each([
    ['a link to a file outside the workspace', 'outside/*'],
    ['a chain of links that ends outside the workspace', 'chain-out/*'],
  ])('refuses %s, naming the link, its target and the fixes', async (_what, pattern) => {
    const shown = `${pattern.slice(0, -2)}/app.bin`
    const { files, problems } = await discover([pattern])
    expect(files).toEqual([])
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'ASSET_INVALID',
        input: 'assets',
        message: `${shown} is a symbolic link to ${secret}, outside the workspace (${workspace}); it is not published.`,
        hint: `To publish it, write its path in 'assets' without glob characters (${shown}), or set follow_symlinks: always.`,
      }),
    ])
  })

  it('allows a link into the workspace that is outside the working directory', async () => {
    const cwd = path.join(workspace, 'pkg/a')
    const within = await discover(['dist/*'], undefined, { cwd, workspace })
    expect(within.problems).toEqual([])
    expect(within.files.map((f) => f.name)).toEqual(['app.bin', 'shared.bin'])
    const alone = await discover(['dist/*'], undefined, { cwd })
    expect(alone.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^dist\/shared.bin is a symbolic link to .*build\/app.bin, outside/),
    ])
  })

  it('does not search a linked directory outside the workspace that a ** passes, and says so', async () => {
    const { files, problems, warnings } = await discover(['outside-dir/**/*.bin'])
    expect(problems).toEqual([])
    expect(files.map((f) => f.name)).toEqual(['own.bin'])
    expect(warnings).toEqual([
      `outside-dir/lib is a symbolic link to the directory ${outside}, which "outside-dir/**/*.bin" does not search: it points outside the workspace (${workspace}). To search it, name the directory in 'assets' or set follow_symlinks: always.`,
    ])
  })

  it('says nothing about a linked directory outside the workspace that a ! line leaves out', async () => {
    const { files, problems, warnings } = await discover([
      'outside-dir/**/*.bin',
      '!outside-dir/lib',
    ])
    expect(problems).toEqual([])
    expect(warnings).toEqual([])
    expect(files.map((f) => f.name)).toEqual(['own.bin'])
  })

  it('searches a linked directory inside the workspace that a ** passes', async () => {
    const { files, problems } = await discover(['dir-link/**/*.bin'])
    expect(problems).toEqual([])
    expect(files.map((f) => f.path)).toEqual([path.join(workspace, 'dir-link/lib/deep.bin')])
  })
})

describe('discovery follows a path written out, wherever it leads', () => {
  it('publishes an absolute path outside the workspace', async () => {
    const { files, problems } = await discover([secret])
    expect(problems).toEqual([])
    expect(files.map((f) => [f.path, f.size])).toEqual([[secret, 11]])
  })

  test.each<[SymlinkPolicy]>([['inside'], ['never']])(
    'publishes a link named without glob characters (follow_symlinks: %s)',
    async (policy) => {
      const { files, problems } = await discover(['outside/app.bin'], policy)
      expect(problems).toEqual([])
      expect(files.map((f) => [f.path, f.size])).toEqual([
        [path.join(workspace, 'outside/app.bin'), 11],
      ])
    },
  )

  it('publishes what a glob finds below an outside directory it names (${{ runner.temp }}/dist/*)', async () => {
    const { files, problems } = await discover([`${outside}/dist/*`, `!${outside}/dist/key.bin`])
    expect(problems).toEqual([])
    // alias.bin is a link to tool.bin: below the directory the pattern names, so it is followed.
    expect(files.map((f) => [f.name, f.size])).toEqual([
      ['alias.bin', 4],
      ['tool.bin', 4],
    ])
  })

  it('refuses a link below that outside directory that leaves it', async () => {
    const { files, problems } = await discover([`${outside}/dist/*`])
    expect(files.map((f) => f.name)).toEqual(['alias.bin', 'tool.bin'])
    expect(problems.map((p) => p.message)).toEqual([
      `${outside}/dist/key.bin is a symbolic link to ${secret}, outside the workspace (${workspace}) and outside ${outside}/dist; it is not published.`,
    ])
  })
})

describe('discovery follows links wherever a pattern passes them', () => {
  it('searches a linked directory a glob segment matches on the way to the files', async () => {
    const { files, problems, warnings } = await discover(['mono/*/dist/*.zip'])
    expect(problems).toEqual([])
    expect(files.map((f) => f.path.slice(workspace.length + 1))).toEqual([
      'mono/a/dist/a.zip',
      'mono/b/dist/b.zip',
    ])
    expect(warnings).toEqual([
      expect.stringMatching(
        /^mono\/c is a symbolic link to the directory .*, which "mono\/\*\/dist\/\*.zip" does not search/,
      ),
    ])
  })

  it('lets a ** match no directory before a linked one named after it', async () => {
    const { files, problems } = await discover(['zero/**/b/*.zip'])
    expect(problems).toEqual([])
    expect(files.map((f) => f.path.slice(workspace.length + 1))).toEqual(['zero/b/top.zip'])
  })

  it('follows a linked directory written out, to what the glob after it matches', async () => {
    const { files, problems } = await discover(['named/outside/dist/t*'])
    expect(problems).toEqual([])
    expect(files.map((f) => [f.path.slice(workspace.length + 1), f.size])).toEqual([
      ['named/outside/dist/tool.bin', 4],
    ])
  })

  it('publishes every file below a linked directory named without glob characters', async () => {
    const { files, problems } = await discover([
      'named/outside',
      '!named/outside/dist',
      '!named/outside/back-in',
    ])
    expect(problems).toEqual([])
    expect(files.map((f) => f.path.slice(workspace.length + 1))).toEqual(['named/outside/id_rsa'])
  })

  it('applies a ! line to what it names inside a linked directory', async () => {
    const { files, problems } = await discover(['dir-link/**/*.bin', '!dir-link/lib/deep.bin'])
    expect(files).toEqual([])
    expect(problems.map((p) => p.code)).toEqual(['ASSET_NOT_FOUND'])
  })

  test.each([
    ['a link to the directory above it', 'cycle/**/*.bin', ['cycle/c.bin']],
    ['two directories linked to each other', 'ring/one/**/*.bin', ['ring/one/to-two/t.bin']],
  ])('searches %s once, and ends', async (_what, pattern, expected) => {
    const { files, problems, warnings } = await discover([pattern], 'always')
    expect(problems).toEqual([])
    expect(warnings).toEqual([])
    expect(files.map((f) => f.path.slice(workspace.length + 1))).toEqual(expected)
  })
})

describe('follow_symlinks: always and never', () => {
  test.each([['outside/*'], ['chain-out/*']])(
    'always: publishes a link to a file outside the workspace (%s)',
    async (pattern) => {
      const { files, problems } = await discover([pattern], 'always')
      expect(problems).toEqual([])
      expect(files.map((f) => [f.path, f.size])).toEqual([
        [path.join(workspace, pattern.replace('*', 'app.bin')), 11],
      ])
    },
  )

  it('always: searches a linked directory outside the workspace', async () => {
    const { files, problems, warnings } = await discover(
      ['outside-dir/**/*.bin', '!**/key.bin'],
      'always',
    )
    expect(problems).toEqual([])
    expect(warnings).toEqual([])
    expect(files.map((f) => f.name)).toEqual(['alias.bin', 'own.bin', 'tool.bin'])
  })

  it('never: refuses even a link inside the workspace, naming how to allow it', async () => {
    const { files, problems } = await discover(['inside/*'], 'never')
    expect(files).toEqual([])
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'ASSET_INVALID',
        input: 'assets',
        message: `inside/app.bin is a symbolic link (to ${workspace}/build/app.bin) and follow_symlinks is never.`,
        hint: "To publish it, write its path in 'assets' without glob characters (inside/app.bin), or set follow_symlinks: inside.",
      }),
    ])
  })

  it('never: does not search a linked directory a ** passes, and says so', async () => {
    const { files, warnings } = await discover(['dir-link/**/*.bin'], 'never')
    expect(files).toEqual([])
    expect(warnings).toEqual([expect.stringContaining('follow_symlinks is never')])
  })
})

describe('discovery publishes only regular files', () => {
  test.each<[string, string, SymlinkPolicy, RegExp]>([
    ['a link loop', 'self-loop/*', 'always', /^self-loop\/app.bin is a symbolic link loop/],
    [
      'a loop of two links',
      'pair-loop/a.bin',
      'inside',
      /^pair-loop\/a.bin is a symbolic link loop/,
    ],
    [
      'a dangling link',
      'dangling/*',
      'inside',
      /^dangling\/app.bin is a symbolic link to \.\.\/build\/missing.bin, which does not exist/,
    ],
    [
      'a link to /proc/self/environ',
      'proc/*',
      'inside',
      /^proc\/environ leads to \/proc\/\d+\/environ, a file the kernel generates \(under \/proc or \/sys\); only regular files/,
    ],
    [
      'a link to /proc/self/environ, even when links may go anywhere',
      'proc/*',
      'always',
      /^proc\/environ leads to \/proc\/\d+\/environ, a file the kernel generates \(under \/proc or \/sys\); only regular files/,
    ],
    [
      '/proc/self/environ written out',
      '/proc/self/environ',
      'inside',
      /^\/proc\/self\/environ is a file the kernel generates/,
    ],
    [
      'a link to /dev/zero',
      'dev/*',
      'inside',
      /^dev\/zero leads to \/dev\/zero, a character device; only regular files are published/,
    ],
    [
      'a link to /dev/zero, even when links may go anywhere',
      'dev/*',
      'always',
      /^dev\/zero leads to \/dev\/zero, a character device; only regular files are published/,
    ],
    ['a FIFO', 'fifo/*', 'inside', /^fifo\/pipe is a FIFO \(named pipe\); only regular files/],
    ['a socket', 'socket/*', 'inside', /^socket\/app.sock is a socket; only regular files/],
    [
      'a directory matched by *',
      'nested/*',
      'inside',
      /^nested\/sub is a directory, matched by "nested\/\*"; only files are published/,
    ],
  ])('reports %s as a problem naming it', async (_what, pattern, policy, message) => {
    const { problems } = await discover([pattern], policy)
    expect(problems).toEqual([
      expect.objectContaining({
        input: 'assets',
        message: expect.stringMatching(message),
        hint: expect.stringMatching(/.{20}/),
      }),
    ])
  })

  it('names a narrower glob as the fix for a directory matched by *', async () => {
    const { files, problems } = await discover(['nested/*'])
    expect(files.map((f) => f.name)).toEqual(['app.bin'])
    expect(problems[0]?.hint).toBe(
      "Narrow the pattern to files (for example nested/*.tar.gz), write nested/**/* to publish every file below it, or leave it out with a '!' line in 'assets'.",
    )
  })

  it('reports a directory a ** pattern matches as a link it may not follow', async () => {
    const { problems } = await discover(['outside-dir/**'])
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^outside-dir\/lib is a symbolic link to .*outside, outside the workspace/,
      ),
    ])
  })

  it('reports nothing about what a ! line leaves out', async () => {
    const { files, problems } = await discover(['fifo/*', '!fifo/pipe'])
    expect(problems).toEqual([])
    expect(files.map((f) => f.name)).toEqual(['app.bin'])
  })

  it('reports every problem of a pattern together, and keeps its good files', async () => {
    const { files, problems } = await discover(['*/app.bin'])
    expect(files.map((f) => f.path.slice(workspace.length + 1))).toEqual([
      'build/app.bin',
      'chain-in/app.bin',
      'fifo/app.bin',
      'inside/app.bin',
      'nested/app.bin',
      'round-trip/app.bin',
    ])
    expect(problems.map((p) => p.message.split(' is ')[0]).sort()).toEqual([
      'Several files would be uploaded as "app.bin": build/app.bin, chain-in/app.bin, fifo/app.bin, inside/app.bin, nested/app.bin and 1 more.',
      'chain-out/app.bin',
      'dangling/app.bin',
      'outside/app.bin',
      'self-loop/app.bin',
    ])
  })
})
