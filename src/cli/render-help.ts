import {
  ALIASES,
  INPUTS,
  TOOLS,
  type AliasSpec,
  type InputSpec,
  type Tool,
} from '../settings/inputs.js'
import { isFlagLike, REPEATABLE_KINDS } from './parse-arguments.js'
import { wrapText } from './wrap-text.js'

export interface HelpOptions {
  readonly version: string
  /** Terminal width; the text is wrapped to it (kept between 60 and 120 columns). */
  readonly columns?: number
}

/** `--help`, generated from the input table so that it lists exactly the inputs there are. */
export function renderHelp(options: HelpOptions): string {
  const width = Math.min(Math.max(options.columns ?? 80, 60), 120)
  const paragraph = (text: string, indent = ''): string[] => wrapText(text, width, indent)
  // A term and its text in two columns; the text wraps under itself.
  const term = (name: string, text: string): string[] => {
    const indent = ' '.repeat(14)
    const [first = '', ...rest] = wrapText(text, width, indent)
    return [`  ${name.padEnd(11)} ${first.slice(indent.length)}`, ...rest]
  }
  const inputs = INPUTS as readonly InputSpec[]
  const repeatable = inputs.filter((i) => REPEATABLE_KINDS.has(i.kind)).map((i) => `--${i.name}`)

  const lines = [
    ...paragraph(
      `forge-release ${options.version}: publish a release with assets, SHA256SUMS and evidence to GitLab, Tencent Gongfeng, GitHub, Forgejo or Gitea.`,
    ),
    '',
    'Usage:',
    '  forge-release [--<input> <value>]... [--json]',
    '  forge-release verify <release URL> [file...]',
    '',
    ...paragraph(
      'The second form checks a downloaded release against its signatures: forge-release verify --help.',
    ),
    '',
    ...paragraph(
      `Every input is a flag named exactly as the input (--tag_name, also spelled --tag-name). Inputs also come from the environment as INPUT_<NAME> or FORGE_RELEASE_<NAME>; flags win. A boolean flag alone means true (--dry_run); say false with --dry_run=false. ${joinWords(repeatable)} may be given more than once. An empty value counts as not given. The names other release tools use for an input work too ("Also as" below); each is read as the input and said so.`,
    ),
    '',
    'Inputs:',
  ]
  for (const input of inputs) {
    lines.push(`  --${input.name} ${placeholder(input)}`)
    lines.push(...paragraph(plain(input.description), '      '))
    const facts = [
      `Default: ${defaultText(input)}.`,
      ...(input.kind === 'integer' && input.min !== undefined && input.max !== undefined
        ? [`Range: ${input.min} to ${input.max}.`]
        : []),
      `Platforms: ${input.platforms === undefined ? 'all' : input.platforms.join(', ')}.`,
    ]
    lines.push(...paragraph(facts.join(' '), '      '))
    const aliases = aliasText(input.name)
    if (aliases !== '') lines.push(...paragraph(`Also as ${aliases}.`, '      '))
  }
  lines.push(
    '',
    'Flags:',
    ...term(
      '--json',
      'Print the result as JSON on stdout (logs go to stderr): created is true or false, release_id a number, assets an array, and an output without a value is null.',
    ),
    ...term('--version', 'Print the version.'),
    ...term('-h, --help', 'Print this help.'),
    '',
    'Token:',
    ...paragraph(
      "Prefer the environment to --token, because command lines are visible to other users of the machine: FORGE_RELEASE_TOKEN, or the forge's usual variable (GITLAB_TOKEN; GITHUB_TOKEN or GH_TOKEN; GONGFENG_TOKEN). In GitLab CI the job token is used by default.",
      '  ',
    ),
    '',
    'Exit status:',
    ...term('0', 'Published, updated, nothing to do, or a dry run that planned its requests.'),
    ...term('1', 'Bad input or a failed publish.'),
    ...term('2', 'Usage error: unknown flag, missing value or stray argument.'),
    '',
    'Examples:',
    '  export FORGE_RELEASE_TOKEN=glpat-...',
    '  forge-release --project group/app \\',
    '    --api_url https://gitlab.example.com/api/v4 \\',
    "    --tag_name v1.2.0 --ref main --assets 'dist/*' --dry_run",
    '  forge-release --platform github --project owner/repo \\',
    "    --tag_name v1.2.0 --assets 'dist/*.tar.gz' \\",
    '    --json > release.json',
    '',
  )
  return lines.join('\n')
}

/**
 * The input's aliases by tool: `--files (softprops/action-gh-release); --artifacts, --artifact
 * (ncipollo/release-action)`. Command-line tools' flags are shown with their hyphens.
 */
function aliasText(input: string): string {
  const groups = new Map<string, string[]>()
  for (const alias of (ALIASES as readonly AliasSpec[]).filter((a) => a.input === input)) {
    const cli = alias.tools.every((tool: Tool) => TOOLS[tool].kind === 'cli')
    const titles = alias.tools.map((tool) => TOOLS[tool].title).join(', ')
    const flags = groups.get(titles) ?? []
    flags.push(`--${cli ? alias.name.replace(/_/g, '-') : alias.name}`)
    groups.set(titles, flags)
  }
  return [...groups].map(([titles, flags]) => `${flags.join(', ')} (${titles})`).join('; ')
}

function placeholder(input: InputSpec): string {
  if (input.kind === 'boolean') return '[=true|false]'
  if (isFlagLike(input)) return `[=${(input.values ?? []).join('|')}]`
  if (input.values !== undefined) return `<${input.values.join('|')}>`
  if (input.kind === 'integer') return '<number>'
  if (input.kind === 'secret') return '<token>'
  if (input.kind === 'list') return '<item,item>'
  if (input.name.endsWith('_url')) return '<url>'
  if (input.name.endsWith('_file')) return '<path>'
  if (input.name === 'assets') return '<globs or yaml>'
  if (input.kind === 'yaml') return '<yaml>'
  return '<text>'
}

function defaultText(input: InputSpec): string {
  if (input.defaultDoc !== undefined) return plain(input.defaultDoc)
  if (input.default !== undefined) return input.default
  return 'none'
}

/** Markdown code spans read fine without their backticks on a terminal. */
function plain(text: string): string {
  return text.replace(/`/g, '')
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`
}
