import { InputErrors, ReleaseError } from '../errors.js'
import { derivedFileOf, type Step } from '../plan/steps.js'
import type { OutputValues } from '../runtime/runtime.js'
import { redact } from '../secrets.js'
import { OUTPUTS, type OutputSpec } from '../settings/inputs.js'

const OUTPUT_TYPES: ReadonlyMap<string, OutputSpec['type']> = new Map(
  (OUTPUTS as readonly OutputSpec[]).map((output) => [output.name, output.type]),
)

/**
 * `--json` results: one JSON document on stdout per run, whatever happened, so a script can
 * always parse stdout. Outputs keep their names and get their types back from the output
 * table (`created` a boolean, `release_id` a number, `assets` the array itself); an output
 * without a value is null. Runtimes hand outputs over as text because step outputs and the
 * dotenv report carry only text.
 */
export function renderJsonResult(outputs: OutputValues): string {
  const result: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(outputs)) result[name] = typed(name, value)
  return render(result)
}

function typed(name: string, value: string): unknown {
  if (value === '') return null
  switch (OUTPUT_TYPES.get(name)) {
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value
    case 'number':
      return /^\d{1,15}$/.test(value) ? Number(value) : value
    case 'json':
      return parseJson(value)
    default:
      return value
  }
}

/**
 * A dry run changes nothing and has no outputs; it reports the step list the executor would
 * run, as data, and the requests those steps make.
 */
export function renderJsonDryRun(requests: readonly string[], steps: readonly Step[]): string {
  return render({ dry_run: true, steps: steps.map(describeStep), requests })
}

/** A step as plain data: what it writes, and how its outcome is settled when in doubt. */
function describeStep(step: Step): Record<string, unknown> {
  const base = { kind: step.kind, recovery: step.recovery }
  switch (step.kind) {
    case 'create-release':
      return { ...base, tag_name: step.tagName, draft: step.draft, with_links: step.withLinks }
    case 'update-release':
      return { ...base, tag_name: step.tagName, changed: step.changed }
    case 'upload':
      return {
        ...base,
        name: step.file.name,
        path: step.file.path,
        size: step.file.size,
        ...(step.replacing === undefined ? {} : { replaces: step.replacing.name }),
      }
    case 'link':
      return {
        ...base,
        name: step.link.name,
        ...(step.link.url === undefined ? {} : { url: step.link.url }),
      }
    case 'publish':
      return { ...base, tag_name: step.tagName }
    case 'sign-evidence':
      return { ...base, name: derivedFileOf(step), statement: step.statement }
    case 'record-attestation':
      return { ...base, statement: step.statement }
    default:
      return base
  }
}

export function renderJsonError(error: unknown): string {
  if (error instanceof InputErrors) {
    return render({
      error: {
        code: error.code,
        message: error.message,
        problems: error.problems.map(describeProblem),
      },
    })
  }
  if (error instanceof ReleaseError) return render({ error: describeProblem(error) })
  return render({
    error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
  })
}

function describeProblem(error: ReleaseError): Record<string, string> {
  return {
    code: error.code,
    ...(error.input === undefined ? {} : { input: error.input }),
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** Redacts each string before encoding: a secret holding a quote or backslash would not match once escaped. */
function render(value: unknown): string {
  const json = JSON.stringify(
    value,
    (_key, item: unknown) => (typeof item === 'string' ? redact(item) : item),
    2,
  )
  return `${json}\n`
}
