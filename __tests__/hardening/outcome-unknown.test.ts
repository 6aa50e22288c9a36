/**
 * A write whose answer is lost (the server applied it, then the connection dropped) is followed
 * by a read that decides, never by a blind repeat: no release, link or file ends up twice, and
 * the run succeeds. Each forge's writes that create something are tried one by one.
 */
import type { LoggedRequest } from '../support/fake-forge/index.js'
import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
  type ServerRole,
} from '../support/forge-scenarios.js'
import { PROJECT as GITLAB_PROJECT } from '../support/gitlab-scenario.js'
import { runThroughGate } from '../support/kill-harness.js'
import { expectNoTokenLeak, makeWorkspace, runInProcess } from '../support/run-tool.js'
import { BUILD_FILES, expectPublished, tagFor } from './support/fixtures.js'

interface Write {
  readonly what: string
  readonly method: string
  readonly path: RegExp
  readonly on?: ServerRole
  /** Which matching request loses its answer (default the first). */
  readonly after?: number
  /**
   * Repeating it is harmless by design, so the transport may send it again: GitHub's publish
   * PATCH sets fields to given values; GitLab's evidence POST adds one more snapshot.
   */
  readonly repeatable?: boolean
}

const WRITES: Readonly<Record<ForgeName, readonly Write[]>> = {
  gitlab: [
    { what: 'the release create', method: 'POST', path: /\/releases$/ },
    { what: 'a link create', method: 'POST', path: /\/assets\/links$/ },
    { what: 'the evidence request', method: 'POST', path: /\/evidence$/, repeatable: true },
    { what: 'a package file upload', method: 'PUT', path: /\/packages\/generic\// },
    { what: 'the SHA256SUMS upload', method: 'PUT', path: /\/SHA256SUMS\?/ },
  ],
  gongfeng: [
    { what: 'the release create', method: 'POST', path: /\/releases$/ },
    { what: 'an attachment upload', method: 'POST', path: /\/attachments$/ },
    { what: 'the last attachment upload', method: 'POST', path: /\/attachments$/, after: 4 },
  ],
  github: [
    { what: 'the draft create', method: 'POST', path: /\/releases$/ },
    { what: 'an asset upload', method: 'POST', path: /\/assets\?name=/, on: 'uploads' },
    {
      what: 'the evidence upload',
      method: 'POST',
      path: /\/assets\?name=release-evid/,
      on: 'uploads',
    },
    { what: 'the publish', method: 'PATCH', path: /\/releases\/\d+$/, repeatable: true },
  ],
  gitea: [
    { what: 'the tag create', method: 'POST', path: /\/tags$/ },
    { what: 'the draft create', method: 'POST', path: /\/releases$/ },
    { what: 'an attachment upload', method: 'POST', path: /\/assets\?name=/ },
    { what: 'the evidence upload', method: 'POST', path: /\/assets\?name=release-evid/ },
    { what: 'the publish', method: 'PATCH', path: /\/releases\/\d+$/, repeatable: true },
  ],
}

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const matching = (requests: readonly LoggedRequest[], write: Write): LoggedRequest[] =>
  requests.filter((r) => r.method === write.method && write.path.test(r.path))

/** Requests of a clean run per write kind, to compare a faulty run's count with. */
const cleanCounts = new Map<string, number>()

describe.each(FORGES)('%s: lost answers to writes', (forge: ForgeName) => {
  beforeAll(async () => {
    const s = await startForgeScenario(forge)
    const workspace = await makeWorkspace(BUILD_FILES)
    const result = await runInProcess(
      s.env({ INPUT_TAG_NAME: tagFor(forge), INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expect(result.exitCode).toBe(0)
    for (const write of WRITES[forge]) {
      cleanCounts.set(`${forge} ${write.what}`, matching(s.requests(), write).length)
    }
    await s.close()
  })

  it.each(WRITES[forge].map((w) => [w.what, w] as const))(
    'reads instead of repeating %s blindly, and ends with everything once',
    async (_, write) => {
      const s = (scenario = await startForgeScenario(forge))
      const fault = s.addFault(
        {
          method: write.method,
          path: write.path,
          after: write.after ?? 0,
          kind: { reset: 'after-apply' },
        },
        write.on,
      )
      const workspace = await makeWorkspace(BUILD_FILES)
      const tag = tagFor(forge)
      const result = await runInProcess(
        s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
        workspace,
      )
      expect(result.output).not.toMatch(/^ERROR/m)
      expect(result.exitCode).toBe(0)
      expect(fault.fired).toBe(1)
      // Not one more request of that kind than a clean run makes: nothing was sent twice.
      const clean = cleanCounts.get(`${forge} ${write.what}`) ?? -1
      expect(matching(s.requests(), write)).toHaveLength(clean + (write.repeatable ? 1 : 0))
      await expectPublished(s, tag)
      await expectNoTokenLeak(s.token, result, workspace)
    },
  )
})

describe('gitlab: a group that forbids duplicate generic package files', () => {
  it('does not fail when the answer to an upload is lost', async () => {
    const s = (scenario = await startForgeScenario('gitlab'))
    if (s.gitlab !== undefined) s.gitlab.config.allowDuplicates = false
    s.addFault({ method: 'PUT', path: /\/packages\/generic\//, kind: { reset: 'after-apply' } })
    const workspace = await makeWorkspace(BUILD_FILES)
    const tag = tagFor('gitlab')
    const result = await runInProcess(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      workspace,
    )
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    await expectPublished(s, tag)
  })
})

describe('gitlab: a create that failed while another job created the release', () => {
  it('adds its links to the other job’s release instead of assuming they are there', async () => {
    const s = (scenario = await startForgeScenario('gitlab'))
    const tag = tagFor('gitlab')
    // A bare 503: the create may or may not have landed, so the adapter reads before repeating…
    s.addFault({ method: 'POST', path: /\/releases$/, kind: { status: 503 } })
    let created = false
    const workspace = await makeWorkspace(BUILD_FILES)
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
      workspace,
      {
        // …and meanwhile another job of the matrix created the release, without our links.
        beforeRequest: (request) => {
          const readBack = request.method === 'GET' && request.url.endsWith(`/releases/${tag}`)
          if (readBack && !created && s.requests().some((r) => r.method === 'POST')) {
            created = true
            s.gitlab?.state.addRelease(GITLAB_PROJECT, { tag_name: tag })
          }
        },
      },
    )
    expect(created).toBe(true)
    expect(result.output).not.toMatch(/^ERROR/m)
    expect(result.exitCode).toBe(0)
    expect(result.outputs.created).toBe('false')
    await expectPublished(s, tag)
  })
})
