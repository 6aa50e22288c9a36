/**
 * Just enough of GitLab CI to run a job from our YAML the way a runner would: `extends:` merging,
 * component input interpolation, variable expansion, and the job's script in a shell.
 */
import { spawn } from 'node:child_process'

import YAML from 'yaml'

import type { Env } from '../support/run-tool.js'

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
export type Job = Record<string, Json>

export function parseYamlDocuments(text: string): Json[] {
  return YAML.parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0)
      throw new Error(document.errors.map((e) => e.message).join('\n'))
    return document.toJS() as Json
  })
}

export function isRecord(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `extends:` — hashes merge deeply, everything else (arrays included) is replaced. */
export function extendJob(base: Job, job: Job): Job {
  const result: Job = { ...base }
  for (const [key, value] of Object.entries(job)) {
    if (key === 'extends') continue
    const current = result[key]
    result[key] = isRecord(current) && isRecord(value) ? extendJob(current, value) : value
  }
  return result
}

/** GitLab expands `$NAME` and `${NAME}` in variable values from the variables defined so far. */
export function expandVariables(value: string, env: Env): string {
  return value.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, braced?: string, bare?: string) => {
    return env[braced ?? bare ?? ''] ?? ''
  })
}

/**
 * The job's environment: the CI variables, then the job's own variables, expanded against what
 * came before. GitLab accepts only strings and numbers as variable values.
 */
export function jobEnvironment(job: Job, ci: Env): Env {
  const env: Env = { ...ci }
  const variables = job.variables ?? {}
  if (!isRecord(variables)) throw new Error('variables is not a hash')
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new Error(
        `jobs variables config should be a hash of key value pairs: ${name} is ${JSON.stringify(value)}`,
      )
    }
    env[name] = expandVariables(String(value), env)
  }
  return env
}

export function jobScript(job: Job): string[] {
  const lines = (key: string): string[] => {
    const value = job[key]
    if (value === undefined) return []
    if (typeof value === 'string') return [value]
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value
    throw new Error(`${key} is neither a string nor a list of strings`)
  }
  return [...lines('before_script'), ...lines('script')]
}

export interface ShellResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the script lines as the runner does for a shell executor: one shell, stop at the first
 * failing line. Asynchronous on purpose: the fake forge answers from this process, so a
 * blocking spawnSync would deadlock the job's requests.
 */
export function runScript(
  lines: readonly string[],
  env: Env,
  cwd: string,
  shell: 'bash' | 'sh' = 'bash',
): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ['-c', ['set -e', ...lines].join('\n')], {
      cwd,
      env: { PATH: process.env.PATH, HOME: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

export interface InputSpecYaml {
  readonly type?: 'string' | 'boolean' | 'number' | 'array'
  readonly default?: Json
  readonly options?: Json[]
  readonly regex?: string
  readonly description?: string
}

/**
 * A component's `spec:inputs` applied to its body, as GitLab does when it includes it: given
 * values are checked against type, options and regex; a string that is only
 * `$[[ inputs.x ]]` takes the input's value with its type, anything longer gets it as text.
 */
export function interpolateComponent(
  text: string,
  given: Readonly<Record<string, Json>>,
): { [key: string]: Json } {
  const [header, body] = parseYamlDocuments(text)
  const spec = isRecord(header) && isRecord(header.spec) ? header.spec.inputs : undefined
  if (!isRecord(spec) || !isRecord(body)) throw new Error('not a component: spec:inputs, ---, body')
  const values = new Map<string, Json>()
  for (const name of Object.keys(given)) {
    if (!(name in spec)) throw new Error(`unknown input: ${name}`)
  }
  for (const [name, raw] of Object.entries(spec)) {
    const input = (raw ?? {}) as InputSpecYaml
    const value = given[name] ?? input.default
    if (value === undefined)
      throw new Error(`\`${name}\` input: required value has not been provided`)
    const type = input.type ?? 'string'
    const ok =
      type === 'array'
        ? Array.isArray(value)
        : type === 'string'
          ? typeof value === 'string'
          : typeof value === type
    if (!ok) throw new Error(`\`${name}\` input: provided value is not a ${type}`)
    if (input.options !== undefined && !input.options.includes(value)) {
      throw new Error(
        `\`${name}\` input: \`${JSON.stringify(value)}\` cannot be used because it is not in the list of allowed options`,
      )
    }
    if (
      input.regex !== undefined &&
      typeof value === 'string' &&
      !new RegExp(input.regex).test(value)
    ) {
      throw new Error(`\`${name}\` input: provided value does not match required RegEx pattern`)
    }
    values.set(name, value)
  }
  const block = /\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g
  const lookup = (name: string): Json => {
    const value = values.get(name)
    if (value === undefined) throw new Error(`unknown interpolation key: \`${name}\``)
    return value
  }
  const asText = (value: Json): string =>
    typeof value === 'string' ? value : JSON.stringify(value)
  const replace = (node: Json): Json => {
    if (typeof node === 'string') {
      const whole = /^\$\[\[\s*inputs\.([\w-]+)\s*\]\]$/.exec(node)
      if (whole !== null) return lookup(whole[1] ?? '')
      return node.replace(block, (_, name: string) => asText(lookup(name)))
    }
    if (Array.isArray(node)) return node.map(replace)
    if (isRecord(node)) {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [asText(replace(k)), replace(v)]),
      )
    }
    return node
  }
  return replace(body) as { [key: string]: Json }
}
