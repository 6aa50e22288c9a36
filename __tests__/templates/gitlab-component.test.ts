import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { INPUTS, type InputSpec } from '../../src/settings/inputs.js'
import {
  PRIVATE_TOKEN,
  PROJECT,
  startGitLabScenario,
  type GitLabScenario,
} from '../support/gitlab-scenario.js'
import { bundlePath, makeWorkspace, parseDotenv, repoRoot } from '../support/run-tool.js'
import {
  interpolateComponent,
  isRecord,
  jobEnvironment,
  jobScript,
  parseYamlDocuments,
  runScript,
  type InputSpecYaml,
  type Job,
  type Json,
} from './gitlab-job.js'

// templates/forge-release.yml as GitLab includes it: inputs checked and interpolated, then the
// job's script run in a shell against the fake GitLab.
const text = await readFile(path.join(repoRoot, 'templates/forge-release.yml'), 'utf8')
const [header] = parseYamlDocuments(text)
const spec = (isRecord(header) && isRecord(header.spec) ? header.spec.inputs : {}) as Record<
  string,
  InputSpecYaml
>
const templateJob = (
  parseYamlDocuments(
    await readFile(path.join(repoRoot, '.gitlab-ci-template.yml'), 'utf8'),
  )[0] as Record<string, Job>
)['.forge-release'] as Job

let scenario: GitLabScenario
beforeEach(async () => {
  scenario = await startGitLabScenario()
})
afterEach(async () => {
  await scenario.close()
})

const dist = {
  'dist/app-linux.tar.gz': 'linux'.repeat(3000),
  'dist/app-win.zip': 'win'.repeat(2000),
}

/** The one job the component adds, with the inputs a user gives in `include: inputs:`. */
function includeComponent(inputs: Record<string, Json>): { name: string; job: Job } {
  const body = interpolateComponent(text, { 'job-script': `node "${bundlePath}"`, ...inputs })
  const names = Object.keys(body)
  expect(names).toHaveLength(1)
  const name = names[0] ?? ''
  return { name, job: body[name] as Job }
}

async function runJob(job: Job, workspace: string): Promise<Awaited<ReturnType<typeof runScript>>> {
  const env = jobEnvironment(
    job,
    scenario.jobEnv({ CI_COMMIT_TAG: 'v1.0.0', CI_PROJECT_DIR: workspace }),
  )
  return runScript(jobScript(job), env, workspace)
}

describe('the CI/CD component', () => {
  it('types every input of the table as the tool reads it, with its default and values', () => {
    for (const input of INPUTS as readonly InputSpec[]) {
      const entry = spec[input.name]
      expect({ name: input.name, defined: entry !== undefined }).toEqual({
        name: input.name,
        defined: true,
      })
      if (entry === undefined) continue
      expect(entry.description ?? '').not.toBe('')
      if (input.kind === 'boolean') {
        expect(entry).toMatchObject({ type: 'boolean', default: input.default === 'true' })
      } else if (input.kind === 'integer') {
        expect(entry).toMatchObject({ type: 'number', default: Number(input.default) })
      } else {
        expect(entry.type).toBe('string')
        // The dotenv report needs a file name; everything else is empty or the tool's default.
        const expected = input.name === 'outputs_file' ? 'release.env' : (input.default ?? '')
        expect({ name: input.name, default: entry.default }).toEqual({
          name: input.name,
          default: expected,
        })
      }
      if (input.values !== undefined) expect(entry.options).toEqual([...input.values])
    }
  })

  it('adds one job with the defaults: tag pipelines, the pinned image, the dotenv report', () => {
    const { name, job } = includeComponent({})
    expect(name).toBe('forge-release')
    expect(job).toMatchObject({
      stage: 'deploy',
      image: templateJob.image as string,
      rules: [{ if: '$CI_COMMIT_TAG' }],
      artifacts: { paths: ['.forge-release/'], reports: { dotenv: 'release.env' } },
    })
  })

  it('runs the same tool command as the template', () => {
    const { job } = includeComponent({})
    expect(jobScript(job).at(-1)).toBe(jobScript(templateJob).at(-1))
  })

  it('publishes with the given inputs and leaves the outputs for the next job', async () => {
    const workspace = await makeWorkspace(dist)
    const { job } = includeComponent({
      assets: 'dist/*.tar.gz\ndist/*.zip\n',
      milestones: 'v1.0',
      name: 'App $CI_COMMIT_TAG',
      max_parallel_uploads: 2,
      verify: 'full',
    })
    const result = await runJob(job, workspace)
    expect(result.stdout).not.toContain('ERROR')
    expect(result.stdout).not.toContain('WARNING')
    expect(result.code).toBe(0)
    const release = scenario.gitlab.state.release(PROJECT, 'v1.0.0')
    expect(release?.name).toBe('App v1.0.0')
    expect(release?.links.map((l) => l.name).sort()).toEqual([
      'SHA256SUMS',
      'app-linux.tar.gz',
      'app-win.zip',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv).toMatchObject({ RELEASE_TAG_NAME: 'v1.0.0', RELEASE_CREATED: 'true' })
    expect(dotenv.RELEASE_RELEASE_URL).toBe(`${scenario.gitlab.url}/${PROJECT}/-/releases/v1.0.0`)
  })

  it('passes boolean inputs as true/false: dry_run: true changes nothing', async () => {
    const workspace = await makeWorkspace(dist)
    const { job } = includeComponent({ assets: 'dist/*', dry_run: true, checksums: false })
    const result = await runJob(job, workspace)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Dry run: \d+ write requests planned; nothing was changed/)
    expect(result.stdout).not.toContain('SHA256SUMS')
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
  })

  it('names the job and the dotenv report as asked, and the tool writes that file', async () => {
    const workspace = await makeWorkspace(dist)
    const { name, job } = includeComponent({
      'job-name': 'publish-release',
      'job-stage': 'release',
      outputs_file: 'out/publish.env',
      assets: 'dist/*',
    })
    expect(name).toBe('publish-release')
    expect(job.stage).toBe('release')
    expect(job.artifacts).toMatchObject({ reports: { dotenv: 'out/publish.env' } })
    expect((await runJob(job, workspace)).code).toBe(0)
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'out/publish.env'), 'utf8'))
    expect(dotenv.RELEASE_TAG_NAME).toBe('v1.0.0')
  })

  it("accepts the README's include, whose token is expanded from a CI/CD variable when the job runs", async () => {
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### GitLab CI/CD component\n'))
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
    const include = (
      parseYamlDocuments(block)[0] as {
        include: { component: string; inputs: Record<string, Json> }[]
      }
    ).include[0]
    expect(include?.component).toMatch(/^\$CI_SERVER_FQDN\/[\w/-]+\/forge-release@\d+\.\d+\.\d+$/)
    const { job } = includeComponent(include?.inputs ?? {})
    const workspace = await makeWorkspace(dist)
    const env = jobEnvironment(
      job,
      scenario.jobEnv({
        CI_COMMIT_TAG: 'v1.0.0',
        CI_PROJECT_DIR: workspace,
        RELEASE_TOKEN: PRIVATE_TOKEN,
      }),
    )
    expect(env.INPUT_TOKEN).toBe(PRIVATE_TOKEN)
    const result = await runScript(jobScript(job), env, workspace)
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain(PRIVATE_TOKEN)
    expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')).toBeDefined()
  })

  it('runs job-script only when the file it names has the sha256 of job-script-sha256', async () => {
    const digest = createHash('sha256')
      .update(await readFile(bundlePath))
      .digest('hex')
    const workspace = await makeWorkspace(dist)
    const refused = includeComponent({
      'job-script': `node "${bundlePath}"`,
      'job-script-sha256': digest.replace(/^./, (c) => (c === '0' ? '1' : '0')),
      assets: 'dist/*',
    })
    const refusal = await runJob(refused.job, workspace)
    expect(refusal.code).toBe(1)
    expect(refusal.stderr).toContain(
      `ERROR: refusing to run ${bundlePath}: its sha256 is ${digest}`,
    )
    expect(scenario.gitlab.requests.all()).toEqual([])

    const { job } = includeComponent({
      'job-script': `node "${bundlePath}"`,
      'job-script-sha256': digest,
      assets: 'dist/*',
    })
    const result = await runJob(job, workspace)
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('names no forge-release input')
    expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')).toBeDefined()
  })

  it.each([
    [{ if_release_exists: 'overwrite' }, /not in the list of allowed options/],
    [{ dry_run: 'yes' }, /is not a boolean/],
    [{ retries: 'five' }, /is not a number/],
    [{ released_at: 'yesterday' }, /does not match required RegEx/],
    [{ outputs_file: '' }, /does not match required RegEx/],
    [{ tag: 'v1' }, /unknown input: tag/],
    [{ 'job-script-sha256': 'sha256:abc' }, /does not match required RegEx/],
  ])('lets GitLab reject %j before any job runs', (inputs, message) => {
    expect(() => includeComponent(inputs)).toThrow(message)
  })
})
