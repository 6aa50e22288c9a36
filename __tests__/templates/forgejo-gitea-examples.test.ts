import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'

import { INPUTS, OUTPUTS } from '../../src/settings/inputs.js'
import { repoRoot } from '../support/run-tool.js'
import { isRecord, parseYamlDocuments, type Json } from './gitlab-job.js'

// The example workflows in examples/forgejo/ and examples/gitea/, which the README shows
// verbatim: valid, pinned, using only real inputs and outputs, and leaving to the runner what
// the runner tells (the forge, its API, the repository, the token).
const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string
}
const examples = (
  await Promise.all(
    ['forgejo', 'gitea'].map(async (folder) => {
      const dir = path.join(repoRoot, 'examples', folder)
      const names = (await readdir(dir)).filter((f) => f.endsWith('.yml')).sort()
      return Promise.all(
        names.map(async (name) => {
          const text = await readFile(path.join(dir, name), 'utf8')
          const workflow = parseYamlDocuments(text)[0] as Record<string, Json>
          return { name: `${folder}/${name}`, folder, text, workflow }
        }),
      )
    }),
  )
).flat()

type Step = Record<string, Json>
const OWN_ACTION = /^(?:https:\/\/github\.com\/)?forge-release\/forge-release@/
const inputNames = new Set<string>(INPUTS.map((i) => i.name))
const outputNames = new Set<string>(OUTPUTS.map((o) => o.name))

function stepsOf(workflow: Record<string, Json>): Step[] {
  const jobs = workflow.jobs
  if (!isRecord(jobs)) throw new Error('no jobs')
  return Object.values(jobs).flatMap((job) =>
    isRecord(job) && Array.isArray(job.steps) ? (job.steps as Step[]) : [],
  )
}
const isOwnStep = (step: Step): boolean =>
  typeof step.uses === 'string' && OWN_ACTION.test(step.uses)

it('has a Forgejo and a Gitea example', () => {
  expect(examples.map((e) => e.folder)).toEqual(['forgejo', 'gitea'])
})

describe.each(examples)('examples/$name', ({ folder, text, workflow }) => {
  it('is shown verbatim in the README (Forgejo), or linked from it (Gitea)', () => {
    if (folder === 'forgejo') expect(readme).toContain(`\`\`\`yaml\n${text}\`\`\``)
    else expect(readme).toContain(`(examples/${folder}/release-on-tag.yml)`)
  })

  it('names the workflow file it belongs in', () => {
    expect(text.split('\n')[0]).toContain(`.${folder}/workflows/release.yml`)
  })

  it('publishes on a tag push and pins every other action to a full commit SHA', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*'] } })
    const uses = stepsOf(workflow).flatMap((s) => (typeof s.uses === 'string' ? [s.uses] : []))
    for (const action of uses.filter((u) => !OWN_ACTION.test(u))) {
      expect(action).toMatch(/^(?:https:\/\/[\w.-]+\/)?[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
    }
    const own = text
      .split('\n')
      .filter((l) => /uses: (?:https:\/\/github\.com\/)?forge-release\/forge-release@/.test(l))
    expect(own).toHaveLength(1)
    for (const line of own) {
      expect(line).toContain(`@v${pkg.version} # pin to the SHA of the release you use`)
    }
  })

  it('gives forge-release only real inputs, and none the runner already tells', () => {
    const steps = stepsOf(workflow).filter(isOwnStep)
    expect(steps).toHaveLength(1)
    const given = isRecord(steps[0]?.with) ? Object.keys(steps[0].with) : []
    expect(given.filter((key) => !inputNames.has(key))).toEqual([])
    for (const told of ['platform', 'api_url', 'project', 'token']) {
      expect(given).not.toContain(told)
    }
  })

  it('reads only outputs forge-release has', () => {
    const ownIds = new Set(
      stepsOf(workflow)
        .filter(isOwnStep)
        .map((s) => s.id),
    )
    const all = JSON.stringify(workflow)
    const read = [...all.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)]
    expect(read.length).toBeGreaterThan(0)
    for (const [, id, output] of read) {
      expect({ id, known: ownIds.has(id) }).toEqual({ id, known: true })
      expect({ output, known: outputNames.has(output ?? '') }).toEqual({ output, known: true })
    }
  })
})
