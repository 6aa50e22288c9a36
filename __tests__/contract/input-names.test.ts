import { readFile } from 'node:fs/promises'
import path from 'node:path'

import YAML from 'yaml'

import { renderHelp } from '../../src/cli/render-help.js'
import { ALIASES, INPUTS, NO_COUNTERPART, OUTPUTS, TOOLS } from '../../src/settings/inputs.js'
import { repoRoot } from '../support/run-tool.js'

// Every place that names the inputs and outputs names the same set as the one table
// (src/settings/inputs.ts). Each check reports what is missing and what is extra.
const read = (file: string): Promise<string> => readFile(path.join(repoRoot, file), 'utf8')
const inputs: string[] = INPUTS.map((i) => i.name).sort()
const outputs = OUTPUTS.map((o) => o.name).sort()
/** Other GitHub Actions' names, which action.yml declares so the runner does not warn. */
const actionAliases = ALIASES.filter((a) =>
  a.tools.some((tool) => TOOLS[tool].kind === 'action'),
).map((a) => a.name)

function compare(
  found: readonly string[],
  expected: readonly string[],
): { missing: string[]; extra: string[] } {
  return {
    missing: expected.filter((name) => !found.includes(name)),
    extra: [...new Set(found)].filter((name) => !expected.includes(name)),
  }
}
const same = { missing: [], extra: [] }

function between(text: string, marker: string): string {
  const start = text.indexOf(`<!-- ${marker}:start -->`)
  const end = text.indexOf(`<!-- ${marker}:end -->`)
  if (start < 0 || end < start) throw new Error(`The file lacks the ${marker} markers`)
  return text.slice(start, end)
}
/** First-column names of a Markdown table: | `name` | … */
const tableNames = (text: string): string[] =>
  [...text.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1] ?? '')

describe('input and output names', () => {
  it('action.yml declares exactly the inputs and outputs of the table, and the Actions aliases', async () => {
    const action = YAML.parse(await read('action.yml')) as {
      inputs: Record<string, { description: string; default?: string }>
      outputs: Record<string, unknown>
    }
    expect(compare(Object.keys(action.inputs), [...inputs, ...actionAliases])).toEqual(same)
    expect(compare(Object.keys(action.outputs), outputs)).toEqual(same)
    for (const alias of ALIASES.filter((a) => actionAliases.includes(a.name))) {
      // No default: the runner would pass it on every run, as if the workflow had set it.
      expect(action.inputs[alias.name]).toEqual({
        description: expect.stringMatching(new RegExp(`^Alias of \`${alias.input}\` \\(`)),
        required: false,
      })
    }
  })

  it('the alias table names real inputs, and no name twice', () => {
    const names = [...inputs, ...ALIASES.map((a) => a.name), ...NO_COUNTERPART.map((n) => n.name)]
    const upper = names.map((name) => name.toUpperCase())
    // Variables are upper case, so names must differ in more than case.
    expect(upper.filter((name, i) => upper.indexOf(name) !== i)).toEqual([])
    for (const alias of ALIASES) expect(inputs).toContain(alias.input)
    // Environment variable names: letters, digits and '_' only.
    for (const name of names) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/)
  })

  it("the README's tables list exactly the inputs and outputs of the table", async () => {
    const readme = await read('README.md')
    expect(compare(tableNames(between(readme, 'inputs')), inputs)).toEqual(same)
    expect(compare(tableNames(between(readme, 'outputs')), outputs)).toEqual(same)
  })

  it("the README's inputs table names each alias in the row of its input", async () => {
    const rows = between(await read('README.md'), 'inputs').split('\n')
    for (const alias of ALIASES) {
      const row = rows.find((line) => line.startsWith(`| \`${alias.input}\` |`)) ?? ''
      expect({ alias: alias.name, listed: row.includes(`\`${alias.name}\``) }).toEqual({
        alias: alias.name,
        listed: true,
      })
    }
  })

  it('the migration guide lists every alias and every name without a counterpart', async () => {
    const guide = between(await read('docs/migrating.md'), 'aliases')
    for (const name of [...ALIASES.map((a) => a.name), ...NO_COUNTERPART.map((n) => n.name)]) {
      const spellings = [name, `--${name.replace(/_/g, '-')}`]
      expect({ name, listed: spellings.some((s) => guide.includes(`| \`${s}\` |`)) }).toEqual({
        name,
        listed: true,
      })
    }
  })

  it('the GitLab CI template documents an INPUT_ variable per input and a RELEASE_ variable per output', async () => {
    const template = await read('.gitlab-ci-template.yml')
    const documented = (prefix: string): string[] =>
      [...template.matchAll(new RegExp(`^# {3}${prefix}([A-Z0-9_]+) `, 'gm'))].map((m) =>
        (m[1] ?? '').toLowerCase(),
      )
    expect(compare(documented('INPUT_'), inputs)).toEqual(same)
    expect(compare(documented('RELEASE_'), outputs)).toEqual(same)
  })

  it("the component's spec:inputs are the table's inputs, besides its own job- inputs", async () => {
    const [header] = YAML.parseAllDocuments(await read('templates/forge-release.yml'))
    const spec = (header?.toJS() as { spec: { inputs: Record<string, unknown> } }).spec.inputs
    const own = Object.keys(spec).filter((name) => name.includes('-'))
    // A '-' cannot appear in a tool input (they are also environment variable names).
    expect(inputs.filter((name) => name.includes('-'))).toEqual([])
    expect(own.every((name) => name.startsWith('job-'))).toBe(true)
    expect(
      compare(
        Object.keys(spec).filter((name) => !own.includes(name)),
        inputs,
      ),
    ).toEqual(same)
  })

  it('the component hands each input to the tool as INPUT_<NAME>, and nothing else', async () => {
    const text = await read('templates/forge-release.yml')
    const body = text.slice(text.indexOf('\n---\n'))
    const mapped = [...body.matchAll(/\bINPUT_([A-Z0-9_]+)(?::|=) ?\$\[\[ inputs\.(\w+) \]\]/g)]
    for (const [, variable, input] of mapped) expect(variable?.toLowerCase()).toBe(input)
    expect(
      compare(
        mapped.map((m) => m[2] ?? ''),
        inputs,
      ),
    ).toEqual(same)
    expect(mapped).toHaveLength(inputs.length)
  })

  it('--help offers a flag per input, and names every alias', () => {
    const help = renderHelp({ version: '0.0.0', columns: 100 })
    const section = help.slice(help.indexOf('\nInputs:\n'), help.indexOf('\nFlags:\n'))
    const flags = [...section.matchAll(/^ {2}--(\w+) /gm)].map((m) => m[1] ?? '')
    expect(compare(flags, inputs)).toEqual(same)
    const aliases = [...section.matchAll(/--([\w-]+)(?=[\s,;.)])/g)]
      .map((m) => (m[1] ?? '').replace(/-/g, '_'))
      .filter((name) => !inputs.includes(name))
    expect(
      compare(
        aliases,
        ALIASES.map((a) => a.name),
      ),
    ).toEqual(same)
  })
})
