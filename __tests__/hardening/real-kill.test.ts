/**
 * The kill matrix (kill-matrix.test.ts) cuts runs in this process at every request. These few
 * runs check that the model holds for a real process death: the shipped bundle is started as a
 * child process, the fake holds one request open, and the test SIGKILLs the process while it
 * waits — then a clean run must end exactly like a run that was never interrupted.
 */
import { spawn } from 'node:child_process'

import {
  comparable,
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
  type ServerRole,
} from '../support/forge-scenarios.js'
import { bundlePath, makeWorkspace, runInProcess, type Env } from '../support/run-tool.js'
import { BUILD_FILES, tagFor } from './support/fixtures.js'

interface HangPoint {
  readonly what: string
  readonly method: string
  readonly path: RegExp
  readonly on?: ServerRole
  /** Inputs the run needs to reach the point. */
  readonly env?: Env
}

const POINTS = (s: ForgeScenario): readonly HangPoint[] => [
  { what: 'the first upload', ...s.routes.upload },
  {
    what: 'the SHA256SUMS upload',
    ...s.routes.upload,
    path: s.forge === 'gongfeng' ? /\/attachments$/ : /SHA256SUMS/,
  },
  // `verify: full` downloads every file; only verify downloads a build file (their sha256 is
  // known), so the download of one of them is verify's. GitHub's storage URL names the file.
  s.forge === 'github'
    ? {
        what: 'a verify download',
        method: 'GET',
        path: /filename%3Dapp-linux-amd64\.tar\.gz/,
        on: 'downloads',
        env: { INPUT_VERIFY: 'full' },
      }
    : s.forge === 'gitea'
      ? {
          // A full verify downloads by uuid; the size check reads one file's download path,
          // which nothing else reads.
          what: 'a verify download',
          ...s.routes.verify,
          path: /\/releases\/download\/[^/]+\/[^/]+$/,
          env: {},
        }
      : {
          what: 'a verify download',
          ...s.routes.verify,
          path: /\/app-linux-amd64\.tar\.gz$/,
          env: { INPUT_VERIFY: 'full' },
        },
]

/** Starts the bundle, SIGKILLs it once the fake holds a request open, resolves when it died. */
async function killWhileHanging(s: ForgeScenario, env: Env, cwd: string): Promise<string> {
  const child = spawn(process.env.FORGE_RELEASE_TEST_NODE ?? process.execPath, [bundlePath], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'ignore'],
  })
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? `exit ${code ?? '?'}`)),
  )
  const hanging = (): boolean => s.requests().some((r) => r.fault === 'hang')
  for (let waited = 0; !hanging() && waited < 30_000; waited += 10) {
    const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r(''), 10))])
    if (done !== '') return `the run ended (${String(done)}) before the point was reached`
  }
  child.kill('SIGKILL')
  return exited
}

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

describe.each(FORGES)('%s: SIGKILL of the bundle', (forge: ForgeName) => {
  let baseline: ReturnType<typeof comparable>
  beforeAll(async () => {
    const s = await startForgeScenario(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    await runInProcess(s.env({ INPUT_TAG_NAME: tagFor(forge), INPUT_ASSETS: 'dist/*' }), workspace)
    baseline = comparable(await s.endState(tagFor(forge)))
    await s.close()
  })

  it.each([
    [0, 'the first upload'],
    [1, 'the SHA256SUMS upload'],
    [2, 'a verify download'],
  ])('leaves a re-runnable release when killed during point %i (%s)', async (index) => {
    const s = (scenario = await startForgeScenario(forge))
    const point = POINTS(s)[index]
    if (point === undefined) throw new Error(`no point ${index}`)
    s.addFault(
      {
        method: point.method,
        path: point.path,
        after: index === 1 && forge === 'gongfeng' ? 3 : 0,
        kind: { hang: true },
      },
      point.on,
    )
    const tag = tagFor(forge)
    const env = s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*', ...point.env })
    const workspace = await makeWorkspace(BUILD_FILES)
    expect(await killWhileHanging(s, env, workspace)).toBe('SIGKILL')
    s.clearFaults()
    const rerun = await runInProcess(env, workspace)
    expect(rerun.output).not.toMatch(/^ERROR/m)
    expect(rerun.exitCode).toBe(0)
    expect(comparable(await s.endState(tag))).toEqual(baseline)
    expect(s.errors()).toEqual([])
  })
})
