import { parseArgs } from 'node:util'

import {
  ALIASES,
  INPUTS,
  NO_COUNTERPART,
  TOOLS,
  type AliasSpec,
  type InputSpec,
} from '../settings/inputs.js'
import { closestName } from '../settings/suggest-name.js'

/** What the command line asks for. Input values are keyed by input name (`tag_name`). */
export type ParsedArguments =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'run'
      readonly inputs: Readonly<Record<string, string>>
      readonly json: boolean
    }
  | { readonly kind: 'usage-error'; readonly message: string }

/** Flags of the tool itself, as opposed to inputs. */
const TOOL_FLAGS = ['help', 'version', 'json'] as const

/** Inputs that may be given more than once; the values are joined with new lines. */
export const REPEATABLE_KINDS: ReadonlySet<InputSpec['kind']> = new Set(['list', 'yaml'])

/** A flag that sets an input: one named as the input, or another tool's name for it. */
interface FlagSpec {
  /** The input it sets. */
  readonly input: string
  /** How the flag's own value is read: a boolean alias is a boolean flag. */
  readonly kind: InputSpec['kind']
  /** The input's values, where it has a fixed set (`verify`: true, false, full). */
  readonly values?: readonly string[]
}

const INPUT_SPECS: ReadonlyMap<string, InputSpec> = new Map(
  (INPUTS as readonly InputSpec[]).map((input) => [input.name, input]),
)
const FLAGS: ReadonlyMap<string, FlagSpec> = new Map([
  ...[...INPUT_SPECS.values()].map(
    (input) =>
      [
        input.name,
        {
          input: input.name,
          kind: input.kind,
          ...(input.values === undefined ? {} : { values: input.values }),
        },
      ] as const,
  ),
  ...(ALIASES as readonly AliasSpec[]).map((alias) => {
    const kind =
      alias.value.kind === 'boolean' ? 'boolean' : (INPUT_SPECS.get(alias.input)?.kind ?? 'string')
    return [alias.name, { input: alias.input, kind }] as const
  }),
])
const NO_COUNTERPART_FLAGS = new Map(NO_COUNTERPART.map((spec) => [spec.name, spec]))

/**
 * Parses flags named exactly as the inputs (`--tag_name v1.2.0`, `--tag-name=v1.2.0`) or as
 * other release tools name them (`--files`, `--assets-link`), plus `--help`, `--version` and
 * `--json`. A boolean input given alone (`--dry_run`) means true; `--dry_run=false` is how to
 * say false. Anything else that is not a known flag is a usage error.
 *
 * node:util's parseArgs tokenises (strict mode would reject `--dry_run=false` and report
 * errors in its own words); the checks below turn every token into a known flag or one clear
 * message that names it. Aliases reach the settings reader under their own names, which
 * converts them and says what they are read as.
 */
export function parseArguments(argv: readonly string[]): ParsedArguments {
  const { tokens } = parseArgs({
    args: [...argv],
    options: parserOptions(),
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  // --help and --version answer even when something else on the line is wrong.
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    if (token.name === 'help' || token.name === 'h') return { kind: 'help' }
    if (token.name === 'version') return { kind: 'version' }
  }

  const inputs: Record<string, string> = {}
  /** Which flag set each input, so that an input set under two names is caught. */
  const setBy = new Map<string, string>()
  let json = false
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue
    if (token.kind === 'positional') {
      return usage(
        `unexpected argument ${quote(token.value)}: every value belongs to a flag (--name value or --name=value)`,
      )
    }
    const flag = token.rawName
    if (token.name === 'json') {
      if (token.value !== undefined) return usage(`${flag} takes no value`)
      json = true
      continue
    }
    const name = token.name.replace(/-/g, '_')
    const spec = FLAGS.get(name)
    if (spec === undefined || !flag.startsWith('--')) return usage(unknownFlag(flag, name))
    const value = readValue(spec, flag, token.value, token.inlineValue === true)
    if (typeof value !== 'string') return value
    const other = setBy.get(spec.input)
    if (other !== undefined && other !== name) {
      return usage(
        `--${other} and ${flag} both set the input ${spec.input}; give only --${spec.input}`,
      )
    }
    setBy.set(spec.input, name)
    if (inputs[name] !== undefined) {
      if (!REPEATABLE_KINDS.has(spec.kind)) return usage(`${flag} is given more than once`)
      inputs[name] = `${inputs[name]}\n${value}`
    } else {
      inputs[name] = value
    }
  }
  return { kind: 'run', inputs, json }
}

/**
 * Booleans, and enums that are booleans with more values (`verify`: true, false, full): given
 * alone they mean true; any other value comes with `=`.
 */
export function isFlagLike(spec: Pick<InputSpec, 'kind' | 'values'>): boolean {
  return (
    spec.kind === 'boolean' ||
    (spec.kind === 'enum' &&
      spec.values !== undefined &&
      spec.values.includes('true') &&
      spec.values.includes('false'))
  )
}

function readValue(
  spec: FlagSpec,
  flag: string,
  value: string | undefined,
  inline: boolean,
): string | ParsedArguments {
  if (isFlagLike(spec)) {
    // A bare boolean flag means true; a value must come with `=`, so `--dry_run false` leaves
    // `false` as a stray argument instead of silently reading it.
    return value ?? 'true'
  }
  if (value === undefined) {
    return usage(`${flag} needs a value (${flag} <value> or ${flag}=<value>)`)
  }
  // `--tag_name --dry_run` took the next flag as the value: almost surely a forgotten value.
  if (!inline && (value.startsWith('--') || /^-[A-Za-z]$/.test(value))) {
    return usage(
      `${flag} needs a value, but the next argument is the flag ${value}; write ${flag}=${value} if that is the value`,
    )
  }
  return value
}

function parserOptions(): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {}
  for (const [name, flag] of FLAGS) {
    const type = isFlagLike(flag) ? 'boolean' : 'string'
    options[name] = { type }
    options[name.replace(/_/g, '-')] = { type }
  }
  for (const flag of TOOL_FLAGS) options[flag] = { type: 'boolean' }
  options.help = { type: 'boolean', short: 'h' }
  return options
}

/**
 * An unknown flag, with what to do: another tool's flag we have no counterpart for gets its
 * own hint; a near miss gets the closest flag (the input itself when an alias is closest).
 */
function unknownFlag(flag: string, name: string): string {
  const refused = NO_COUNTERPART_FLAGS.get(name)
  if (refused !== undefined) {
    const tools = refused.tools.map((tool) => TOOLS[tool].title).join(', ')
    return `unknown flag ${flag}: forge-release has no counterpart for this flag of ${tools}. ${refused.hint}`
  }
  const closest = closestName(name, [...FLAGS.keys(), ...TOOL_FLAGS])
  if (closest === undefined) return `unknown flag ${flag}`
  return `unknown flag ${flag} (did you mean --${FLAGS.get(closest)?.input ?? closest}?)`
}

function usage(message: string): ParsedArguments {
  return { kind: 'usage-error', message }
}

function quote(text: string): string {
  return JSON.stringify(text)
}
