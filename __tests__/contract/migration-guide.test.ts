import { readFile } from 'node:fs/promises'
import path from 'node:path'

import YAML from 'yaml'

import { parseArguments } from '../../src/cli/parse-arguments.js'
import { ALIASES, INPUTS, NO_COUNTERPART } from '../../src/settings/inputs.js'
import { repoRoot } from '../support/run-tool.js'

// docs/migrating.md shows workflows before and after the switch: the "before" ones use only
// names forge-release reads (so changing the uses: line is enough), the "after" ones only its
// own inputs, and the commands parse.
const read = (file: string): Promise<string> => readFile(path.join(repoRoot, file), 'utf8')
const guide = await read('docs/migrating.md')
const readme = await read('README.md')
const blocks = (language: string): string[] =>
  [...guide.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1] ?? '',
  )
type Step = { uses: string; with: Record<string, unknown> }
const steps = blocks('yaml').flatMap((text) => YAML.parse(text) as Step[])
const inputs = new Set<string>(INPUTS.map((i) => i.name))
const aliases = new Set<string>(ALIASES.map((a) => a.name))

describe('docs/migrating.md', () => {
  it('shows steps of softprops/action-gh-release and ncipollo/release-action that forge-release reads as they are', () => {
    const before = steps.filter((s) => /^(softprops|ncipollo)\//.test(s.uses))
    expect(before.map((s) => s.uses.split('@')[0])).toEqual([
      'softprops/action-gh-release',
      'ncipollo/release-action',
    ])
    for (const step of before) {
      const unknown = Object.keys(step.with).filter((k) => !inputs.has(k) && !aliases.has(k))
      expect({ uses: step.uses, unknown }).toEqual({ uses: step.uses, unknown: [] })
    }
  })

  it('shows forge-release steps with its own inputs only', () => {
    const after = steps.filter((s) => s.uses.startsWith('forge-release/forge-release@'))
    expect(after).toHaveLength(2)
    for (const step of after) {
      expect(Object.keys(step.with).filter((k) => !inputs.has(k))).toEqual([])
    }
  })

  it('shows a forge-release command line that parses, release-cli flags included', () => {
    const [command] = blocks('sh').filter((text) => text.startsWith('forge-release '))
    // The shell would expand the variable and join the lines; the quotes hold one argument each.
    const argv = [
      ...(command ?? '').replace(/\\\n/g, ' ').matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g),
    ].map((m) => m[1] ?? m[2] ?? m[3] ?? '')
    expect(argv[0]).toBe('forge-release')
    expect(parseArguments(argv.slice(1))).toMatchObject({
      kind: 'run',
      inputs: { name: 'Release $CI_COMMIT_TAG', tag_name: '$CI_COMMIT_TAG', milestone: 'v1.0' },
    })
  })

  it('refuses nothing it shows in an example', () => {
    const refused = new Set(NO_COUNTERPART.map((n) => n.name))
    for (const step of steps)
      expect(Object.keys(step.with).filter((k) => refused.has(k))).toEqual([])
  })

  it('is linked from the README, next to the inputs table', () => {
    const inputsEnd = readme.indexOf('<!-- inputs:end -->')
    const outputs = readme.indexOf('\n## Outputs')
    expect(readme.slice(inputsEnd, outputs)).toContain('(docs/migrating.md)')
  })
})
