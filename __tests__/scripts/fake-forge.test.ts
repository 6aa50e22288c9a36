import { spawn, type ChildProcess } from 'node:child_process'
import { copyFile, mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'

import { DEFAULT_PORT_BASE, parsePortBase, publishCommand } from '../../scripts/fake-forge.js'
import { runScript } from '../templates/gitlab-job.js'
import { makeWorkspace, repoRoot } from '../support/run-tool.js'

// `npm run fake-forge` as a person uses it: started, its printed GitLab command pasted into a
// shell in a checkout (here: a directory holding dist/), the release looked at on the fake
// server, then Ctrl-C (SIGINT to the process group, as a terminal sends it).

const OFFSETS = [10, 20, 30, 31, 32]

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** A port base whose five ports are free right now. */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + 100 * Math.floor(Math.random() * 400)
    const free = await Promise.all(OFFSETS.map((offset) => isFree(base + offset)))
    if (free.every(Boolean)) return base
  }
  throw new Error('no free port base found')
}

interface Started {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<number | null>
}

function startFakeForge(args: readonly string[]): Started {
  const child = spawn('npm', ['run', '--silent', 'fake-forge', '--', ...args], {
    cwd: repoRoot,
    // Its own process group, so that SIGINT reaches npm, tsx and the script, as Ctrl-C does.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  return { child, output: () => output, exited }
}

async function waitFor(started: Started, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!started.output().includes(text)) {
    if (started.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`fake-forge never printed ${JSON.stringify(text)}:\n${started.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const running: Started[] = []
afterEach(async () => {
  for (const started of running.splice(0)) {
    const { child } = started
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGKILL')
      await started.exited
    }
  }
})

describe('npm run fake-forge', () => {
  it('prints a GitLab command that, pasted into a shell, publishes a release to it; Ctrl-C stops it', async () => {
    const base = await freePortBase()
    const started = startFakeForge(['--port-base', String(base)])
    running.push(started)
    await waitFor(started, 'Ready.')

    const lines = started.output().split('\n')
    const command = lines[lines.indexOf('# GitLab') + 1] ?? ''
    const apiUrl = `http://127.0.0.1:${base + 10}/api/v4`
    expect(command).toMatch(/^node dist\/index\.js --platform gitlab /)
    expect(command).toContain(`--api_url ${apiUrl} `)
    expect(started.output()).toContain(`http://127.0.0.1:${base + 20}/api/v3`)
    expect(started.output()).toContain(`http://127.0.0.1:${base + 30}`)
    const token = /--token (\S+)/.exec(command)?.[1] ?? ''

    const checkout = await makeWorkspace()
    await mkdir(path.join(checkout, 'dist'))
    for (const file of ['index.js', 'package.json']) {
      await copyFile(path.join(repoRoot, 'dist', file), path.join(checkout, 'dist', file))
    }
    const result = await runScript([command], {}, checkout)
    expect(result.stderr).not.toContain('ERROR')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      `release_url=http://127.0.0.1:${base + 10}/demo/app/-/releases/v1.0.0`,
    )

    const response = await fetch(`${apiUrl}/projects/demo%2Fapp/releases/v1.0.0`, {
      headers: { 'PRIVATE-TOKEN': token },
    })
    expect(response.status).toBe(200)
    const release = (await response.json()) as {
      tag_name: string
      assets: { links: { name: string }[] }
    }
    expect(release.tag_name).toBe('v1.0.0')
    expect(release.assets.links.map((l) => l.name).sort()).toEqual([
      'SHA256SUMS',
      'index.js',
      'package.json',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    // It logs what it answered.
    await waitFor(started, `[gitlab] POST /api/v4/projects/demo%2Fapp/releases 201`)

    process.kill(-(started.child.pid ?? 0), 'SIGINT')
    await started.exited
    expect(started.output()).toContain('Stopping the fake forges.')
    expect(await Promise.all(OFFSETS.map((offset) => isFree(base + offset)))).toEqual(
      OFFSETS.map(() => true),
    )
  })

  it('says which port is taken and how to choose others', async () => {
    const base = await freePortBase()
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(base + 20, '127.0.0.1', resolve))
    try {
      const started = startFakeForge(['--port-base', String(base)])
      running.push(started)
      expect(await started.exited).toBe(1)
      expect(started.output()).toContain(`127.0.0.1:${base + 20}`)
      expect(started.output()).toContain('--port-base')
      expect(await isFree(base + 10)).toBe(true)
    } finally {
      blocker.close()
    }
  })
})

describe('fake-forge arguments', () => {
  it.each([
    [[], {}, DEFAULT_PORT_BASE],
    [['--port-base', '5000'], {}, 5000],
    [['--port-base=6000'], { FAKE_FORGE_PORT_BASE: '5000' }, 6000],
    [[], { FAKE_FORGE_PORT_BASE: '5000' }, 5000],
    [['--port-base', '0'], {}, 0],
    [['--help'], {}, 'help'],
  ])('%j with %j listens from %s', (argv, env, expected) => {
    expect(parsePortBase(argv, env)).toBe(expected)
  })

  it.each([
    [['--port-base', '80']],
    [['--port-base', 'x']],
    [['--port-base', '65510']],
    [['--nope']],
  ])('refuses %j', (argv) => {
    expect(() => parsePortBase(argv, {})).toThrow(/port-base|unknown argument/)
  })

  it('quotes what the shell would expand', () => {
    expect(publishCommand('gitlab', 'http://127.0.0.1:4010/api/v4', 'glpat-x')).toBe(
      "node dist/index.js --platform gitlab --api_url http://127.0.0.1:4010/api/v4 --project demo/app --token glpat-x --tag_name v1.0.0 --ref main --assets 'dist/*'",
    )
  })
})
