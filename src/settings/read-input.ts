import { INPUTS, type InputSpec } from './inputs.js'

/**
 * Where an input's value is read from:
 *   1. `INPUT_<NAME>`: what GitHub Actions sets for `with:` (and how @actions/core reads it);
 *   2. `FORGE_RELEASE_<NAME>`: for GitLab CI variables and the CLI.
 * The first one given wins, with one exception: a value equal to the input's default gives way
 * to the other variable when that one is given. Wrappers fill in every input (action.yml
 * defaults through the runner, the GitLab CI/CD component's typed defaults), so a default there
 * means "left alone" and must not hide a CI/CD variable such as FORGE_RELEASE_DRY_RUN=true.
 * Bare names (`TOKEN`, `NAME`, `REF`) are never read: too many other tools set them.
 * An empty or blank value counts as not given, because GitHub Actions sets every declared input
 * to '' when the workflow omits it.
 */
export const INPUT_PREFIX = 'INPUT_'
export const VARIABLE_PREFIX = 'FORGE_RELEASE_'

export type Environment = Readonly<Record<string, string | undefined>>

export interface GivenInput {
  readonly value: string
  /** The environment variable it came from, e.g. `FORGE_RELEASE_TAG_NAME`. */
  readonly variable: string
}

/**
 * The two variables of an input (or alias), in the order they are read. Upper case, as the
 * GitHub runner exports `with:` keys (`allowUpdates` → `INPUT_ALLOWUPDATES`).
 */
export function inputVariables(name: string): readonly [string, string] {
  const upper = name.toUpperCase()
  return [`${INPUT_PREFIX}${upper}`, `${VARIABLE_PREFIX}${upper}`]
}

const DEFAULTS: ReadonlyMap<string, string> = new Map(
  (INPUTS as readonly InputSpec[]).flatMap((input) =>
    input.default === undefined ? [] : [[input.name, input.default] as const],
  ),
)

/**
 * The input's value, or undefined when not given. Values are trimmed (as @actions/core does)
 * unless `keepWhitespace`, which YAML inputs need: indentation of the first line is significant.
 */
export function readInput(
  env: Environment,
  name: string,
  keepWhitespace = false,
): GivenInput | undefined {
  const fallback = DEFAULTS.get(name)
  let atDefault: GivenInput | undefined
  for (const variable of inputVariables(name)) {
    const raw = env[variable]
    if (raw === undefined || raw.trim() === '') continue
    const given = { value: keepWhitespace ? raw : raw.trim(), variable }
    if (fallback === undefined || raw.trim() !== fallback) return given
    atDefault ??= given
  }
  return atDefault
}

/** Whether a given value is the input's own default (which other sources may override). */
export function isDefaultValue(name: string, value: string): boolean {
  return DEFAULTS.get(name) === value.trim()
}
