import { parseArgs } from 'node:util'

import { INPUTS, type InputSpec } from '../settings/inputs.js'

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

const SPECS: ReadonlyMap<string, InputSpec> = new Map(
  (INPUTS as readonly InputSpec[]).map((input) => [input.name, input]),
)

/**
 * Parses flags named exactly as the inputs (`--tag_name v1.2.0`, `--tag-name=v1.2.0`), plus
 * `--help`, `--version` and `--json`. A boolean input given alone (`--dry_run`) means true;
 * `--dry_run=false` is how to say false. Anything else that is not a known flag is a usage error.
 *
 * node:util's parseArgs tokenises (strict mode would reject `--dry_run=false` and report
 * errors in its own words); the checks below turn every token into a known flag or one clear
 * message that names it.
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
    const spec = SPECS.get(name)
    if (spec === undefined || !flag.startsWith('--')) {
      return usage(`unknown flag ${flag}${suggestion(name)}`)
    }
    const value = readValue(spec, flag, token.value, token.inlineValue === true)
    if (typeof value !== 'string') return value
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
export function isFlagLike(spec: InputSpec): boolean {
  return (
    spec.kind === 'boolean' ||
    (spec.kind === 'enum' &&
      spec.values !== undefined &&
      spec.values.includes('true') &&
      spec.values.includes('false'))
  )
}

function readValue(
  spec: InputSpec,
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
  for (const input of SPECS.values()) {
    const type = isFlagLike(input) ? 'boolean' : 'string'
    options[input.name] = { type }
    options[input.name.replace(/_/g, '-')] = { type }
  }
  for (const flag of TOOL_FLAGS) options[flag] = { type: 'boolean' }
  options.help = { type: 'boolean', short: 'h' }
  return options
}

/** The closest known flag, when the unknown one looks like a typo or a shortened name. */
function suggestion(name: string): string {
  const candidates = [...SPECS.keys(), ...TOOL_FLAGS]
  let best: { name: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance =
      candidate.startsWith(name) && name.length >= 3 ? 1 : editDistance(name, candidate)
    if (best === undefined || distance < best.distance) best = { name: candidate, distance }
  }
  if (best === undefined || best.distance > Math.max(2, Math.floor(name.length / 3))) return ''
  return ` (did you mean --${best.name}?)`
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

function usage(message: string): ParsedArguments {
  return { kind: 'usage-error', message }
}

function quote(text: string): string {
  return JSON.stringify(text)
}
