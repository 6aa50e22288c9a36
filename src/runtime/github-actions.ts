import * as core from '@actions/core'

import type { Logger } from '../log.js'
import { redact } from '../secrets.js'
import { neutraliseForLog } from './neutralise.js'
import type { OutputValues, Runtime } from './runtime.js'

/** A GitHub Actions step: workflow commands through @actions/core, outputs to GITHUB_OUTPUT. */
export function createGitHubActionsRuntime(
  env: Readonly<Record<string, string | undefined>>,
): Runtime {
  const clean = (message: string): string => neutraliseForLog(redact(message))
  const log: Logger = {
    info: (message) => core.info(clean(message)),
    warn: (message) => core.warning(clean(message)),
    debug: (message) => core.debug(clean(message)),
    group: (title, work) => core.group(clean(title), work),
  }
  return {
    name: 'github-actions',
    env,
    cwd: env.GITHUB_WORKSPACE ?? process.cwd(),
    log,
    progressIntervalMs: 5000,
    reportFailure: (message) => core.error(clean(message)),
    writeOutputs(outputs: OutputValues): Promise<void> {
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redact(value))
      return Promise.resolve()
    },
    async writeSummary(markdown: string): Promise<void> {
      if (env.GITHUB_STEP_SUMMARY === undefined || env.GITHUB_STEP_SUMMARY === '') {
        log.info(markdown)
        return
      }
      await core.summary.addRaw(redact(markdown), true).write()
    },
  }
}
