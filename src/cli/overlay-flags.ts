import { inputVariables, type Environment } from '../settings/read-input.js'

/**
 * The environment the settings reader sees: flags become `INPUT_<NAME>` entries over the
 * process environment. A flag wins over both variables of its input, so the matching
 * `FORGE_RELEASE_<NAME>` is removed (otherwise `--tag_name=` would fall back to it).
 */
export function overlayFlags(
  env: Environment,
  inputs: Readonly<Record<string, string>>,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = { ...env }
  for (const [name, value] of Object.entries(inputs)) {
    const [inputVariable, fallbackVariable] = inputVariables(name)
    result[inputVariable] = value
    delete result[fallbackVariable]
  }
  return result
}
