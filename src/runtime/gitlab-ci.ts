import type { OutputValues, Runtime } from './runtime.js'
import { createTextLogger } from './text-logger.js'

/** A GitLab CI job: collapsible log sections; outputs go to the dotenv report (see write-outputs). */
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
    progressIntervalMs: 5000,
    reportFailure: (message) => log.info(`ERROR: ${message}`),
    writeOutputs: (_outputs: OutputValues) => Promise.resolve(),
    writeSummary(markdown: string): Promise<void> {
      for (const line of markdown.split('\n')) log.info(line)
      return Promise.resolve()
    },
  }
}
