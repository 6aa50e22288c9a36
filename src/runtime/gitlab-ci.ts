import type { OutputValues, Runtime } from './runtime.js'
import { createTextLogger } from './text-logger.js'

/**
 * A GitLab CI job: collapsible log sections; outputs go to the dotenv report (written by
 * steps/report.ts, because `outputs_file` works under every runtime). `write` takes log lines:
 * stdout by default, stderr under `--json` (the job log shows both).
 */
export function createGitLabCiRuntime(
  env: Readonly<Record<string, string | undefined>>,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Runtime {
  const log = createTextLogger({
    write,
    sections: 'gitlab',
    debugEnabled: env.CI_DEBUG_TRACE === 'true' || env.FORGE_RELEASE_DEBUG === 'true',
  })
  return {
    name: 'gitlab-ci',
    env,
    cwd: env.CI_PROJECT_DIR ?? process.cwd(),
    log,
    // GitLab streams the job log in chunks; a line every few seconds keeps it readable.
    progressIntervalMs: 5000,
    reportFailure: (message) => log.info(`ERROR: ${message}`),
    writeOutputs: (_outputs: OutputValues) => Promise.resolve(),
    writeSummary(markdown: string): Promise<void> {
      for (const line of markdown.split('\n')) log.info(line)
      return Promise.resolve()
    },
  }
}
