import { createHash } from 'node:crypto'
import { appendFile, chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { TEST_TLS } from '../support/fake-forge/index.js'
import { PROJECT, startGitLabScenario, type GitLabScenario } from '../support/gitlab-scenario.js'
import { bundlePath, makeWorkspace, parseDotenv, repoRoot, type Env } from '../support/run-tool.js'
import {
  extendJob,
  isRecord,
  jobEnvironment,
  jobScript,
  parseYamlDocuments,
  runScript,
  type Job,
  type Json,
} from './gitlab-job.js'

// .gitlab-ci-template.yml as a user includes it: the README's pipeline, the hidden job merged
// into the user's job, its script run in a shell with GitLab's predefined variables pointing at
// the fake GitLab, then the following job reading the dotenv report.
const templateText = await readFile(path.join(repoRoot, '.gitlab-ci-template.yml'), 'utf8')
const template = parseYamlDocuments(templateText)[0] as Record<string, Job>
const hiddenJob = template['.forge-release'] as Job
const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string
}

/** The first YAML block of a README section. */
function readmeYaml(heading: string): Record<string, Job> {
  const section = readme.slice(readme.indexOf(`### ${heading}\n`))
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error(`no YAML block under ${heading}`)
  return parseYamlDocuments(block)[0] as Record<string, Job>
}

const pipeline = readmeYaml('GitLab CI template')
const userJob = (name: string): Job => {
  const job = pipeline[name]
  if (!isRecord(job)) throw new Error(`the README pipeline has no job ${name}`)
  return job
}
const releaseJob = (): Job =>
  extendJob(hiddenJob, { ...userJob('release'), extends: '.forge-release' })

let scenario: GitLabScenario
const running: GitLabScenario[] = []
async function start(options: Parameters<typeof startGitLabScenario>[0] = {}): Promise<void> {
  scenario = await startGitLabScenario(options)
  running.push(scenario)
}
afterEach(async () => {
  for (const s of running.splice(0)) await s.close()
})

const dist = {
  'dist/app-linux.tar.gz': 'linux'.repeat(3000),
  'dist/app-win.zip': 'win'.repeat(2000),
}

/** What the runner exports for a tag pipeline, plus the one override: the local bundle. */
function ciVariables(workspace: string, extra: Env = {}): Env {
  return scenario.jobEnv({
    CI_COMMIT_TAG: 'v1.0.0',
    CI_PROJECT_DIR: workspace,
    FORGE_RELEASE_SCRIPT: `node "${bundlePath}"`,
    ...extra,
  })
}

describe('.gitlab-ci-template.yml', () => {
  it('is a hidden job for tag pipelines on a Node image pinned to a patch version', () => {
    expect(Object.keys(template)).toEqual(['.forge-release'])
    expect(hiddenJob.rules).toEqual([{ if: '$CI_COMMIT_TAG' }])
    expect(hiddenJob.image).toMatch(/^node:2[4-9]\.\d+\.\d+-alpine/)
    expect(hiddenJob.artifacts).toEqual({
      paths: ['.forge-release/'],
      reports: { dotenv: 'release.env' },
    })
    // A before_script of the user's (or of default:) must not replace anything the job needs.
    expect(hiddenJob.before_script).toBeUndefined()
  })

  it("runs the README's release job, then the next job reads the release from the dotenv report", async () => {
    await start()
    const workspace = await makeWorkspace(dist)
    const job = releaseJob()
    const result = await runScript(
      jobScript(job),
      jobEnvironment(job, ciVariables(workspace)),
      workspace,
    )
    expect(result.stdout).not.toContain('ERROR')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('section_start:')

    const release = scenario.gitlab.state.release(PROJECT, 'v1.0.0')
    expect(release?.links.map((l) => l.name).sort()).toEqual([
      'SHA256SUMS',
      'app-linux.tar.gz',
      'app-win.zip',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    const milestone = scenario.gitlab.project(PROJECT).milestones.find((m) => m.title === 'v1.0')
    expect(release?.milestoneIds).toEqual([milestone?.id])

    // What artifacts:reports:dotenv and artifacts:paths pick up.
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv).toMatchObject({
      RELEASE_TAG_NAME: 'v1.0.0',
      RELEASE_CREATED: 'true',
      RELEASE_COMMIT_SHA: scenario.mainSha,
      RELEASE_RELEASE_URL: `${scenario.gitlab.url}/${PROJECT}/-/releases/v1.0.0`,
      RELEASE_ASSETS_FILE: path.join(workspace, '.forge-release/assets.json'),
    })
    expect(dotenv.RELEASE_CHECKSUMS_URL).toMatch(/SHA256SUMS$/)
    const assets = JSON.parse(await readFile(dotenv.RELEASE_ASSETS_FILE ?? '', 'utf8')) as unknown[]
    expect(assets).toHaveLength(5)

    const announce = userJob('announce')
    const next = await runScript(
      jobScript(announce),
      jobEnvironment(announce, { ...dotenv }),
      workspace,
    )
    expect(next.code).toBe(0)
    expect(next.stdout).toBe(
      `Published ${dotenv.RELEASE_RELEASE_URL}; checksums at ${dotenv.RELEASE_CHECKSUMS_URL}\n`,
    )
  })

  it('runs in POSIX sh too (the alpine image has no bash) and changes nothing on a re-run', async () => {
    await start()
    const workspace = await makeWorkspace(dist)
    const job = releaseJob()
    const env = jobEnvironment(job, ciVariables(workspace))
    expect((await runScript(jobScript(job), env, workspace, 'sh')).code).toBe(0)
    scenario.gitlab.requests.clear()
    const again = await runScript(jobScript(job), env, workspace, 'sh')
    expect(again.code).toBe(0)
    expect(scenario.gitlab.requests.writeRequests()).toEqual([])
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv.RELEASE_CREATED).toBe('false')
  })

  it('runs a vendored copy of dist/ through FORGE_RELEASE_SCRIPT, which the tool never sees', async () => {
    await start()
    const workspace = await makeWorkspace(dist)
    await mkdir(path.join(workspace, 'tools/forge-release'), { recursive: true })
    for (const file of ['index.js', 'package.json']) {
      await copyFile(
        path.join(repoRoot, 'dist', file),
        path.join(workspace, 'tools/forge-release', file),
      )
    }
    const job = extendJob(hiddenJob, {
      variables: {
        FORGE_RELEASE_SCRIPT: 'node tools/forge-release/index.js',
        INPUT_ASSETS: 'dist/*',
      },
    })
    const result = await runScript(
      jobScript(job),
      jobEnvironment(job, { ...ciVariables(workspace), FORGE_RELEASE_SCRIPT: undefined }),
      workspace,
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Running node tools/forge-release/index.js')
    expect(result.stdout).not.toMatch(/FORGE_RELEASE_(SCRIPT|PACKAGE) is set but names no/)
    expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')).toBeDefined()
  })

  describe('FORGE_RELEASE_SCRIPT_SHA256', () => {
    const pinned = async (): Promise<string> =>
      createHash('sha256')
        .update(await readFile(bundlePath))
        .digest('hex')
    /** The release asset forge-release.mjs, downloaded into the repository. */
    async function download(workspace: string, folder: string): Promise<string> {
      await mkdir(path.join(workspace, folder), { recursive: true })
      const file = path.join(folder, 'forge-release.mjs')
      await copyFile(bundlePath, path.join(workspace, file))
      return file
    }
    const run = async (workspace: string, variables: Env, shell: 'bash' | 'sh' = 'bash') => {
      const job = extendJob(hiddenJob, {
        variables: { INPUT_ASSETS: 'dist/*', ...variables },
      })
      const env = jobEnvironment(job, {
        ...ciVariables(workspace),
        FORGE_RELEASE_SCRIPT: undefined,
      })
      return runScript(jobScript(job), env, workspace, shell)
    }

    it.each(['bash', 'sh'] as const)(
      'runs a downloaded forge-release.mjs whose sha256 is the pinned one (%s)',
      async (shell) => {
        await start()
        const workspace = await makeWorkspace(dist)
        const file = await download(workspace, 'tools/forge release')
        const result = await run(
          workspace,
          {
            FORGE_RELEASE_SCRIPT: `node "${file}"`,
            // As SHA256SUMS lists it, or in capitals: the same digest.
            FORGE_RELEASE_SCRIPT_SHA256:
              shell === 'sh' ? (await pinned()).toUpperCase() : await pinned(),
          },
          shell,
        )
        expect(result.stderr).not.toContain('ERROR')
        expect(result.code).toBe(0)
        expect(result.stdout).toContain(`${file} has the sha256 FORGE_RELEASE_SCRIPT_SHA256 pins`)
        // The tool never sees the variable (it would warn about an unknown input).
        expect(result.stdout).not.toContain('FORGE_RELEASE_SCRIPT_SHA256 is set but names no')
        expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')).toBeDefined()
      },
    )

    it('refuses to run a file whose sha256 is not the pinned one, before any request', async () => {
      await start()
      const workspace = await makeWorkspace(dist)
      const file = await download(workspace, 'tools')
      const expected = await pinned()
      // The file changed after its digest was pinned (a tampered or different download).
      await appendFile(path.join(workspace, file), '\n')
      const result = await run(workspace, {
        FORGE_RELEASE_SCRIPT: `node ${file}`,
        FORGE_RELEASE_SCRIPT_SHA256: expected,
      })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(
        `ERROR: refusing to run ${file}: its sha256 is ${createHash('sha256')
          .update(await readFile(path.join(workspace, file)))
          .digest('hex')}, but FORGE_RELEASE_SCRIPT_SHA256 pins ${expected}`,
      )
      expect(result.stdout).not.toContain('Running node')
      expect(scenario.gitlab.requests.all()).toEqual([])
    })

    it.each([
      ['the npm package (no FORGE_RELEASE_SCRIPT)', undefined],
      ['a command naming no .js file', 'forge-release'],
      ['a file that is not there', 'node tools/missing.mjs'],
    ])('refuses a pin on %s', async (_what, script) => {
      await start()
      const workspace = await makeWorkspace(dist)
      const result = await run(workspace, {
        ...(script === undefined ? {} : { FORGE_RELEASE_SCRIPT: script }),
        FORGE_RELEASE_SCRIPT_SHA256: await pinned(),
      })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(
        'FORGE_RELEASE_SCRIPT_SHA256 pins the file FORGE_RELEASE_SCRIPT runs, but FORGE_RELEASE_SCRIPT',
      )
      expect(result.stdout).not.toContain('Running ')
      expect(scenario.gitlab.requests.all()).toEqual([])
    })
  })

  it('gets the tool with npx at the pinned version by default, or the version set, trusting the CA file', async () => {
    await start()
    const workspace = await makeWorkspace()
    // A stand-in npx records how it was called; the real one would fetch from the registry.
    const bin = path.join(workspace, 'bin')
    await mkdir(bin)
    await writeFile(
      path.join(bin, 'npx'),
      '#!/bin/sh\nprintf "%s\\n" "$*" "${NODE_EXTRA_CA_CERTS:-none}" "${NPM_CONFIG_REGISTRY:-none}" "${FORGE_RELEASE_PACKAGE:-unset}" > npx-call.txt\n',
    )
    await chmod(path.join(bin, 'npx'), 0o755)
    const run = async (variables: Env): Promise<string[]> => {
      const job = extendJob(hiddenJob, { variables: variables as Record<string, Json> })
      const env = jobEnvironment(job, {
        ...ciVariables(workspace),
        FORGE_RELEASE_SCRIPT: undefined,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        CI_SERVER_TLS_CA_FILE: '/builds/tmp/CI_SERVER_TLS_CA_FILE',
      })
      expect((await runScript(jobScript(job), env, workspace)).code).toBe(0)
      return (await readFile(path.join(workspace, 'npx-call.txt'), 'utf8')).trimEnd().split('\n')
    }
    expect(await run({})).toEqual([
      `--yes forge-release@${pkg.version}`,
      '/builds/tmp/CI_SERVER_TLS_CA_FILE',
      'none',
      'unset',
    ])
    expect(
      await run({
        FORGE_RELEASE_PACKAGE: 'forge-release@9.9.9',
        NPM_CONFIG_REGISTRY: 'https://gitlab.example.com/api/v4/packages/npm/',
      }),
    ).toEqual([
      '--yes forge-release@9.9.9',
      '/builds/tmp/CI_SERVER_TLS_CA_FILE',
      'https://gitlab.example.com/api/v4/packages/npm/',
      'unset',
    ])
  })

  it("publishes over HTTPS to a server whose CA is only in the runner's CI_SERVER_TLS_CA_FILE", async () => {
    await start({ tls: TEST_TLS })
    const workspace = await makeWorkspace(dist)
    const caFile = path.join(workspace, 'CI_SERVER_TLS_CA_FILE')
    await writeFile(caFile, TEST_TLS.cert)
    const job = releaseJob()
    const result = await runScript(
      jobScript(job),
      jobEnvironment(job, ciVariables(workspace, { CI_SERVER_TLS_CA_FILE: caFile })),
      workspace,
    )
    expect(result.stdout).not.toContain('ERROR')
    expect(result.code).toBe(0)
    expect(scenario.gitlab.apiUrl).toMatch(/^https:/)
    expect(scenario.gitlab.state.release(PROJECT, 'v1.0.0')).toBeDefined()
  })

  it("publishes forge-release's own release from its .gitlab-ci.yml, through the template included locally", async () => {
    const own = parseYamlDocuments(
      await readFile(path.join(repoRoot, '.gitlab-ci.yml'), 'utf8'),
    )[0] as Record<string, Job>
    expect(own.include).toEqual([{ local: '.gitlab-ci-template.yml' }])
    const test = own.test as Job
    expect(jobScript(test).slice(0, 2)).toEqual(['npm ci --no-audit --no-fund', 'npm test'])
    const ownRelease = own.release as Job
    expect(ownRelease).toMatchObject({ extends: '.forge-release', needs: ['test'] })

    await start()
    // A checkout of the tagged commit: the bundle and the files it publishes.
    const workspace = await makeWorkspace()
    await mkdir(path.join(workspace, 'dist'))
    for (const file of ['dist/index.js', 'dist/package.json', 'action.yml', 'LICENSE']) {
      await copyFile(path.join(repoRoot, file), path.join(workspace, file))
    }
    const job = extendJob(hiddenJob, ownRelease)
    const result = await runScript(
      jobScript(job),
      jobEnvironment(job, { ...ciVariables(workspace), FORGE_RELEASE_SCRIPT: undefined }),
      workspace,
    )
    expect(result.stdout).not.toContain('ERROR')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Running node dist/index.js')
    const release = scenario.gitlab.state.release(PROJECT, 'v1.0.0')
    expect(release?.links.map((l) => l.name).sort()).toEqual([
      'LICENSE',
      'SHA256SUMS',
      'action.yml',
      'forge-release.mjs',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    // The digest a runner without a registry pins in FORGE_RELEASE_SCRIPT_SHA256.
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    const assets = JSON.parse(await readFile(dotenv.RELEASE_ASSETS_FILE ?? '', 'utf8')) as {
      name: string
      sha256: string
    }[]
    expect(assets.find((a) => a.name === 'forge-release.mjs')?.sha256).toBe(
      createHash('sha256')
        .update(await readFile(bundlePath))
        .digest('hex'),
    )
  })

  it('fails the job with the exit status of the tool', async () => {
    await start()
    const workspace = await makeWorkspace(dist)
    const job = extendJob(hiddenJob, { variables: { INPUT_RELEASED_AT: 'yesterday' } })
    const result = await runScript(
      jobScript(job),
      jobEnvironment(job, ciVariables(workspace)),
      workspace,
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toContain("ERROR: Input 'released_at'")
    expect(scenario.gitlab.requests.all()).toEqual([])
  })
})
