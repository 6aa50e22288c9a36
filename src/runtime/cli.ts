import { redact } from '../secrets.js'
import type { OutputValues, Runtime } from './runtime.js'
import { createTextLogger } from './text-logger.js'

export interface CliRuntimeOptions {
  readonly json: boolean
  readonly stdout?: (text: string) => void
  readonly stderr?: (text: string) => void
  readonly interactive?: boolean
}

/** A person's shell: logs on stderr, the result on stdout (text or JSON). */
export function createCliRuntime(
  env: Readonly<Record<string, string | undefined>>,
  options: CliRuntimeOptions,
): Runtime {
  const stdout = options.stdout ?? ((text) => process.stdout.write(text))
  const stderr = options.stderr ?? ((text) => process.stderr.write(text))
  const log = createTextLogger({
    write: (line) => stderr(`${line}\n`),
    sections: 'plain',
    debugEnabled: env.FORGE_RELEASE_DEBUG === 'true' || env.RUNNER_DEBUG === '1',
  })
  return {
    name: 'cli',
    env,
    cwd: process.cwd(),
    log,
    progressIntervalMs: options.interactive === true ? 1000 : 5000,
    reportFailure: (message) => log.info(`ERROR: ${message}`),
    writeOutputs(outputs: OutputValues): Promise<void> {
      if (options.json) {
        const parsed: Record<string, unknown> = {}
        for (const [name, value] of Object.entries(outputs)) {
          parsed[name] = name === 'assets' ? (JSON.parse(value) as unknown) : value
        }
        stdout(`${redact(JSON.stringify(parsed, null, 2))}\n`)
      } else {
        for (const [name, value] of Object.entries(outputs)) {
          if (name !== 'assets') stdout(`${name}=${redact(value)}\n`)
        }
      }
      return Promise.resolve()
    },
    writeSummary(markdown: string): Promise<void> {
      for (const line of markdown.split('\n')) log.info(line)
      return Promise.resolve()
    },
  }
}
