/**
 * action.yml and the README's input and output tables are generated from the one input table
 * (src/settings/inputs.ts); `npm run docs` rewrites them and a test fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import YAML from 'yaml'

import { INPUTS, OUTPUTS, type InputSpec } from '../src/settings/inputs.js'

const root = new URL('../', import.meta.url)

function defaultText(input: InputSpec): string {
  if (input.defaultDoc !== undefined) return input.defaultDoc
  if (input.default !== undefined) return `\`${input.default}\``
  return '—'
}

export function renderActionYml(): string {
  const inputs: Record<string, Record<string, unknown>> = {}
  for (const input of INPUTS as readonly InputSpec[]) {
    const platforms =
      input.platforms === undefined ? '' : ` Applies to: ${input.platforms.join(', ')}.`
    const values = input.values === undefined ? '' : ` One of: ${input.values.join(', ')}.`
    const defaults =
      defaultText(input) === '—' ? '' : ` Default: ${defaultText(input).replace(/`/g, '')}.`
    inputs[input.name] = {
      description: `${input.description}${values}${defaults}${platforms}`,
      required: false,
      // Defaults live in the tool, not here, so that an input the user did not set stays unset
      // (and inputs of other platforms do not trigger warnings). The token is the exception:
      // GitHub passes github.token only through a default.
      ...(input.name === 'token' ? { default: '${{ github.token }}' } : {}),
    }
  }
  const outputs: Record<string, { description: string }> = {}
  for (const output of OUTPUTS) outputs[output.name] = { description: output.description }
  const document = {
    name: 'forge-release',
    description:
      'Publish a release with assets, SHA256SUMS and evidence to GitLab, Tencent Gongfeng, GitHub, Forgejo or Gitea; safe to re-run.',
    author: 'forge-release',
    branding: { icon: 'package', color: 'orange' },
    inputs,
    outputs,
    runs: { using: 'node24', main: 'dist/index.js' },
  }
  return `# Generated from src/settings/inputs.ts by \`npm run docs\`; edit the table, not this file.\n${YAML.stringify(document, { lineWidth: 0 })}`
}

export function renderInputsTable(): string {
  const rows = (INPUTS as readonly InputSpec[]).map((input) => {
    const platforms = input.platforms === undefined ? 'all' : input.platforms.join(', ')
    const values =
      input.values === undefined ? '' : ` (${input.values.map((v) => `\`${v}\``).join(', ')})`
    return `| \`${input.name}\` | ${defaultText(input)} | ${platforms} | ${input.description.replace(/\|/g, '\\|')}${values} |`
  })
  return ['| input | default | platforms | meaning |', '|---|---|---|---|', ...rows].join('\n')
}

export function renderOutputsTable(): string {
  const rows = OUTPUTS.map(
    (output) => `| \`${output.name}\` | ${output.description.replace(/\|/g, '\\|')} |`,
  )
  return ['| output | meaning |', '|---|---|', ...rows].join('\n')
}

export function replaceBetweenMarkers(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->`
  const end = `<!-- ${marker}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`)
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`
}

export function renderReadme(current: string): string {
  return replaceBetweenMarkers(
    replaceBetweenMarkers(current, 'inputs', renderInputsTable()),
    'outputs',
    renderOutputsTable(),
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('action.yml', root), renderActionYml())
  const readme = new URL('README.md', root)
  writeFileSync(readme, renderReadme(readFileSync(readme, 'utf8')))
}
