import { ALIASES, type AliasSpec } from '../settings/inputs.js'
import { inputVariables, type Environment } from '../settings/read-input.js'

const ALIAS_LIST: readonly AliasSpec[] = ALIASES

/**
 * The environment the settings reader sees: flags become `INPUT_<NAME>` entries over the
 * process environment. A flag wins over every variable of its input, so the input's other
 * variables are removed, under its own name and under its aliases (otherwise `--tag_name=`
 * would fall back to FORGE_RELEASE_TAG_NAME, and `--files` would clash with INPUT_ASSETS).
 */
export function overlayFlags(
  env: Environment,
  inputs: Readonly<Record<string, string>>,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = { ...env }
  for (const name of Object.keys(inputs)) {
    const input = ALIAS_LIST.find((alias) => alias.name === name)?.input ?? name
    const names = [input, ...ALIAS_LIST.filter((a) => a.input === input).map((a) => a.name)]
    for (const variable of names.flatMap(inputVariables)) delete result[variable]
  }
  for (const [name, value] of Object.entries(inputs)) result[inputVariables(name)[0]] = value
  return result
}
