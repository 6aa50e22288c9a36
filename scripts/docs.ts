/**
 * action.yml, the README's input and output tables and the tables of docs/migrating.md are
 * generated from the one input table (src/settings/inputs.ts); `npm run docs` rewrites them and
 * a test fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import YAML from 'yaml'

import { toolTitles } from '../src/settings/apply-aliases.js'
import {
  ALIASES,
  INPUTS,
  NO_COUNTERPART,
  OUTPUTS,
  TOOLS,
  type AliasSpec,
  type InputSpec,
  type Tool,
} from '../src/settings/inputs.js'

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
    // A default that depends on the environment is told in words; a static one is declared.
    const defaults =
      input.defaultDoc === undefined ? '' : ` Default: ${input.defaultDoc.replace(/`/g, '')}.`
    inputs[input.name] = {
      description: `${input.description}${values}${defaults}${platforms}`,
      required: false,
      // Static defaults are declared so that the Marketplace and the runner show them. The
      // runner then passes them for every input the workflow leaves out, which is harmless:
      // the tool lets a value equal to the default give way to an alias or a FORGE_RELEASE_
      // variable, and does not warn about other platforms' inputs at their default. The
      // token's default is GitHub's: github.token reaches an action only through a default.
      ...(input.name === 'token'
        ? { default: '${{ github.token }}' }
        : input.default === undefined
          ? {}
          : { default: input.default }),
    }
  }
  // Other GitHub Actions' names, so that a workflow switched to forge-release keeps working
  // without the runner's "Unexpected input" warning. No deprecationMessage: they stay
  // supported, and the tool's own notice already names our input.
  for (const alias of ALIASES as readonly AliasSpec[]) {
    if (!alias.tools.some((tool) => TOOLS[tool].kind === 'action')) continue
    const note = alias.note === undefined ? '' : ` ${alias.note}`
    inputs[alias.name] = {
      description: `Alias of \`${alias.input}\` (${toolTitles(alias.tools)}).${note}`,
      required: false,
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
    const aliases = aliasesOf(input.name)
    const also = aliases === '' ? '' : ` Also as ${aliases}.`
    return `| \`${input.name}\` | ${defaultText(input)} | ${platforms} | ${input.description.replace(/\|/g, '\\|')}${values}${also} |`
  })
  return ['| input | default | platforms | meaning |', '|---|---|---|---|', ...rows].join('\n')
}

/** `files` (softprops/action-gh-release); `artifacts`, `artifact` (ncipollo/release-action) */
function aliasesOf(input: string): string {
  const groups = new Map<string, string[]>()
  for (const alias of (ALIASES as readonly AliasSpec[]).filter((a) => a.input === input)) {
    const titles = toolTitles(alias.tools)
    groups.set(titles, [...(groups.get(titles) ?? []), `\`${alias.name}\``])
  }
  return [...groups].map(([titles, names]) => `${names.join(', ')} (${titles})`).join('; ')
}

/**
 * docs/migrating.md's tables: per tool, each of its names we read (and how), then each one we
 * have no counterpart for (and what to do instead).
 */
export function renderMigrationTables(): string {
  const sections = (Object.keys(TOOLS) as Tool[]).map((tool) => {
    const cli = TOOLS[tool].kind === 'cli'
    const shown = (name: string): string => `\`${cli ? `--${name.replace(/_/g, '-')}` : name}\``
    const read = (ALIASES as readonly AliasSpec[])
      .filter((alias) => alias.tools.includes(tool))
      .map((alias) => {
        const note = (alias.note ?? 'Same meaning and format.').replace(/\|/g, '\\|')
        return `| ${shown(alias.name)} | \`${alias.input}\` | ${note} |`
      })
    const refused = NO_COUNTERPART.filter((spec) => spec.tools.includes(tool)).map(
      (spec) => `| ${shown(spec.name)} | — (an error) | ${spec.hint.replace(/\|/g, '\\|')} |`,
    )
    return [
      `### ${TOOLS[tool].title}`,
      '',
      `| ${cli ? 'flag' : 'input'} | forge-release | notes |`,
      '|---|---|---|',
      ...read,
      ...refused,
    ].join('\n')
  })
  return sections.join('\n\n')
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
  if (from < 0 || to < from) throw new Error(`The file lacks the ${start} … ${end} markers`)
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`
}

export function renderReadme(current: string): string {
  return replaceBetweenMarkers(
    replaceBetweenMarkers(current, 'inputs', renderInputsTable()),
    'outputs',
    renderOutputsTable(),
  )
}

export function renderMigrationGuide(current: string): string {
  return replaceBetweenMarkers(current, 'aliases', renderMigrationTables())
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('action.yml', root), renderActionYml())
  const readme = new URL('README.md', root)
  writeFileSync(readme, renderReadme(readFileSync(readme, 'utf8')))
  const guide = new URL('docs/migrating.md', root)
  writeFileSync(guide, renderMigrationGuide(readFileSync(guide, 'utf8')))
}
