/**
 * The inputs the GitHub runner hands a node action, from our action.yml: every declared input
 * as INPUT_<NAME> (its default, or '' when it has none), then each `with:` key the workflow
 * gives, declared or not. Names are upper-cased and spaces become '_'; hyphens stay.
 * https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#inputs
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

import YAML from 'yaml'

import { repoRoot, type Env } from './run-tool.js'

interface ActionYml {
  readonly inputs: Record<string, { readonly default?: string }>
}

const action = YAML.parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as ActionYml
const variable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

export function actionInputs(withKeys: Readonly<Record<string, string>>, token: string): Env {
  const env: Env = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    // The one expression among the defaults; the runner evaluates it to the job's token.
    env[variable(name)] = spec.default === '${{ github.token }}' ? token : (spec.default ?? '')
  }
  for (const [name, value] of Object.entries(withKeys)) env[variable(name)] = value
  return env
}
