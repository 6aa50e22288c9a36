import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises'
import path from 'node:path'

import { INPUTS, OUTPUTS } from '../../src/settings/inputs.js'
import { REPOSITORY, startGitHubScenario, type GitHubScenario } from '../support/github-scenario.js'
import {
  makeWorkspace,
  parseGitHubOutput,
  repoRoot,
  runBundle,
  type Env,
} from '../support/run-tool.js'
import { isRecord, parseYamlDocuments, type Json } from './gitlab-job.js'

// The example workflows in examples/github/, which the README links to (and shows the least of
// verbatim): valid, pinned, least privilege, and using only real inputs and outputs.
const folder = path.join(repoRoot, 'examples/github')
const names = (await readdir(folder)).filter((f) => f.endsWith('.yml')).sort()
const examples = await Promise.all(
  names.map(async (name) => {
    const text = await readFile(path.join(folder, name), 'utf8')
    return { name, text, workflow: parseYamlDocuments(text)[0] as Record<string, Json> }
  }),
)
const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
/** The publishing job's permissions: its release, and the identity its evidence is signed with. */
const PUBLISHING = { contents: 'write', 'id-token': 'write', attestations: 'write' }
const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string
}

const OWN_ACTION = 'forge-release/forge-release'
const inputNames = new Set<string>(INPUTS.map((i) => i.name))
const outputNames = new Set<string>(OUTPUTS.map((o) => o.name))

type Step = Record<string, Json>
type WorkflowJob = Record<string, Json> & { steps?: Step[] }

function jobsOf(workflow: Record<string, Json>): [string, WorkflowJob][] {
  const jobs = workflow.jobs
  if (!isRecord(jobs)) throw new Error('no jobs')
  return Object.entries(jobs) as [string, WorkflowJob][]
}
const isOwnStep = (step: Step): boolean =>
  typeof step.uses === 'string' && step.uses.startsWith(`${OWN_ACTION}@`)

describe.each(examples)('examples/github/$name', ({ name, text, workflow }) => {
  it('is linked from the README', () => {
    expect(readme).toContain(`](examples/github/${name})`)
  })

  it('pins every third-party action to a full commit SHA', () => {
    const uses = jobsOf(workflow).flatMap(([, job]) =>
      (job.steps ?? []).map((s) => s.uses).filter((u): u is string => typeof u === 'string'),
    )
    expect(uses.length).toBeGreaterThan(0)
    for (const action of uses.filter((u) => !u.startsWith(`${OWN_ACTION}@`))) {
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/)
    }
    // Its own release is shown by tag for readability, with the advice to pin it.
    for (const line of text.split('\n').filter((l) => l.includes(`uses: ${OWN_ACTION}@`))) {
      expect(line).toContain(
        `uses: ${OWN_ACTION}@v${pkg.version} # pin to the SHA of the release you use`,
      )
    }
  })

  it('asks for no more than contents: read, and contents: write (with signing) only where it publishes', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' })
    for (const [jobName, job] of jobsOf(workflow)) {
      const publishes = (job.steps ?? []).some(isOwnStep)
      expect({ job: jobName, permissions: job.permissions }).toEqual({
        job: jobName,
        permissions: publishes ? PUBLISHING : undefined,
      })
    }
  })

  it('gives forge-release only real inputs', () => {
    const steps = jobsOf(workflow).flatMap(([, job]) => (job.steps ?? []).filter(isOwnStep))
    expect(steps.length).toBeGreaterThan(0)
    for (const step of steps) {
      const given = isRecord(step.with) ? Object.keys(step.with) : []
      expect(given.filter((key) => !inputNames.has(key))).toEqual([])
    }
  })

  it('reads only outputs forge-release has, from steps and jobs that exist', () => {
    for (const [, job] of jobsOf(workflow)) {
      const jobText = JSON.stringify(job)
      const ownIds = new Set((job.steps ?? []).filter(isOwnStep).map((s) => s.id))
      for (const [, id, output] of jobText.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        expect({ id, known: ownIds.has(id) }).toEqual({ id, known: true })
        expect({ output, known: outputNames.has(output ?? '') }).toEqual({ output, known: true })
      }
      for (const [, needed, output] of jobText.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const other = jobsOf(workflow).find(([n]) => n === needed)?.[1]
        const declared = isRecord(other?.outputs) ? Object.keys(other.outputs) : []
        expect({ needed, output, declared: declared.includes(output ?? '') }).toEqual({
          needed,
          output,
          declared: true,
        })
      }
    }
    expect(name).toMatch(/\.yml$/)
  })
})

describe('the set of GitHub examples', () => {
  const byName = new Map(examples.map((e) => [e.name, e.workflow]))

  it("the README's GitHub Action example is examples/github/release.yml, verbatim", () => {
    const section = readme.slice(readme.indexOf('### GitHub Action\n'))
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
    expect(block).toBe(examples.find((e) => e.name === 'release.yml')?.text)
  })

  it('publishes on a tag push, and hands outputs to a later step and a later job', () => {
    const workflow = byName.get('release-on-tag.yml') ?? {}
    expect(workflow.on).toEqual({ push: { tags: ['v*'] } })
    const text = JSON.stringify(workflow)
    expect(text).toMatch(/steps\.release\.outputs\.release_url/)
    expect(text).toMatch(/needs\.release\.outputs\.release_url/)
  })

  it('publishes from every job of a build matrix', () => {
    const [[, job] = ['', {} as WorkflowJob]] = jobsOf(byName.get('release-matrix.yml') ?? {})
    expect(isRecord(job.strategy) && isRecord(job.strategy.matrix)).toBe(true)
    expect((job.steps ?? []).some(isOwnStep)).toBe(true)
  })

  it('runs by hand with tag, ref and dry_run inputs passed to the action', () => {
    const workflow = byName.get('release-manual.yml') ?? {}
    const dispatch = isRecord(workflow.on) ? workflow.on.workflow_dispatch : undefined
    const inputs = isRecord(dispatch) && isRecord(dispatch.inputs) ? dispatch.inputs : {}
    expect(Object.keys(inputs).sort()).toEqual(['dry_run', 'ref', 'tag'])
    expect(inputs.dry_run).toMatchObject({ type: 'boolean' })
    const step = jobsOf(workflow)
      .flatMap(([, job]) => job.steps ?? [])
      .find(isOwnStep)
    expect(step?.with).toMatchObject({
      tag_name: '${{ inputs.tag }}',
      ref: '${{ inputs.ref }}',
      dry_run: '${{ inputs.dry_run }}',
    })
  })
})

describe('.github/workflows/release.yml, which publishes forge-release with itself', () => {
  const file = path.join(repoRoot, '.github/workflows/release.yml')
  let text: string
  let workflow: Record<string, Json>
  let scenario: GitHubScenario | undefined
  beforeAll(async () => {
    text = await readFile(file, 'utf8')
    workflow = parseYamlDocuments(text)[0] as Record<string, Json>
  })
  afterEach(async () => {
    await scenario?.close()
    scenario = undefined
  })
  const job = (name: string): WorkflowJob => jobsOf(workflow).find(([n]) => n === name)?.[1] ?? {}
  const isLocalAction = (step: Step): boolean => step.uses === './'
  const publishStep = (): Step => (job('release').steps ?? []).find(isLocalAction) ?? {}
  const publishInputs = (): Record<string, Json> => {
    const given = publishStep().with
    return isRecord(given) ? given : {}
  }

  it('runs on a v* tag push: npm ci and npm test first, then the action of this very commit', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*'] } })
    const testRuns = (job('test').steps ?? []).map((s) => s.run).filter(Boolean)
    expect(testRuns.slice(0, 2)).toEqual(['npm ci --no-audit --no-fund', 'npm test'])
    expect(job('release').needs).toBe('test')
    expect((job('release').steps ?? []).map((s) => s.uses ?? s.run)).toEqual([
      expect.stringMatching(/^actions\/checkout@/),
      './',
      expect.stringMatching(/^echo /),
    ])
  })

  it('pins third-party actions to the same full commit SHAs as the examples', () => {
    const pinned = new Map<string, string>()
    for (const example of examples) {
      for (const [, exampleJob] of jobsOf(example.workflow)) {
        for (const step of exampleJob.steps ?? []) {
          const [action, sha] = typeof step.uses === 'string' ? step.uses.split('@') : []
          if (action !== undefined && sha !== undefined) pinned.set(action, sha)
        }
      }
    }
    const uses = jobsOf(workflow).flatMap(([, j]) =>
      (j.steps ?? []).map((s) => s.uses).filter((u): u is string => typeof u === 'string'),
    )
    for (const action of uses.filter((u) => u !== './')) {
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
      const [name, sha] = action.split('@')
      expect({ name, sha }).toEqual({ name, sha: pinned.get(name ?? '') })
    }
  })

  it('asks for contents: read, and contents: write (with signing) only in the job that publishes', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' })
    for (const [jobName, j] of jobsOf(workflow)) {
      const publishes = (j.steps ?? []).some(isLocalAction)
      expect({ job: jobName, permissions: j.permissions }).toEqual({
        job: jobName,
        permissions: publishes ? PUBLISHING : undefined,
      })
    }
    // The job that can write installs nothing: no npm ci, no scripts of dependencies.
    expect(JSON.stringify(job('release'))).not.toMatch(/npm (ci|install)/)
  })

  it('gives the action only real inputs and reads only its real outputs', () => {
    const given = Object.keys(publishInputs())
    expect(given.filter((key) => !inputNames.has(key))).toEqual([])
    const read = [...JSON.stringify(job('release')).matchAll(/steps\.release\.outputs\.(\w+)/g)]
    expect(read.length).toBeGreaterThan(0)
    for (const [, output] of read) expect(outputNames.has(output ?? '')).toBe(true)
  })

  it('publishes the bundle as forge-release.mjs, action.yml and LICENSE, as the runner would run it', async () => {
    scenario = await startGitHubScenario()
    // The checkout of the tagged commit; GitHub runs action.yml's runs.main, dist/index.js.
    const workspace = await makeWorkspace({ 'github-output': '' })
    await mkdir(path.join(workspace, 'dist'))
    for (const name of ['dist/index.js', 'dist/package.json', 'action.yml', 'LICENSE']) {
      await copyFile(path.join(repoRoot, name), path.join(workspace, name))
    }
    const inputs: Env = {}
    for (const [name, value] of Object.entries(publishInputs())) {
      inputs[`INPUT_${name.toUpperCase()}`] =
        typeof value === 'string' ? value : JSON.stringify(value)
    }
    const result = await runBundle(
      {
        ...scenario.actionsEnv('v1.0.0', inputs),
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: path.join(workspace, 'github-output'),
      },
      workspace,
    )
    expect(result.output).not.toContain('::error::')
    expect(result.exitCode).toBe(0)
    const [release, ...others] = scenario.github.state.releasesOf(REPOSITORY)
    expect(others).toEqual([])
    expect(release?.draft).toBe(false)
    expect(release?.assets.map((a) => a.name).sort()).toEqual([
      'LICENSE',
      'SHA256SUMS',
      'action.yml',
      'forge-release.mjs',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    const outputs = parseGitHubOutput(await readFile(path.join(workspace, 'github-output'), 'utf8'))
    const assets = JSON.parse(outputs.assets ?? '[]') as { name: string; sha256: string }[]
    expect(assets.find((a) => a.name === 'forge-release.mjs')?.sha256).toBe(
      createHash('sha256')
        .update(await readFile(path.join(repoRoot, 'dist/index.js')))
        .digest('hex'),
    )
  })
})
