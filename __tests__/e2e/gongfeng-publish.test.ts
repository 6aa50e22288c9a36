import { createHash } from 'node:crypto'
import { readFile, truncate } from 'node:fs/promises'
import path from 'node:path'

import {
  GONGFENG_TOKEN,
  PROJECT,
  startGongfengScenario,
  type GongfengScenario,
} from '../support/gongfeng-scenario.js'
import {
  expectNoTokenLeak,
  makeWorkspace,
  parseDotenv,
  runBundle,
  runInProcess,
} from '../support/run-tool.js'

const files = {
  'dist/app-linux-amd64.tar.gz': 'linux build\n'.repeat(1000),
  'dist/app-darwin-arm64.tar.gz': 'darwin build\n'.repeat(500),
  'dist/app-windows-amd64.zip': 'windows build\n'.repeat(700),
  'CHANGELOG.md': '## v1.2.0\n\n- faster\n',
}
const PUBLISHED = [
  'SHA256SUMS',
  'app-darwin-arm64.tar.gz',
  'app-linux-amd64.tar.gz',
  'app-windows-amd64.zip',
  'provenance.intoto.json',
  'release-evidence.intoto.json',
]

let scenario: GongfengScenario

beforeEach(async () => {
  scenario = await startGongfengScenario()
})
afterEach(async () => {
  expect(scenario.gongfeng.errors).toEqual([])
  await scenario.close()
})

const attachmentNames = (tag: string): string[] =>
  (scenario.gongfeng.state.release(PROJECT, tag)?.attachments ?? []).map((a) => a.name).sort()

const attachmentText = async (tag: string, name: string): Promise<string> => {
  const attachment = scenario.gongfeng.state
    .release(PROJECT, tag)
    ?.attachments.find((a) => a.name === name)
  if (attachment?.blob.file === undefined) throw new Error(`no attachment ${name}`)
  return readFile(attachment.blob.file, 'utf8')
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** How each attachment upload ended: the injected fault, or the status the server answered. */
const uploadOutcomes = (): string[] =>
  scenario.gongfeng.requests
    .filter({ method: 'POST', path: /\/attachments$/ })
    .map((r) => r.fault ?? String(r.status))
    .sort()

describe('publishing to Gongfeng', () => {
  it('creates the tag and the release with labels, three attachments, SHA256SUMS and evidence', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_REF: 'master',
        INPUT_TAG_MESSAGE: 'Version 1.2.0',
        INPUT_NAME: 'App 1.2.0',
        INPUT_DESCRIPTION_FILE: 'CHANGELOG.md',
        INPUT_LABELS: 'stable, linux',
        INPUT_ASSETS: 'dist/*.tar.gz\ndist/*.zip',
        INPUT_OUTPUTS_FILE: 'release.env',
      }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)

    const release = scenario.gongfeng.state.release(PROJECT, 'v1.2.0')
    expect(release).toMatchObject({
      // The API documents no title: the release shows its tag, and name is ignored with a warning.
      title: 'v1.2.0',
      description: files['CHANGELOG.md'],
      labels: ['stable', 'linux'],
      type: 'release',
    })
    const tag = scenario.gongfeng.project(PROJECT).tags.get('v1.2.0')
    expect(tag).toMatchObject({ message: 'Version 1.2.0', commitSha: scenario.masterSha })
    expect(attachmentNames('v1.2.0')).toEqual(PUBLISHED)

    const sums = await attachmentText('v1.2.0', 'SHA256SUMS')
    expect(sums).toBe(
      [
        `${sha256(files['dist/app-darwin-arm64.tar.gz'])}  app-darwin-arm64.tar.gz`,
        `${sha256(files['dist/app-linux-amd64.tar.gz'])}  app-linux-amd64.tar.gz`,
        `${sha256(files['dist/app-windows-amd64.zip'])}  app-windows-amd64.zip`,
        '',
      ].join('\n'),
    )
    const evidence = JSON.parse(await attachmentText('v1.2.0', 'release-evidence.intoto.json')) as {
      subject: { name: string }[]
      predicate: { platform: string; release: { commit_sha: string } }
    }
    expect(evidence.subject.map((s) => s.name)).toEqual(PUBLISHED.slice(0, 4))
    expect(evidence.predicate).toMatchObject({
      platform: 'gongfeng',
      release: { commit_sha: scenario.masterSha },
    })

    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv.RELEASE_CREATED).toBe('true')
    expect(dotenv.RELEASE_COMMIT_SHA).toBe(scenario.masterSha)
    expect(dotenv.RELEASE_RELEASE_URL).toBe(`${scenario.gongfeng.url}/${PROJECT}/releases/v1.2.0`)
    const assets = JSON.parse(result.outputs.assets ?? '[]') as {
      name: string
      url: string
      sha256: string
    }[]
    expect(assets.map((a) => a.name)).toEqual(PUBLISHED)
    // Gongfeng reports no sha256 of attachments; the outputs still carry one for every file.
    expect(assets[0]?.sha256).toBe(sha256(sums))
    for (const asset of assets) expect(asset.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(assets[1]?.url).toBe(
      `${scenario.gongfeng.apiUrl}/projects/tencent%2Fcode/releases/v1.2.0/attachments/app-darwin-arm64.tar.gz`,
    )
    expect(result.outputs.checksums_url).toMatch(/\/attachments\/SHA256SUMS$/)

    // Gongfeng takes the token in a header or in the URL; ours only ever goes in the header.
    await expectNoTokenLeak(GONGFENG_TOKEN, result, workspace)
    expect(scenario.gongfeng.auth.query).toBe(0)
    for (const request of scenario.gongfeng.requests.all()) {
      expect(request.path).not.toMatch(/private_token|gfpat/i)
      expect(request.headers['private-token']).toBe(GONGFENG_TOKEN)
    }
  })

  it('changes nothing and uploads nothing when the same run is repeated', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.env({
      INPUT_TAG_NAME: 'v1.2.0',
      INPUT_REF: 'master',
      INPUT_LABELS: 'stable',
      INPUT_DESCRIPTION: 'Notes',
      INPUT_ASSETS: 'dist/*',
    })
    expect((await runInProcess(env, workspace)).exitCode).toBe(0)
    const evidenceBefore = await attachmentText('v1.2.0', 'release-evidence.intoto.json')
    scenario.gongfeng.requests.clear()

    const again = await runInProcess(env, workspace)
    expect(again.output).not.toContain('ERROR')
    expect(again.exitCode).toBe(0)
    expect(scenario.writes()).toEqual([])
    expect(again.outputs.created).toBe('false')
    expect(attachmentNames('v1.2.0')).toEqual(PUBLISHED)
    expect(await attachmentText('v1.2.0', 'release-evidence.intoto.json')).toBe(evidenceBefore)
  })

  it('makes no write on a re-run with name, which Gongfeng keeps no title for, and says so once', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.env({
      INPUT_TAG_NAME: 'v1.2.0',
      INPUT_REF: 'master',
      INPUT_NAME: 'App 1.2.0',
      INPUT_DESCRIPTION: 'Notes',
      INPUT_LABELS: 'stable',
      INPUT_ASSETS: 'dist/*',
    })
    const first = await runInProcess(env, workspace)
    expect(first.exitCode).toBe(0)
    scenario.gongfeng.requests.clear()

    const again = await runInProcess(env, workspace)
    expect(again.output).not.toContain('ERROR')
    expect(again.exitCode).toBe(0)
    expect(scenario.writes()).toEqual([])
    const warnings = again.output
      .split('\n')
      .filter((line) => /Input 'name' applies only to/.test(line))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/ignored when publishing to Gongfeng/)
    expect(scenario.gongfeng.state.release(PROJECT, 'v1.2.0')?.title).toBe('v1.2.0')
  })

  it('updates the description and labels of an existing release with one PUT, and its evidence', async () => {
    const workspace = await makeWorkspace(files)
    const first = scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_REF: 'master', INPUT_LABELS: 'a' })
    expect((await runInProcess(first, workspace)).exitCode).toBe(0)
    scenario.gongfeng.requests.clear()

    const second = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_NAME: 'Renamed',
        INPUT_DESCRIPTION: 'New notes',
        INPUT_LABELS: 'b,c',
      }),
      workspace,
    )
    expect(second.exitCode).toBe(0)
    expect(scenario.gongfeng.state.release(PROJECT, 'v1.2.0')).toMatchObject({
      title: 'v1.2.0',
      description: 'New notes',
      labels: ['b', 'c'],
    })
    // The evidence describes the release, so it follows the new title and notes.
    expect(scenario.writes()).toEqual([
      'PUT /api/v3/projects/tencent%2Fcode/releases/v1.2.0',
      'DELETE /api/v3/projects/tencent%2Fcode/releases/v1.2.0/attachments/release-evidence.intoto.json',
      'POST /api/v3/projects/tencent%2Fcode/releases/v1.2.0/attachments',
    ])
    expect(second.outputs.created).toBe('false')
  })

  it('makes a release of a tag that was pushed without one, with no ref given', async () => {
    const tag = scenario.gongfeng.state.addTag(PROJECT, { name: 'v2.0.0' })
    scenario.gongfeng.state.addCommit(PROJECT)
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v2.0.0', INPUT_ASSETS: 'dist/*.zip' }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    expect(scenario.gongfeng.state.release(PROJECT, 'v2.0.0')?.type).toBe('release')
    expect(scenario.gongfeng.project(PROJECT).tags.get('v2.0.0')?.commitSha).toBe(tag.commitSha)
    expect(result.outputs.commit_sha).toBe(tag.commitSha)
  })

  it('warns once for each GitLab-only input and publishes without them', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_REF: 'master',
        INPUT_MILESTONES: 'v1.0',
        INPUT_RELEASED_AT: '2026-01-02T03:04:05Z',
        INPUT_ASSET_LINKS: '- name: docs\n  url: https://example.com/docs',
      }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    for (const input of ['milestones', 'released_at', 'asset_links']) {
      const warnings = result.output
        .split('\n')
        .filter((line) => line.includes(`Input '${input}' applies only to GitLab`))
      expect(warnings).toHaveLength(1)
    }
    expect(scenario.gongfeng.state.release(PROJECT, 'v1.2.0')?.type).toBe('release')
  })

  it('fails with one clear error and no write when the tag is missing and no ref is given', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v9.9.9', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/Input 'ref': Tag 'v9.9.9' does not exist/)
    expect(scenario.writes()).toEqual([])
  })

  it('names the project when Gongfeng cannot find it', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_PROJECT: 'tencent/nothing', INPUT_TAG_NAME: 'v1', INPUT_REF: 'master' }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/Input 'project': Gongfeng has no project 'tencent\/nothing'/)
    expect(scenario.writes()).toEqual([])
  })

  it('refuses 11 labels before any request', async () => {
    const workspace = await makeWorkspace(files)
    const labels = Array.from({ length: 11 }, (_, i) => `label${i}`).join(',')
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1', INPUT_REF: 'master', INPUT_LABELS: labels }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/Input 'labels': has 11 labels\. Gongfeng accepts at most 10/)
    expect(scenario.gongfeng.requests.all()).toEqual([])
  })

  it('refuses a file over 200 MB by name before any request', async () => {
    const workspace = await makeWorkspace({ ...files, 'dist/huge.iso': '' })
    await truncate(path.join(workspace, 'dist/huge.iso'), 201 * 1000 * 1000)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1', INPUT_REF: 'master', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(
      /Input 'assets': huge\.iso is 191\.7 MiB; Gongfeng release attachments are limited to 200 MB/,
    )
    expect(scenario.gongfeng.requests.all()).toEqual([])
  })

  it('stores a name with special characters as Gongfeng renames it, and a re-run does not upload it again', async () => {
    const workspace = await makeWorkspace({ 'dist/my app (x64)+debug.zip': 'zip bytes' })
    const env = scenario.env({ INPUT_TAG_NAME: 'v1', INPUT_REF: 'master', INPUT_ASSETS: 'dist/*' })
    const first = await runInProcess(env, workspace)
    expect(first.output).not.toContain('ERROR')
    expect(first.output).toContain('will be stored as myappx64debug.zip')
    expect(attachmentNames('v1')).toEqual([
      'SHA256SUMS',
      'myappx64debug.zip',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    expect(await attachmentText('v1', 'SHA256SUMS')).toBe(
      `${sha256('zip bytes')}  myappx64debug.zip\n`,
    )
    scenario.gongfeng.requests.clear()

    const again = await runInProcess(env, workspace)
    expect(again.exitCode).toBe(0)
    expect(scenario.writes()).toEqual([])
  })

  it('recovers from a 429 with Retry-After, a 503 and a reset mid-upload, storing each file once', async () => {
    const workspace = await makeWorkspace(files)
    const faults = scenario.gongfeng.faults
    const uploads = /\/attachments$/
    faults.add({ method: 'POST', path: /\/releases$/, kind: { status: 429, retryAfter: 3 } })
    faults.add({ method: 'POST', path: uploads, kind: { status: 503 } })
    faults.add({
      method: 'POST',
      path: uploads,
      after: 1,
      kind: { reset: 'mid-body', afterBytes: 100 },
    })
    faults.add({ method: 'POST', path: uploads, after: 2, kind: { reset: 'after-apply' } })
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_REF: 'master',
        INPUT_ASSETS: 'dist/*',
        INPUT_MAX_PARALLEL_UPLOADS: '1',
      }),
      workspace,
    )
    expect(result.output).not.toContain('ERROR')
    expect(result.exitCode).toBe(0)
    expect(faults.list().map((f) => f.fired)).toEqual([1, 1, 1, 1])
    expect(result.sleeps.some((ms) => ms >= 3000)).toBe(true)
    expect(attachmentNames('v1.2.0')).toEqual(PUBLISHED)
    expect(scenario.gongfeng.project(PROJECT).releases.size).toBe(1)
    const sums = await attachmentText('v1.2.0', 'SHA256SUMS')
    expect(sums.trim().split('\n')).toHaveLength(3)
    // Six files, three faults, and no second copy: the upload that landed unanswered was found.
    expect(uploadOutcomes()).toEqual([
      '201',
      '201',
      '201',
      '201',
      '201',
      'reset:after-apply',
      'reset:mid-body',
      'status:503',
    ])
  })

  it('prints the requests of a dry run and sends no write', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_REF: 'master',
        INPUT_ASSETS: 'dist/*.zip',
        INPUT_DRY_RUN: 'true',
      }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    expect(result.output).toContain(
      `POST ${scenario.gongfeng.apiUrl}/projects/tencent%2Fcode/releases (tag v1.2.0, start_point master)`,
    )
    expect(result.output).toContain(
      `POST ${scenario.gongfeng.apiUrl}/projects/tencent%2Fcode/releases/v1.2.0/attachments (app-windows-amd64.zip, 9800 bytes)`,
    )
    expect(scenario.writes()).toEqual([])
  })

  it('ends eight concurrent jobs on one tag with one release holding every file', async () => {
    const jobs = Array.from({ length: 8 }, (_, i) => i)
    const workspaces = await Promise.all(
      jobs.map((i) => makeWorkspace({ [`out/app-${i}.bin`]: `build ${i}\n`.repeat(100 + i) })),
    )
    const results = await Promise.all(
      jobs.map((i) =>
        runInProcess(
          scenario.env({ INPUT_TAG_NAME: 'v3.0.0', INPUT_REF: 'master', INPUT_ASSETS: 'out/*' }),
          workspaces[i] ?? '',
        ),
      ),
    )
    for (const result of results) {
      expect(result.output).not.toContain('ERROR')
      expect(result.exitCode).toBe(0)
    }
    expect(results.filter((r) => r.outputs.created === 'true')).toHaveLength(1)
    const names = jobs.map((i) => `app-${i}.bin`)
    expect(attachmentNames('v3.0.0')).toEqual(
      [...names, 'SHA256SUMS', 'provenance.intoto.json', 'release-evidence.intoto.json'].sort(),
    )
    const sums = await attachmentText('v3.0.0', 'SHA256SUMS')
    expect(sums).toBe(
      `${names.map((n, i) => `${sha256(`build ${i}\n`.repeat(100 + i))}  ${n}`).join('\n')}\n`,
    )
    const evidence = JSON.parse(await attachmentText('v3.0.0', 'release-evidence.intoto.json')) as {
      subject: { name: string }[]
    }
    expect(evidence.subject.map((s) => s.name)).toEqual(['SHA256SUMS', ...names])
  })
})

describe('the bundle dist/index.js against Gongfeng', () => {
  it('publishes a release with its attachment and checksums', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runBundle(
      scenario.env({
        INPUT_TAG_NAME: 'v5.0.0',
        INPUT_REF: 'master',
        INPUT_ASSETS: 'dist/*.zip',
        INPUT_LABELS: 'bundle',
        INPUT_OUTPUTS_FILE: 'release.env',
      }),
      workspace,
    )
    expect(result.output).not.toMatch(/error/i)
    expect(result.exitCode).toBe(0)
    expect(attachmentNames('v5.0.0')).toEqual([
      'SHA256SUMS',
      'app-windows-amd64.zip',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    expect(scenario.gongfeng.state.release(PROJECT, 'v5.0.0')?.labels).toEqual(['bundle'])
    const dotenv = parseDotenv(await readFile(path.join(workspace, 'release.env'), 'utf8'))
    expect(dotenv.RELEASE_CREATED).toBe('true')
    await expectNoTokenLeak(GONGFENG_TOKEN, result, workspace)
    expect(scenario.gongfeng.auth.query).toBe(0)
  })

  it('exits 1 with a message naming the token when Gongfeng refuses it, without printing it', async () => {
    const workspace = await makeWorkspace(files)
    const wrong = 'gfpat-Wr0ngT0ken-000111222'
    const result = await runBundle(
      scenario.env({ INPUT_TAG_NAME: 'v5.0.0', INPUT_REF: 'master', INPUT_TOKEN: wrong }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/token/)
    expect(result.output).toMatch(/401 Unauthorized/)
    await expectNoTokenLeak(wrong, result, workspace)
    expect(scenario.writes()).toEqual([])
  })
})
