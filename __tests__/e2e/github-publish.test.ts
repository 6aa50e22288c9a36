import { readFile, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'

import {
  expectNoTokenLeak,
  makeWorkspace,
  runBundle,
  runInProcess,
  type ToolResult,
} from '../support/run-tool.js'
import {
  GITHUB_TOKEN,
  READ_TOKEN,
  REPOSITORY,
  startGitHubScenario,
  type GitHubScenario,
} from '../support/github-scenario.js'
import type { FakeGitHubOptions } from '../support/fake-forge/github.js'
import type { Release } from '../support/fake-forge/github/state.js'

const files = {
  'dist/app-linux-amd64.tar.gz': 'linux build\n'.repeat(1000),
  'dist/app-darwin-arm64.tar.gz': 'darwin build\n'.repeat(500),
  'dist/app windows (x64).zip': 'windows build\n'.repeat(700),
  'NOTES.md': '## v1.2.0\n\n- faster\n',
}

let scenario: GitHubScenario

const start = async (options: FakeGitHubOptions = {}): Promise<void> => {
  await scenario.close()
  scenario = await startGitHubScenario(options)
}

beforeEach(async () => {
  scenario = await startGitHubScenario()
})
afterEach(async () => {
  const errors = scenario.github.errors
  await scenario.close()
  expect(errors).toEqual([])
})

const releases = (): Release[] => scenario.github.state.releasesOf(REPOSITORY)
const onlyRelease = (): Release => {
  const all = releases()
  expect(all).toHaveLength(1)
  return all[0] as Release
}
const assetNames = (release: Release): string[] => release.assets.map((a) => a.name).sort()
const writes = (): string[] =>
  scenario.github.writeRequests().map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)
const expectSuccess = (result: ToolResult): void => {
  expect(result.output).not.toContain('ERROR')
  expect(result.exitCode).toBe(0)
}

describe('publishing to GitHub', () => {
  it('creates a draft, uploads the files, verifies them, then publishes the release', async () => {
    // Public, so that the published download URLs can be fetched without a browser session.
    await start({ repos: [{ fullName: REPOSITORY, private: false }] })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_NAME: 'App 1.2.0',
        INPUT_DESCRIPTION_FILE: 'NOTES.md',
        INPUT_ASSETS: 'dist/*',
      }),
      workspace,
    )
    expectSuccess(result)

    const release = onlyRelease()
    expect(release).toMatchObject({
      tagName: 'v1.2.0',
      name: 'App 1.2.0',
      body: files['NOTES.md'],
      draft: false,
      prerelease: false,
    })
    expect(assetNames(release)).toEqual([
      'SHA256SUMS',
      'app-darwin-arm64.tar.gz',
      'app-linux-amd64.tar.gz',
      'app.windows.x64.zip',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    expect(release.assets.every((a) => a.state === 'uploaded')).toBe(true)
    expect(scenario.github.repo(REPOSITORY).tags.get('v1.2.0')?.commitSha).toBe(scenario.mainSha)
    expect(scenario.github.repo(REPOSITORY).latestReleaseId).toBe(release.id)

    // Created as a draft, every file uploaded into the draft, then published once.
    const journal = scenario.github.state.journal
    expect(journal[0]).toEqual({ kind: 'create-release', releaseId: release.id, draft: true })
    const uploads = journal.filter((e) => e.kind === 'upload')
    expect(uploads).toHaveLength(6)
    expect(uploads.every((e) => e.draft)).toBe(true)
    expect(journal.at(-1)).toEqual({ kind: 'publish', releaseId: release.id })
    expect(journal.filter((e) => e.kind === 'publish')).toHaveLength(1)

    // Verified by GitHub's own digest of every file before publishing: one listing of the
    // draft's assets after the last upload, and no HEAD or download of any file.
    const timeline = scenario.github.timeline
    const publishAt = timeline.findIndex((e) => e.method === 'PATCH')
    const lastUpload = timeline.findLastIndex((e) => e.server === 'uploads')
    const between = timeline.slice(lastUpload + 1, publishAt)
    expect(between.some((e) => /\/releases\/\d+\/assets\?/.test(e.path))).toBe(true)
    expect(timeline.filter((e) => e.method === 'HEAD')).toEqual([])
    // Nothing is downloaded: the statements this run wrote are known by GitHub's digest of them.
    expect(between.filter((e) => e.server === 'downloads')).toEqual([])
    expect(result.output).toMatch(/^Verified 6 assets: 6 by the server's sha256$/m)

    // GitHub renamed `app windows (x64).zip`; its label keeps the name it was given.
    const renamed = release.assets.find((a) => a.name === 'app.windows.x64.zip')
    expect(renamed?.label).toBe('app windows (x64).zip')
    expect(release.assets.filter((a) => a.label !== null).map((a) => a.name)).toEqual([
      'app.windows.x64.zip',
    ])

    const sums = await readFile(path.join(workspace, '.forge-release/SHA256SUMS'), 'utf8')
    expect(sums).toContain('  app.windows.x64.zip\n')
    expect(result.outputs).toMatchObject({
      created: 'true',
      tag_name: 'v1.2.0',
      commit_sha: scenario.mainSha,
      release_id: String(release.id),
      release_url: `${scenario.github.webUrl}/${REPOSITORY}/releases/tag/v1.2.0`,
      upload_url: `${scenario.github.uploadsUrl}/repos/${REPOSITORY}/releases/${release.id}/assets{?name,label}`,
    })
    // The asset URLs in the outputs are the published release's, and they serve the files.
    const assets = JSON.parse(result.outputs.assets ?? '[]') as {
      name: string
      original_name: string
      label: string | null
      url: string
    }[]
    expect(assets.find((a) => a.name === 'app.windows.x64.zip')).toMatchObject({
      original_name: 'app windows (x64).zip',
      label: 'app windows (x64).zip',
    })
    expect(assets.find((a) => a.name === 'SHA256SUMS')).toMatchObject({
      original_name: 'SHA256SUMS',
      label: null,
    })
    const linux = assets.find((a) => a.name === 'app-linux-amd64.tar.gz')
    expect(linux?.url).toBe(
      `${scenario.github.webUrl}/${REPOSITORY}/releases/download/v1.2.0/app-linux-amd64.tar.gz`,
    )
    const downloaded = await fetch(linux?.url ?? '', { headers: { 'user-agent': 'test' } })
    expect(await downloaded.text()).toBe(files['dist/app-linux-amd64.tar.gz'])
    await expectNoTokenLeak(GITHUB_TOKEN, result, workspace)
  })

  it('changes nothing and uploads nothing when the same run is repeated', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' })
    expectSuccess(await runInProcess(env, workspace))
    const before = onlyRelease().assets.map((a) => `${a.id} ${a.name} ${a.digest ?? ''}`)
    scenario.github.api.requests.clear()
    scenario.github.uploads.requests.clear()

    const again = await runInProcess(env, workspace)
    expectSuccess(again)
    expect(writes()).toEqual([])
    expect(onlyRelease().assets.map((a) => `${a.id} ${a.name} ${a.digest ?? ''}`)).toEqual(before)
    expect(again.outputs.created).toBe('false')
  })

  it('labels a renamed file an earlier run left without its given name, once, uploading nothing', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' })
    expectSuccess(await runInProcess(env, workspace))
    // As a version of the tool that set no label left it.
    const renamed = onlyRelease().assets.find((a) => a.name === 'app.windows.x64.zip')
    if (renamed === undefined) throw new Error('no renamed asset')
    renamed.label = null
    scenario.github.api.requests.clear()
    scenario.github.uploads.requests.clear()

    const again = await runInProcess(env, workspace)
    expectSuccess(again)
    expect(writes()).toEqual([`PATCH /repos/${REPOSITORY}/releases/assets/${renamed.id}`])
    expect(renamed.label).toBe('app windows (x64).zip')
    expect(again.output).toMatch(/Labelled app\.windows\.x64\.zip with the name it was given/)

    scenario.github.api.requests.clear()
    expectSuccess(await runInProcess(env, workspace))
    expect(writes()).toEqual([])
  })

  it('updates the name, notes and prerelease flag of an existing release without uploading again', async () => {
    const workspace = await makeWorkspace(files)
    expectSuccess(
      await runInProcess(
        scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*.tar.gz' }),
        workspace,
      ),
    )
    scenario.github.api.requests.clear()
    scenario.github.uploads.requests.clear()

    const second = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_NAME: 'Renamed',
        INPUT_DESCRIPTION: 'New notes',
        INPUT_PRERELEASE: 'true',
        INPUT_ASSETS: 'dist/*.tar.gz',
      }),
      workspace,
    )
    expectSuccess(second)
    expect(onlyRelease()).toMatchObject({ name: 'Renamed', body: 'New notes', prerelease: true })
    // The fields change, and with them the evidence; no file is uploaded again.
    expect(writes()[0]).toBe(`PATCH /repos/${REPOSITORY}/releases/${onlyRelease().id}`)
    const uploaded = scenario.github.uploads.requests.filter({ method: 'POST' })
    // The evidence names the release; the provenance (how the files were built) stays.
    expect(uploaded.map((r) => new URL(r.path, 'http://x').searchParams.get('name'))).toEqual([
      'release-evidence.intoto.json',
    ])
    expect(second.outputs.created).toBe('false')
  })

  it('leaves the release a draft with draft: true, and finds that draft again on a re-run', async () => {
    const workspace = await makeWorkspace(files)
    const env = scenario.env({
      INPUT_TAG_NAME: 'v1.2.0',
      INPUT_ASSETS: 'dist/*.zip',
      INPUT_DRAFT: 'true',
    })
    expectSuccess(await runInProcess(env, workspace))
    expect(onlyRelease().draft).toBe(true)
    expect(scenario.github.state.journal.some((e) => e.kind === 'publish')).toBe(false)
    expect(scenario.github.repo(REPOSITORY).tags.has('v1.2.0')).toBe(false)

    scenario.github.api.requests.clear()
    scenario.github.uploads.requests.clear()
    const again = await runInProcess(env, workspace)
    expectSuccess(again)
    expect(writes()).toEqual([])
    expect(onlyRelease().draft).toBe(true)
  })

  it('describes the draft, the uploads and the publish in a dry run, and writes nothing', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*', INPUT_DRY_RUN: 'true' }),
      workspace,
    )
    expectSuccess(result)
    const api = scenario.github.apiUrl
    expect(result.output).toContain(`POST ${api}/repos/${REPOSITORY}/releases (draft, tag v1.2.0)`)
    expect(result.output).toMatch(
      /POST \S+\/releases\/<new draft>\/assets\?name=app\.windows\.x64\.zip/,
    )
    expect(result.output).toContain(
      `PATCH ${api}/repos/${REPOSITORY}/releases/<new draft> (draft: false)`,
    )
    expect(writes()).toEqual([])
    expect(releases()).toEqual([])
  })

  it('lets GitHub write the notes with generate_notes when no description is given', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_GENERATE_NOTES: 'true' }),
      workspace,
    )
    expectSuccess(result)
    expect(onlyRelease().body).toMatch(/^## What's Changed/)
  })

  it('never sends the token to the download host and never prints it', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      // verify: full downloads every file through the download host.
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*', INPUT_VERIFY: 'full' }),
      workspace,
    )
    expectSuccess(result)
    const { github } = scenario
    expect(github.downloads.requests.length).toBeGreaterThan(0)
    expect(github.downloads.requests.withHeader('authorization')).toEqual([])
    // The upload host is the API's own (it handed out upload_url), so it does get the token.
    const uploads = github.uploads.requests.filter({ method: 'POST' })
    expect(uploads.length).toBeGreaterThan(0)
    for (const request of uploads) expect(request.headers.authorization).toMatch(/ghs_/)
    await expectNoTokenLeak(GITHUB_TOKEN, result, workspace)
  })
})

describe('bad input and refusals', () => {
  it('rejects a file of 2 GiB or more before any request', async () => {
    const workspace = await makeWorkspace({ 'dist/small.txt': 'small' })
    const huge = path.join(workspace, 'dist/huge.iso')
    await writeFile(huge, '')
    await truncate(huge, 2 * 1024 ** 3 + 1)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(
      /huge\.iso is 2\.0 GiB; GitHub release assets must be under 2 GiB/,
    )
    expect(scenario.github.timeline).toEqual([])
  })

  it('rejects token_type private for GitHub and a project that is not owner/repo before any request', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({
        INPUT_TAG_NAME: 'v1.2.0',
        INPUT_TOKEN_TYPE: 'private',
        INPUT_PROJECT: 'just-a-name',
      }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/token_type/)
    expect(result.output).toMatch(/owner\/repo/)
    expect(scenario.github.timeline).toEqual([])
  })

  it('names the token when GitHub refuses it, and writes nothing', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_TOKEN: 'ghp_NotAValidToken000' }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(
      /Input 'token': GitHub did not accept the token \(401 Bad credentials\)/,
    )
    expect(writes()).toEqual([])
  })

  it('explains a token without write access', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_TOKEN: READ_TOKEN }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/Input 'token'.*contents: write/)
    expect(releases()).toEqual([])
  })

  it('names the project when the repository does not exist', async () => {
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_PROJECT: 'octo/missing' }),
      workspace,
    )
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/Input 'project': GitHub has no repository 'octo\/missing'/)
  })
})

describe('faults on the way', () => {
  it('waits as told by 429 Retry-After on an upload and uploads each file exactly once', async () => {
    scenario.github.uploads.faults.add({
      method: 'POST',
      path: /name=app-linux/,
      kind: { status: 429, retryAfter: 3 },
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expectSuccess(result)
    expect(result.sleeps.some((ms) => ms >= 3000 && ms < 4000)).toBe(true)
    const names = onlyRelease().assets.map((a) => a.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('app-linux-amd64.tar.gz')
  })

  it('recovers from a 502 mid-upload that leaves a starter asset: deletes it and uploads again', async () => {
    scenario.github.config.uploadFaults.push({
      name: 'app-darwin-arm64.tar.gz',
      kind: 'bad-gateway',
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expectSuccess(result)
    const darwin = onlyRelease().assets.filter((a) => a.name === 'app-darwin-arm64.tar.gz')
    expect(darwin).toHaveLength(1)
    expect(darwin[0]?.state).toBe('uploaded')
    expect(onlyRelease().assets.every((a) => a.state === 'uploaded')).toBe(true)
    expect(result.output).toMatch(/Deleting the unfinished upload of app-darwin-arm64\.tar\.gz/)
  })

  it('recovers from a connection reset mid-upload and uploads each file exactly once', async () => {
    scenario.github.config.uploadFaults.push({
      name: 'app-linux-amd64.tar.gz',
      kind: 'cut',
      afterBytes: 2000,
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expectSuccess(result)
    const release = onlyRelease()
    const linux = release.assets.filter((a) => a.name === 'app-linux-amd64.tar.gz')
    expect(linux).toHaveLength(1)
    expect(linux[0]?.size).toBe(files['dist/app-linux-amd64.tar.gz'].length)
    expect(release.assets.every((a) => a.state === 'uploaded')).toBe(true)
  })

  it('finds a starter asset left by an earlier failed run and replaces it', async () => {
    const workspace = await makeWorkspace(files)
    expectSuccess(
      await runInProcess(
        scenario.env({
          INPUT_TAG_NAME: 'v1.2.0',
          INPUT_ASSETS: 'dist/*.tar.gz',
          INPUT_DRAFT: 'true',
        }),
        workspace,
      ),
    )
    // What a run that died during an upload leaves behind: an empty asset in state starter.
    scenario.github.state.addAsset(
      onlyRelease(),
      { name: 'app.windows.x64.zip', label: null, contentType: 'application/zip' },
      'github-actions[bot]',
    )

    const again = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expectSuccess(again)
    expect(again.output).toMatch(/Deleting the unfinished upload of app\.windows\.x64\.zip/)
    const release = onlyRelease()
    expect(release.draft).toBe(false)
    expect(release.assets.filter((a) => a.name === 'app.windows.x64.zip')).toHaveLength(1)
    expect(release.assets.every((a) => a.state === 'uploaded')).toBe(true)
  })

  it('gives up on an upload that keeps failing, leaving no starter asset behind', async () => {
    scenario.github.config.uploadFaults.push({
      name: 'app.windows.x64.zip',
      kind: 'cut',
      times: 10,
    })
    const workspace = await makeWorkspace(files)
    const failed = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*', INPUT_RETRIES: '2' }),
      workspace,
    )
    expect(failed.exitCode).toBe(1)
    expect(failed.output).toMatch(/upload app windows \(x64\)\.zip|upload app\.windows\.x64\.zip/)
    expect(failed.output).toMatch(/may or may not have been applied|Re-running the job is safe/)
    const release = onlyRelease()
    expect(release.draft).toBe(true)
    expect(release.assets.some((a) => a.name === 'app.windows.x64.zip')).toBe(false)
  })

  it('waits for a secondary rate limit (403 + retry-after) and a primary one (403 + x-ratelimit-reset)', async () => {
    scenario.github.rateLimit({ kind: 'secondary', status: 403, retryAfter: 61, method: 'POST' })
    scenario.github.rateLimit({ kind: 'primary', status: 403, resetInSeconds: 20, method: 'PATCH' })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*.zip' }),
      workspace,
    )
    expectSuccess(result)
    expect(result.sleeps.some((ms) => ms >= 61_000 && ms < 62_000)).toBe(true)
    expect(result.sleeps.some((ms) => ms > 10_000 && ms <= 21_000)).toBe(true)
    expect(onlyRelease().draft).toBe(false)
  })

  it('carries on with the release when the create answer is lost after GitHub applied it', async () => {
    scenario.github.api.faults.add({
      method: 'POST',
      path: `/repos/${REPOSITORY}/releases`,
      kind: { reset: 'after-apply' },
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*.zip' }),
      workspace,
    )
    expectSuccess(result)
    expect(onlyRelease().draft).toBe(false)
    expect(assetNames(onlyRelease())).toContain('app.windows.x64.zip')
  })
})

describe('build matrix', () => {
  it('ends 8 concurrent runs on one tag with one published release holding every file, and no drafts', async () => {
    await start({ tagLookupLag: { reads: 3 } })
    const jobs = Array.from({ length: 8 }, (_, i) => i)
    const workspaces = await Promise.all(
      jobs.map((i) =>
        makeWorkspace({ [`out/app-${i}.bin`]: `build of job ${i}\n`.repeat(50 + i) }),
      ),
    )
    const results = await Promise.all(
      jobs.map((i) =>
        runInProcess(
          scenario.env({ INPUT_TAG_NAME: 'v3.0.0', INPUT_ASSETS: 'out/*' }),
          workspaces[i] ?? '',
        ),
      ),
    )
    for (const result of results) expectSuccess(result)

    const release = onlyRelease()
    expect(release.draft).toBe(false)
    const expected = jobs.map((i) => `app-${i}.bin`)
    expect(assetNames(release)).toEqual(
      ['SHA256SUMS', ...expected, 'provenance.intoto.json', 'release-evidence.intoto.json'].sort(),
    )
    expect(release.assets.every((a) => a.state === 'uploaded')).toBe(true)
    const sums = release.assets.find((a) => a.name === 'SHA256SUMS')
    const text = await readFile(sums?.blob?.file ?? '', 'utf8')
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => line.split('  ')[1]),
    ).toEqual(expected)
    expect(results.filter((r) => r.outputs.created === 'true')).toHaveLength(1)
    // Jobs that lost the race removed their own drafts: every draft created but one is gone.
    const journal = scenario.github.state.journal
    const creates = journal.filter((e) => e.kind === 'create-release')
    const deletes = journal.filter((e) => e.kind === 'delete-release')
    expect(creates.length - deletes.length).toBe(1)
    expect(deletes.every((e) => e.kind === 'delete-release' && e.draft)).toBe(true)
    expect(journal.filter((e) => e.kind === 'publish')).toHaveLength(1)
    const evidence = release.assets.find((a) => a.name === 'release-evidence.intoto.json')
    const statement = JSON.parse(await readFile(evidence?.blob?.file ?? '', 'utf8')) as {
      subject: { name: string }[]
    }
    expect(statement.subject.map((s) => s.name).sort()).toEqual(['SHA256SUMS', ...expected].sort())
  })
})

describe('variants', () => {
  it('publishes into immutable releases, whose assets are all in place before publishing', async () => {
    await start({ immutableReleases: true })
    const workspace = await makeWorkspace(files)
    const env = scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*' })
    expectSuccess(await runInProcess(env, workspace))
    expect(onlyRelease().immutable).toBe(true)

    await writeFile(path.join(workspace, 'dist/app-linux-amd64.tar.gz'), 'rebuilt\n')
    const changed = await runInProcess(env, workspace)
    expect(changed.exitCode).toBe(1)
    expect(changed.output).toMatch(/published and immutable/)
  })

  it('reads tag refs with an unencoded slash, which older GitHub Enterprise Server needs', async () => {
    const tagged = 'c'.repeat(40)
    await start({
      layout: 'enterprise',
      repos: [
        { fullName: REPOSITORY, branches: { main: scenario.mainSha }, tags: { 'v1.2.0': tagged } },
      ],
    })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*.zip' }),
      workspace,
    )
    expectSuccess(result)
    // The tag was found (a 404 for `tags%2Fv1.2.0` would have made it look missing).
    expect(result.outputs.commit_sha).toBe(tagged)
    expect(result.output).toMatch(/Tag v1\.2\.0 already points at c{40}/)
    const refs = scenario.github.api.requests.filter({ method: 'GET', path: /\/git\/ref\// })
    expect(refs.map((r) => r.path)).toContain(`/api/v3/repos/${REPOSITORY}/git/ref/tags/v1.2.0`)
    expect(refs.filter((r) => /%2F/i.test(r.path))).toEqual([])
  })

  it('publishes through GitHub Enterprise Server paths (/api/v3, /api/uploads)', async () => {
    await start({ layout: 'enterprise' })
    const workspace = await makeWorkspace(files)
    const result = await runInProcess(
      scenario.env({ INPUT_TAG_NAME: 'v1.2.0', INPUT_ASSETS: 'dist/*.zip' }),
      workspace,
    )
    expectSuccess(result)
    expect(assetNames(onlyRelease())).toContain('app.windows.x64.zip')
    expect(scenario.github.timeline.some((e) => e.path.startsWith('/api/uploads/'))).toBe(true)
  })

  it('runs as the bundled dist/index.js in a GitHub Actions job', async () => {
    const workspace = await makeWorkspace(files)
    const outputFile = path.join(workspace, 'github-output.txt')
    await writeFile(outputFile, '')
    const result = await runBundle(
      scenario.actionsEnv('v4.0.0', {
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: outputFile,
        INPUT_ASSETS: 'dist/*.tar.gz',
      }),
      workspace,
    )
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    const release = onlyRelease()
    expect(release).toMatchObject({ tagName: 'v4.0.0', draft: false })
    expect(assetNames(release)).toEqual([
      'SHA256SUMS',
      'app-darwin-arm64.tar.gz',
      'app-linux-amd64.tar.gz',
      'provenance.intoto.json',
      'release-evidence.intoto.json',
    ])
    const outputs = await readFile(outputFile, 'utf8')
    expect(outputs).toContain(`release_id<<`)
    expect(outputs).toContain(String(release.id))
    await expectNoTokenLeak(GITHUB_TOKEN, result, workspace)
    expect(scenario.github.downloads.requests.withHeader('authorization')).toEqual([])
  })
})
