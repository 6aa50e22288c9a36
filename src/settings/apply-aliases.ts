import { inputError, type ReleaseError } from '../errors.js'
import { convertAliasValue } from './convert-alias-value.js'
import { ALIASES, INPUTS, TOOLS, type AliasSpec, type Tool } from './inputs.js'
import { inputVariables, isDefaultValue, readInput, type Environment } from './read-input.js'

export interface AliasesApplied {
  /**
   * The environment with every alias's value moved to its input's `INPUT_<NAME>` (converted),
   * and the aliases' own variables removed, so that the rest of the reader sees only our names.
   */
  readonly env: Environment
  /** One line per alias read, naming the input it stands for. */
  readonly notices: string[]
  readonly problems: ReleaseError[]
}

/**
 * Reads other tools' names for our inputs (`files` for `assets`, …). An input given both under
 * its own name and as an alias, or as two aliases, is an error naming both, since nothing says
 * which one was meant; an input left at its default (a wrapper's filled-in value) gives way.
 */
export function applyAliases(env: Environment): AliasesApplied {
  const result: Record<string, string | undefined> = { ...env }
  const notices: string[] = []
  const problems: ReleaseError[] = []
  for (const input of INPUTS) {
    const aliases: readonly AliasSpec[] = ALIASES.filter((alias) => alias.input === input.name)
    const given = aliases.flatMap((alias) => {
      const found = readInput(env, alias.name, true)
      return found === undefined ? [] : [{ alias, ...found }]
    })
    for (const alias of aliases) for (const name of inputVariables(alias.name)) delete result[name]
    const [first, second] = given
    if (first === undefined) continue
    if (second !== undefined) {
      problems.push(
        inputError(
          input.name,
          `is given twice: as ${first.alias.name} (${first.variable}) and as ${second.alias.name} (${second.variable}).`,
          `Give it once, as ${input.name}.`,
        ),
      )
      continue
    }
    const own = readInput(env, input.name)
    if (own !== undefined && !isDefaultValue(input.name, own.value)) {
      problems.push(
        inputError(
          input.name,
          `is given twice: as ${input.name} (${own.variable}) and as ${first.alias.name} (${first.variable}), its name in ${toolTitles(first.alias.tools)}.`,
          `Remove ${first.alias.name}.`,
        ),
      )
      continue
    }
    const converted = convertAliasValue(first.alias.value, first.value)
    if ('problem' in converted) {
      problems.push(inputError(first.alias.name, converted.problem, converted.hint))
      continue
    }
    const named = `Input '${first.alias.name}' (${toolTitles(first.alias.tools)})`
    if (converted.value === undefined) {
      notices.push(`${named} is ${first.value.trim()}, which is the same as not giving it.`)
      continue
    }
    const shown =
      first.alias.value.kind === 'boolean' ? `${input.name}: ${converted.value}` : input.name
    notices.push(`${named} is read as ${shown}.`)
    const [inputVariable, variable] = inputVariables(input.name)
    result[inputVariable] = converted.value
    delete result[variable]
  }
  return { env: result, notices, problems }
}

export function toolTitles(tools: readonly Tool[]): string {
  return tools.map((tool) => TOOLS[tool].title).join(', ')
}
