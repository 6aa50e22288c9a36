import { inputError, type ReleaseError } from '../errors.js'
import { toolTitles } from './apply-aliases.js'
import { ALIASES, INPUTS, NO_COUNTERPART, type AliasSpec } from './inputs.js'
import { INPUT_PREFIX, VARIABLE_PREFIX, type Environment } from './read-input.js'
import { closestName, normaliseName } from './suggest-name.js'

/**
 * FORGE_RELEASE_* variables that are settings of the tool's surroundings, not inputs: the
 * runtimes' debug switch and the GitLab CI template's way of choosing the tool's version.
 */
const NOT_INPUTS = new Set(['FORGE_RELEASE_DEBUG', 'FORGE_RELEASE_PACKAGE', 'FORGE_RELEASE_SCRIPT'])

const INPUT_NAMES: readonly string[] = INPUTS.map((input) => input.name)
const ALIAS_BY_NAME: ReadonlyMap<string, AliasSpec> = new Map(
  (ALIASES as readonly AliasSpec[]).map((alias) => [normaliseName(alias.name), alias]),
)
/** Variable suffixes that are read: exactly the upper-cased names, since the reader looks no further. */
const KNOWN = new Set(
  [...INPUT_NAMES, ...ALIASES.map((alias) => alias.name)].map((name) => name.toUpperCase()),
)
const REFUSED = new Map(NO_COUNTERPART.map((spec) => [normaliseName(spec.name), spec]))

/**
 * `INPUT_*` and `FORGE_RELEASE_*` variables that name no input and no alias: typos, other
 * tools' inputs we have no counterpart for, removed inputs. Each is an error, because a run
 * that ignored `with: file: dist/*` would publish a release without its files. Only these two
 * prefixes are ours: the GitHub runner scopes INPUT_* to the step, and other tools' variables
 * go unnoticed. Empty values are "not given" (the runner sets '' for declared inputs).
 */
export function findUnknownInputs(env: Environment): ReleaseError[] {
  return Object.keys(env)
    .sort()
    .flatMap((variable) => {
      const prefix = [INPUT_PREFIX, VARIABLE_PREFIX].find((p) => variable.startsWith(p))
      const value = env[variable]
      if (prefix === undefined || value === undefined || value.trim() === '') return []
      if (NOT_INPUTS.has(variable)) return []
      const name = variable.slice(prefix.length)
      if (KNOWN.has(name)) return []
      return [unknownInput(variable, prefix, name.toLowerCase())]
    })
}

function unknownInput(variable: string, prefix: string, name: string): ReleaseError {
  const refused = REFUSED.get(normaliseName(name))
  if (refused !== undefined) {
    return inputError(
      name,
      `${variable} sets ${refused.name} of ${toolTitles(refused.tools)}, which forge-release has no counterpart for.`,
      refused.hint,
    )
  }
  return inputError(
    name,
    `${variable} names no forge-release input.`,
    `${didYouMean(name, prefix)}Every input is listed in the README and by forge-release --help.`,
  )
}

/** "Did you mean assets (INPUT_ASSETS)? ", naming our input even when an alias is closest. */
export function didYouMean(name: string, prefix = INPUT_PREFIX): string {
  const closest = closestName(name, [...INPUT_NAMES, ...ALIAS_BY_NAME.keys()])
  if (closest === undefined) return ''
  const input = ALIAS_BY_NAME.get(normaliseName(closest))?.input ?? closest
  return `Did you mean ${input} (${prefix}${input.toUpperCase()})? `
}
