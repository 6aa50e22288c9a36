import { InputErrors, ReleaseError } from '../errors.js'
import type { OutputValues } from '../runtime/runtime.js'
import { redact } from '../secrets.js'

/**
 * `--json` results: one JSON document on stdout per run, whatever happened, so a script can
 * always parse stdout. Outputs keep their names; `assets` is the array itself, not its text.
 */
export function renderJsonResult(outputs: OutputValues): string {
  const result: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(outputs)) {
    result[name] = name === 'assets' ? parseJson(value) : value
  }
  return render(result)
}

/** A dry run changes nothing and has no outputs; it reports the requests it would make. */
export function renderJsonDryRun(requests: readonly string[]): string {
  return render({ dry_run: true, requests })
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
