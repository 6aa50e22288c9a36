import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { PROJECT, startGitLabScenario, type GitLabScenario } from '../support/gitlab-scenario.js'
import { bundlePath, makeWorkspace, repoRoot, type Env } from '../support/run-tool.js'
import {
  extendJob,
  interpolateComponent,
  jobEnvironment,
  jobScript,
  parseYamlDocuments,
  runScript,
  type Job,
} from './gitlab-job.js'

// The GitLab CI template and the CI/CD component under the same CI/CD variables: both must
// honour FORGE_RELEASE_<NAME>, although the component hands every input, defaults included, to
// the tool as INPUT_<NAME> (dry_run: false, checksums: true, …).
const template = parseYamlDocuments(
  await readFile(path.join(repoRoot, '.gitlab-ci-template.yml'), 'utf8'),
)[0] as Record<string, Job>
const component = await readFile(path.join(repoRoot, 'templates/forge-release.yml'), 'utf8')
const tool = `node "${bundlePath}"`

/** The job as each way of using forge-release in GitLab CI adds it, left at its defaults. */
const jobs: Record<string, () => { job: Job; variables: Env }> = {
  '.gitlab-ci-template.yml': () => ({
    job: extendJob(template['.forge-release'] as Job, { extends: '.forge-release' }),
    variables: { FORGE_RELEASE_SCRIPT: tool },
  }),
  'templates/forge-release.yml': () => {
    const body = interpolateComponent(component, { 'job-script': tool })
    return { job: body['forge-release'] as Job, variables: {} }
  },
}
const ways = Object.keys(jobs)

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

/** Runs the job in a tag pipeline whose project has `cicd` as CI/CD variables. */
async function runJob(way: string, cicd: Env): Promise<Awaited<ReturnType<typeof runScript>>> {
  const workspace = await makeWorkspace(dist)
  const { job, variables } = (jobs[way] ?? (() => ({ job: {}, variables: {} })))()
  // Project CI/CD variables take precedence over the job's own variables in GitLab.
  const base = scenario.jobEnv({ CI_COMMIT_TAG: 'v1.0.0', CI_PROJECT_DIR: workspace })
  const env = { ...jobEnvironment(job, { ...base, ...variables }), ...cicd }
  return runScript(jobScript(job), env, workspace)
}

describe('the template and the component under the same CI/CD variables', () => {
  test.each(ways)(
    '%s makes a dry run for FORGE_RELEASE_DRY_RUN=true: no write request reaches the server',
    async (way) => {
      const result = await runJob(way, {
        FORGE_RELEASE_DRY_RUN: 'true',
        FORGE_RELEASE_ASSETS: 'dist/*',
      })
      expect(result.stdout).not.toContain('ERROR')
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/Dry run: \d+ write requests planned; nothing was changed/)
      expect(scenario.gitlab.requests.all().length).toBeGreaterThan(0)
      expect(scenario.gitlab.requests.writeRequests()).toEqual([])
      expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')).toBeUndefined()
    },
  )

  test.each(ways)(
    '%s leaves out SHA256SUMS and the evidence for FORGE_RELEASE_CHECKSUMS and _EVIDENCE=false',
    async (way) => {
      const result = await runJob(way, {
        FORGE_RELEASE_CHECKSUMS: 'false',
        FORGE_RELEASE_EVIDENCE: 'false',
        FORGE_RELEASE_ASSETS: 'dist/*',
      })
      expect(result.stdout).not.toContain('ERROR')
      expect(result.code).toBe(0)
      const release = scenario.gitlab.state.release(PROJECT, 'v1.0.0')
      expect(release?.links.map((l) => l.name).sort()).toEqual(['app-linux.tar.gz', 'app-win.zip'])
    },
  )
})
