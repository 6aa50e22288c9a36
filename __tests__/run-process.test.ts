import { VERSION } from '../src/main.js'
import { runProcess } from '../src/run-process.js'

// The process wiring both entries share (dist/index.js and src/local-action.ts): the command line
// on the real streams, and @actions/core's stray `::debug::` commands kept off stdout.
type Write = typeof process.stdout.write

const original = { stdout: process.stdout.write, stderr: process.stderr.write }
const githubActions = process.env.GITHUB_ACTIONS
let written: { stdout: string[]; stderr: string[] }

function record(into: string[]): Write {
  return (chunk: string | Uint8Array) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }
}

beforeEach(() => {
  written = { stdout: [], stderr: [] }
  process.stdout.write = record(written.stdout)
  process.stderr.write = record(written.stderr)
})
afterEach(() => {
  process.stdout.write = original.stdout
  process.stderr.write = original.stderr
  if (githubActions === undefined) delete process.env.GITHUB_ACTIONS
  else process.env.GITHUB_ACTIONS = githubActions
})

describe('runProcess', () => {
  it('runs the command line and drops ::debug:: lines outside GitHub Actions', async () => {
    delete process.env.GITHUB_ACTIONS
    expect(await runProcess(['--version'])).toBe(0)
    process.stdout.write('::debug::glob noise\n')
    process.stdout.write('kept\n')
    expect(written.stdout).toEqual([`${VERSION}\n`, 'kept\n'])
    expect(written.stderr).toEqual([])
  })

  it('moves ::debug:: lines to stderr under GitHub Actions with --json, keeping stdout for JSON', async () => {
    process.env.GITHUB_ACTIONS = 'true'
    expect(await runProcess(['--version', '--json'])).toBe(0)
    expect(written.stdout).toEqual([`${VERSION}\n`])
    written.stdout.length = 0
    process.stdout.write('::debug::glob noise\n')
    process.stdout.write('{}\n')
    expect(written.stdout).toEqual(['{}\n'])
    expect(written.stderr).toEqual(['::debug::glob noise\n'])
  })

  it('returns the usage status for an unknown flag', async () => {
    delete process.env.GITHUB_ACTIONS
    expect(await runProcess(['--no-such-input'])).toBe(2)
    expect(written.stderr.join('')).toContain('--help')
  })
})
