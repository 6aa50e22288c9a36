/**
 * Assets never carry what lies outside the workspace, never anything but a regular file, and
 * never a file that changed after it was planned: end to end, through the whole tool, on every
 * forge. Each case is proven with what the fake server holds: the bytes of every published
 * file, no request at all for a refused asset (input errors come before any request), and no
 * stored bytes of a file swapped mid-run.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import type { StoredBlob } from '../support/fake-forge/blob-store.js'
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { makeWorkspace, runInProcess, type Env, type ToolResult } from '../support/run-tool.js'
import { namedInputs, sha256, tagFor } from './support/fixtures.js'

const scenarios = new Map<ForgeName, ForgeScenario>()
let outside: string
/** Stands in for ~/.ssh/id_rsa: a file outside every workspace. */
let secret: string
const SECRET = 'PRIVATE KEY of the runner\n'
const APP = 'the build output\n'.repeat(100)

beforeAll(async () => {
  for (const forge of FORGES) scenarios.set(forge, await startForgeScenario(forge))
  outside = await mkdtemp(path.join(tmpdir(), 'forge-release-outside-'))
  secret = path.join(outside, 'id_rsa')
  await writeFile(secret, SECRET)
  await mkdir(path.join(outside, 'dist'))
  await writeFile(path.join(outside, 'dist/tool.bin'), APP)
  await symlink('tool.bin', path.join(outside, 'dist/alias.bin'))
})
afterAll(async () => {
  for (const s of scenarios.values()) await s.close()
  await rm(outside, { recursive: true, force: true })
})

/** Blobs each scenario had kept before the current test's run. */
const keptBefore = new Map<ForgeScenario, number>()

function scenarioOf(forge: ForgeName): ForgeScenario {
  const s = scenarios.get(forge)
  if (s === undefined) throw new Error(`no scenario for ${forge}`)
  s.clearFaults()
  for (const server of s.servers()) server.requests.clear()
  keptBefore.set(s, allBlobs(s).length)
  return s
}

let runs = 0
/** A fresh tag per run, so that no case sees another's release. */
const nextTag = (forge: ForgeName): string => tagFor(forge, `-boundary.${runs++}`)

/** Every blob any server of the fake ever kept, SHA256SUMS and evidence included. */
const allBlobs = (s: ForgeScenario): StoredBlob[] => s.servers().flatMap((x) => x.blobs.written)

/** The blobs the fake kept during the current test's run. */
const storedBlobs = (s: ForgeScenario): StoredBlob[] => allBlobs(s).slice(keptBefore.get(s) ?? 0)

/** A workspace holding dist/app.bin as a regular file, plus what `arrange` adds. */
async function workspaceWith(arrange: (workspace: string) => Promise<void>): Promise<string> {
  const workspace = await makeWorkspace({ 'build/app.bin': APP })
  await mkdir(path.join(workspace, 'dist'))
  await arrange(workspace)
  return workspace
}

const linkAt = (workspace: string, at: string, target: string): Promise<void> =>
  symlink(target, path.join(workspace, at))

interface Refusal {
  readonly what: string
  readonly arrange: (workspace: string) => Promise<void>
  readonly env?: Env
  readonly assets?: string
  /** What the one error says about the file. */
  readonly message: RegExp
}

const REFUSALS: readonly Refusal[] = [
  {
    what: 'a link to a file outside the workspace (~/.ssh/id_rsa)',
    arrange: (ws) => linkAt(ws, 'dist/app.bin', secret),
    message:
      /dist\/app.bin is a symbolic link to .*id_rsa, outside the workspace .*follow_symlinks: always/,
  },
  {
    what: 'a chain of links that ends outside the workspace',
    arrange: async (ws) => {
      await linkAt(ws, 'build/hop', secret)
      await linkAt(ws, 'dist/app.bin', '../build/hop')
    },
    message: /dist\/app.bin is a symbolic link to .*id_rsa, outside the workspace/,
  },
  {
    what: 'a link loop',
    arrange: (ws) => linkAt(ws, 'dist/app.bin', 'app.bin'),
    message: /dist\/app.bin is a symbolic link loop/,
  },
  {
    what: 'a dangling link',
    arrange: (ws) => linkAt(ws, 'dist/app.bin', '../build/missing.bin'),
    message: /dist\/app.bin is a symbolic link to \.\.\/build\/missing.bin, which does not exist/,
  },
  {
    what: 'a link to /proc/self/environ',
    arrange: (ws) => linkAt(ws, 'dist/env', '/proc/self/environ'),
    message: /dist\/env leads to \/proc\/\d+\/environ, a file the kernel generates/,
  },
  {
    what: 'a link to /proc/self/environ with follow_symlinks: always',
    arrange: (ws) => linkAt(ws, 'dist/env', '/proc/self/environ'),
    env: { INPUT_FOLLOW_SYMLINKS: 'always' },
    message: /dist\/env leads to \/proc\/\d+\/environ, a file the kernel generates/,
  },
  {
    what: 'a link to /dev/zero',
    arrange: (ws) => linkAt(ws, 'dist/zero', '/dev/zero'),
    message: /dist\/zero leads to \/dev\/zero, a character device; only regular files/,
  },
  {
    what: 'a link to /dev/zero with follow_symlinks: always',
    arrange: (ws) => linkAt(ws, 'dist/zero', '/dev/zero'),
    env: { INPUT_FOLLOW_SYMLINKS: 'always' },
    message: /dist\/zero leads to \/dev\/zero, a character device; only regular files/,
  },
  {
    what: 'a FIFO',
    arrange: (ws) => {
      execFileSync('mkfifo', [path.join(ws, 'dist/pipe')])
      return Promise.resolve()
    },
    message: /dist\/pipe is a FIFO \(named pipe\); only regular files are published/,
  },
  {
    what: 'a directory matched by *',
    arrange: (ws) =>
      writeFile(path.join(ws, 'dist/app.bin'), APP).then(() => mkdir(path.join(ws, 'dist/debug'))),
    message: /dist\/debug is a directory, matched by "dist\/\*"; only files are published/,
  },
  {
    what: 'a link inside the workspace with follow_symlinks: never',
    arrange: (ws) => linkAt(ws, 'dist/app.bin', '../build/app.bin'),
    env: { INPUT_FOLLOW_SYMLINKS: 'never' },
    message:
      /dist\/app.bin is a symbolic link \(to .*build\/app.bin\) and follow_symlinks is never/,
  },
]

const cross = <T>(cases: readonly T[]): [ForgeName, T][] =>
  FORGES.flatMap((forge) => cases.map((c) => [forge, c] as [ForgeName, T]))

describe('an asset that may not be published', () => {
  test.each(cross(REFUSALS).map(([forge, c]) => [forge, c.what, c] as const))(
    '%s: %s is an input error naming it, and the fake gets no request at all',
    async (forge, _what, c) => {
      const s = scenarioOf(forge)
      const workspace = await workspaceWith(c.arrange)
      const env = s.env({
        INPUT_TAG_NAME: nextTag(forge),
        INPUT_ASSETS: c.assets ?? 'dist/*',
        ...c.env,
      })
      const result = await runInProcess(env, workspace)

      expect(result.exitCode).toBe(1)
      expect(s.requests()).toEqual([])
      expect(storedBlobs(s)).toEqual([])
      expect(namedInputs(result.error)).toContain('assets')
      expect(errorLines(result)).toEqual([expect.stringMatching(c.message)])
    },
  )
})

interface Publication {
  readonly what: string
  readonly arrange: (workspace: string) => Promise<void>
  readonly env?: Env
  /** Default: dist/*. A function gets the directory outside the workspace. */
  readonly assets?: (outsideDir: string) => string
  /** The name published and the bytes it must hold. */
  readonly name: string
  readonly content: () => string
}

const PUBLICATIONS: readonly Publication[] = [
  {
    what: 'a link to a file inside the workspace',
    arrange: (ws) => linkAt(ws, 'dist/app.bin', '../build/app.bin'),
    name: 'app.bin',
    content: () => APP,
  },
  {
    what: 'a chain of links that ends inside the workspace',
    arrange: async (ws) => {
      await linkAt(ws, 'build/hop', 'app.bin')
      await linkAt(ws, 'dist/app.bin', '../build/hop')
    },
    name: 'app.bin',
    content: () => APP,
  },
  {
    what: 'an absolute path outside the workspace, written out',
    arrange: () => Promise.resolve(),
    assets: (dir) => path.join(dir, 'id_rsa'),
    name: 'id_rsa',
    content: () => SECRET,
  },
  {
    what: 'a link to a file outside the workspace, written out',
    arrange: (ws) => linkAt(ws, 'dist/app.bin', secret),
    assets: () => 'dist/app.bin',
    name: 'app.bin',
    content: () => SECRET,
  },
  {
    what: 'a glob below an outside directory it names (${{ runner.temp }}/dist/*)',
    arrange: () => Promise.resolve(),
    assets: (dir) => `${dir}/dist/*`,
    name: 'tool.bin',
    content: () => APP,
  },
  {
    what: 'a link below an outside directory it names, to a file in that directory',
    arrange: () => Promise.resolve(),
    assets: (dir) => `${dir}/dist/*`,
    name: 'alias.bin',
    content: () => APP,
  },
  {
    what: 'a link to a file outside the workspace with follow_symlinks: always',
    arrange: (ws) => linkAt(ws, 'dist/app.bin', secret),
    env: { INPUT_FOLLOW_SYMLINKS: 'always' },
    name: 'app.bin',
    content: () => SECRET,
  },
]

describe('an asset that may be published', () => {
  test.each(cross(PUBLICATIONS).map(([forge, c]) => [forge, c.what, c] as const))(
    '%s: %s is published with its bytes',
    async (forge, _what, c) => {
      const s = scenarioOf(forge)
      const workspace = await workspaceWith(c.arrange)
      const tag = nextTag(forge)
      const result = await runInProcess(
        s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: c.assets?.(outside) ?? 'dist/*', ...c.env }),
        workspace,
      )

      expect(errorLines(result)).toEqual([])
      expect(result.exitCode).toBe(0)
      const state = await s.endState(tag)
      expect(state.problems).toEqual([])
      const published = state.files.find((f) => f.name === c.name)
      expect(published).toEqual({
        name: c.name,
        size: Buffer.byteLength(c.content()),
        sha256: sha256(c.content()),
      })
      expect(s.errors()).toEqual([])
    },
  )
})

interface Swap {
  readonly what: string
  /** What dist/app.bin holds once changed. */
  readonly replacement: Buffer
  readonly change: (file: string, replacement: Buffer) => Promise<void>
}

const SWAPS: readonly Swap[] = [
  {
    what: 'replaced by a file renamed over it',
    replacement: Buffer.from('a different build '.repeat(20_000)),
    change: async (file, replacement) => {
      await writeFile(`${file}.new`, replacement)
      await rename(`${file}.new`, file)
    },
  },
  {
    what: 'rewritten in place with another size',
    replacement: Buffer.from('rewritten\n'),
    // Not atomic: the tool may see the file truncated first, which is a change as well.
    change: (file, replacement) => writeFile(file, replacement),
  },
]

/** Big enough that a cut after a few KiB leaves the upload unfinished. */
const ORIGINAL = Buffer.from('the planned build '.repeat(20_000))

describe('an asset that changes after it was planned', () => {
  test.each(cross(SWAPS).map(([forge, c]) => [forge, c.what, c] as const))(
    '%s: %s before its upload fails the run naming it, and nothing of it is stored',
    async (forge, _what, c) => {
      const s = scenarioOf(forge)
      const workspace = await workspaceWith((ws) =>
        writeFile(path.join(ws, 'dist/app.bin'), ORIGINAL),
      )
      const file = path.join(workspace, 'dist/app.bin')
      let changed: Promise<void> | undefined
      // The run's first request comes after planning (every input error comes before any).
      s.addFault({ times: 1, kind: { hook: () => (changed = c.change(file, c.replacement)) } })
      const tag = nextTag(forge)
      const result = await runInProcess(
        s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
        workspace,
      )

      expect(changed).toBeDefined()
      await changed
      expectChangedFailure(result, file)
      expect(uploadRequests(s)).toEqual([])
      expectNothingOf(s, [ORIGINAL, c.replacement])
      expect((await s.endState(tag)).files.map((f) => f.name)).not.toContain('app.bin')
    },
  )

  test.each(cross(SWAPS).map(([forge, c]) => [forge, c.what, c] as const))(
    '%s: %s while its first upload attempt is cut fails the run naming it, and nothing of it is stored',
    async (forge, _what, c) => {
      const s = scenarioOf(forge)
      const workspace = await workspaceWith((ws) =>
        writeFile(path.join(ws, 'dist/app.bin'), ORIGINAL),
      )
      const file = path.join(workspace, 'dist/app.bin')
      let changed: Promise<void> | undefined
      cutFirstUploadAfter(s, () => (changed = c.change(file, c.replacement)))
      const tag = nextTag(forge)
      const result = await runInProcess(
        s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', INPUT_RETRIES: '3' }),
        workspace,
      )

      expect(changed).toBeDefined()
      await changed
      expectChangedFailure(result, file)
      // The cut attempt, and no other: the retry stopped before sending anything (or the
      // attempt itself, when it saw the file change under it).
      expect(uploadRequests(s)).toHaveLength(1)
      expectNothingOf(s, [ORIGINAL, c.replacement])
      expect((await s.endState(tag)).files.map((f) => f.name)).not.toContain('app.bin')
    },
  )
})

/** Runs `swap` when the first upload arrives, then cuts that upload after a few KiB. */
function cutFirstUploadAfter(s: ForgeScenario, swap: () => Promise<void>): void {
  const { upload } = s.routes
  const afterBytes = 4096
  if (s.forge === 'github') {
    // GitHub's own failure mode for a cut upload (a `starter` asset) comes from its fake.
    s.addFault({ method: upload.method, path: upload.path, kind: { hook: swap } }, upload.on)
    s.cutUploads('', afterBytes, 1)
    return
  }
  s.addFault(
    {
      method: upload.method,
      path: upload.path,
      kind: { hook: swap, then: { reset: 'mid-body', afterBytes } },
    },
    upload.on,
  )
}

function uploadRequests(s: ForgeScenario): string[] {
  const { upload } = s.routes
  return s
    .server(upload.on)
    .requests.all()
    .filter((r) => r.method === upload.method && upload.path.test(r.path))
    .map((r) => `${r.method} ${r.path}`)
}

function expectChangedFailure(result: ToolResult, file: string): void {
  expect(result.exitCode).toBe(1)
  expect(errorLines(result)).toEqual([expect.stringContaining(`${file} changed during the run: `)])
}

/** No server of the fake kept a blob holding any of `contents`. */
function expectNothingOf(s: ForgeScenario, contents: readonly Buffer[]): void {
  const shas = new Set(contents.map((c) => sha256(c)))
  const kept = storedBlobs(s).filter((b) => shas.has(b.sha256))
  expect(kept).toEqual([])
  expect(s.errors()).toEqual([])
}

function errorLines(result: ToolResult): string[] {
  return result.output.split('\n').filter((line) => line.startsWith('ERROR:'))
}
