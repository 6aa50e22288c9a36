/**
 * Forgejo/Gitea keep two attachments of one name, so jobs that store a name at the same moment
 * settle it by one rule (the lowest id stays). The uploads of a run are checked together, after
 * the last one: the listings a run makes must not grow with its files.
 */
import { createHash } from 'node:crypto'

import { startForgeScenario, type ForgeScenario } from '../support/forge-scenarios.js'
import { runThroughGate } from '../support/kill-harness.js'
import { makeWorkspace, runInProcess } from '../support/run-tool.js'

let scenario: ForgeScenario | undefined
afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

const LISTING = /\/releases\/\d+\/assets$/

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

function filesOf(count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`dist/part-${i}.bin`, `part ${i}\n`.repeat(50)]),
  )
}

/** Stores `content` as app.tar.gz through the release's upload URL, as another job would. */
async function uploadAsAnotherJob(
  s: ForgeScenario,
  uploadUrl: URL,
  content: string,
): Promise<void> {
  const form = new FormData()
  form.append('attachment', new Blob([content]), 'app.tar.gz')
  const answer = await fetch(uploadUrl, {
    method: 'POST',
    headers: { authorization: `token ${s.token}` },
    body: form,
  })
  expect(answer.status).toBe(201)
}

async function listingsToPublish(count: number, tag: string): Promise<number> {
  const s = (scenario ??= await startForgeScenario('gitea'))
  const before = s.requests().length
  const result = await runInProcess(
    s.env({ INPUT_TAG_NAME: tag, INPUT_ASSETS: 'dist/*' }),
    await makeWorkspace(filesOf(count)),
  )
  expect(result.exitCode).toBe(0)
  const made = s.requests().slice(before)
  expect(made.filter((r) => r.method === 'POST' && /\/assets\?/.test(r.path))).toHaveLength(
    count + 3,
  )
  return made.filter((r) => r.method === 'GET' && LISTING.test(r.path)).length
}

describe('gitea: uploads checked for same-name twins', () => {
  it('lists the release’s attachments as often for 40 files as for 4', async () => {
    const few = await listingsToPublish(4, 'v1.0.0')
    const many = await listingsToPublish(40, 'v2.0.0')
    expect(many).toBe(few)
    expect(many).toBeGreaterThan(0)
  })

  it('gives way to another job’s upload of the same name that got the lower id', async () => {
    const s = (scenario = await startForgeScenario('gitea'))
    const theirs = 'their build\n'.repeat(40)
    let raced = false
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: 'v1.0.0', INPUT_ASSETS: 'dist/*' }),
      await makeWorkspace({ 'dist/app.tar.gz': 'our build\n'.repeat(40), 'dist/b.txt': 'b\n' }),
      {
        // The other job's upload of app.tar.gz lands just before ours does.
        beforeRequest: async (request) => {
          if (raced || request.method !== 'POST' || !request.url.includes('name=app.tar.gz')) {
            return
          }
          raced = true
          await uploadAsAnotherJob(s, new URL(request.url), theirs)
        },
      },
    )
    expect(raced).toBe(true)
    expect(result.exitCode).toBe(0)
    expect(result.output).toMatch(
      /Another job stored a different app\.tar\.gz at the same moment; keeping that one/,
    )
    const state = await s.endState('v1.0.0')
    expect(state.problems).toEqual([])
    expect(state.files.filter((f) => f.name === 'app.tar.gz')).toEqual([
      { name: 'app.tar.gz', size: theirs.length, sha256: sha256(theirs) },
    ])
    expect(state.sums?.get('app.tar.gz')).toBe(sha256(theirs))
  })

  it('keeps its own upload when the other job’s copy came later, and removes that one', async () => {
    const s = (scenario = await startForgeScenario('gitea'))
    const ours = 'our build\n'.repeat(40)
    let raced = false
    let uploadsSent = 0
    const result = await runThroughGate(
      s.env({ INPUT_TAG_NAME: 'v1.0.0', INPUT_ASSETS: 'dist/*' }),
      await makeWorkspace({ 'dist/app.tar.gz': ours, 'dist/b.txt': 'b\n' }),
      {
        // The other job's copy lands after both uploads, before this run looks at the names.
        beforeRequest: async (request) => {
          const url = new URL(request.url)
          if (request.method === 'POST' && url.searchParams.has('name')) uploadsSent++
          if (raced || uploadsSent < 2 || request.method !== 'GET') return
          if (!LISTING.test(url.pathname)) return
          raced = true
          url.search = '?name=app.tar.gz'
          await uploadAsAnotherJob(s, url, 'later\n')
        },
      },
    )
    expect(raced).toBe(true)
    expect(result.exitCode).toBe(0)
    expect(result.output).toMatch(/Removing the second app\.tar\.gz/)
    const state = await s.endState('v1.0.0')
    expect(state.problems).toEqual([])
    expect(state.files.filter((f) => f.name === 'app.tar.gz')).toEqual([
      { name: 'app.tar.gz', size: ours.length, sha256: sha256(ours) },
    ])
  })
})
