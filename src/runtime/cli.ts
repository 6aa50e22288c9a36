import { redact } from '../secrets.js'
import type { OutputValues, Runtime } from './runtime.js'
import { createTextLogger } from './text-logger.js'

export interface CliRuntimeOptions {
  /**
   * Print the outputs as `name=value` lines on stdout. Off under `--json`, where the caller
   * prints the whole result as one JSON document instead.
   */
  readonly printOutputs: boolean
  readonly stdout?: (text: string) => void
  readonly stderr?: (text: string) => void
  /** stderr is a terminal: progress is redrawn in place and reported more often. */
  readonly interactive?: boolean
  readonly columns?: () => number
  readonly cwd?: string
}

/** How often progress is reported: a person watching a terminal wants it livelier than a log. */
const INTERACTIVE_PROGRESS_MS = 500
const LOG_PROGRESS_MS = 5000

/** A person's shell: logs on stderr, the result on stdout. */
export function createCliRuntime(
  env: Readonly<Record<string, string | undefined>>,
  options: CliRuntimeOptions,
): Runtime {
  const stdout = options.stdout ?? ((text) => process.stdout.write(text))
  const stderr = options.stderr ?? ((text) => process.stderr.write(text))
  const interactive = options.interactive === true
  const log = createTextLogger({
    write: (line) => stderr(`${line}\n`),
    sections: 'plain',
    debugEnabled: env.FORGE_RELEASE_DEBUG === 'true' || env.RUNNER_DEBUG === '1',
    ...(interactive
      ? { statusLine: { write: stderr, columns: options.columns ?? (() => 80) } }
      : {}),
  })
  return {
    name: 'cli',
    env,
    cwd: options.cwd ?? process.cwd(),
    log,
    progressIntervalMs: interactive ? INTERACTIVE_PROGRESS_MS : LOG_PROGRESS_MS,
    reportFailure: (message) => log.info(`ERROR: ${message}`),
    writeOutputs(outputs: OutputValues): Promise<void> {
      if (!options.printOutputs) return Promise.resolve()
      for (const [name, value] of Object.entries(outputs)) {
        // The assets JSON is long; assets_file names the file that holds it.
        if (name !== 'assets') stdout(`${name}=${redact(value)}\n`)
      }
      return Promise.resolve()
    },
    writeSummary(markdown: string): Promise<void> {
      for (const line of markdown.split('\n')) log.info(line)
      return Promise.resolve()
    },
  }
}
