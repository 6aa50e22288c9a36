import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { repoRoot } from '../support/run-tool.js'

// The npm package as a user gets it: `npm pack` of this repository, then `npx` of the tarball
// with an empty cache, offline and with a registry that answers nothing. dist/index.js bundles
// everything, so the package must declare no dependencies: npx then installs exactly one
// package and runs it, where a dependency would make it fetch (and fail here).
const run = promisify(execFile)

interface PackResult {
  readonly filename: string
  readonly files: readonly { readonly path: string }[]
}

let work: string
let tarball: string
let packed: PackResult

/** The environment of a fresh machine: no npm settings inherited from `npm run`, no user config. */
async function cleanEnv(cache: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name)) env[name] = value
  }
  const userconfig = path.join(work, 'npmrc')
  await writeFile(userconfig, '')
  return {
    ...env,
    HOME: work,
    npm_config_cache: cache,
    npm_config_userconfig: userconfig,
    // Nothing listens there: any request for a package would fail.
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'forge-release-pack-'))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: repoRoot,
    env: await cleanEnv(path.join(work, 'pack-cache')),
  })
  const results = JSON.parse(stdout) as PackResult[]
  packed = results[0] as PackResult
  tarball = path.join(work, packed.filename)
}, 60_000)

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('the npm package', () => {
  it('holds the bundle, the action, both GitLab templates, the README and the LICENSE, nothing else', () => {
    expect(packed.files.map((f) => f.path).sort()).toEqual([
      '.gitlab-ci-template.yml',
      'LICENSE',
      'README.md',
      'action.yml',
      'dist/index.js',
      'dist/licenses.txt',
      'dist/package.json',
      'package.json',
      'templates/forge-release.yml',
    ])
  })

  it('declares no runtime dependencies, and says where it comes from and under which license', async () => {
    const unpacked = path.join(work, 'unpacked')
    await mkdir(unpacked)
    await run('tar', ['-xzf', tarball, '-C', unpacked, 'package/package.json', 'package/LICENSE'])
    const manifest = JSON.parse(
      await readFile(path.join(unpacked, 'package/package.json'), 'utf8'),
    ) as Record<string, unknown>
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([])
    expect(manifest.optionalDependencies).toBeUndefined()
    expect(manifest.peerDependencies).toBeUndefined()
    expect(manifest.bundleDependencies ?? manifest.bundledDependencies).toBeUndefined()
    expect(manifest).toMatchObject({
      license: 'MIT',
      bin: { 'forge-release': 'dist/index.js' },
      repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\//) as unknown },
      homepage: expect.stringMatching(/^https:\/\//) as unknown,
      bugs: { url: expect.stringMatching(/^https:\/\//) as unknown },
    })
    expect((manifest.keywords as string[]).length).toBeGreaterThan(3)
    const license = await readFile(path.join(unpacked, 'package/LICENSE'), 'utf8')
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the forge-release authors\n/)
  })

  it('runs through npx offline from an empty cache, installing only itself', async () => {
    const cache = path.join(work, 'npx-cache')
    const cwd = path.join(work, 'elsewhere')
    await mkdir(cwd)
    const { stdout, stderr } = await run(
      'npx',
      ['--offline', '--yes', `--package=${tarball}`, 'forge-release', '--help'],
      { cwd, env: await cleanEnv(cache) },
    )
    expect(stdout).toMatch(/^forge-release \d+\.\d+\.\d+: publish a release/)
    expect(stdout).toContain('--tag_name')
    // No engine warnings, no deprecations: nothing else was resolved.
    expect(stderr).not.toMatch(/EBADENGINE|deprecated|ENOTCACHED/)

    const [installation, ...more] = await readdir(path.join(cache, '_npx'))
    expect(more).toEqual([])
    const installed = (
      await readdir(path.join(cache, '_npx', installation ?? '', 'node_modules'))
    ).filter((name) => !name.startsWith('.'))
    expect(installed).toEqual(['forge-release'])
  })
})
