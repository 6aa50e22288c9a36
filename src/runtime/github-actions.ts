import * as core from '@actions/core'

import type { Logger } from '../log.js'
import { redact } from '../secrets.js'
import { neutraliseForLog } from './neutralise.js'
import type { OutputValues, Runtime } from './runtime.js'

export interface GitHubActionsRuntimeOptions {
  /**
   * Where log lines and workflow commands go. Default: stdout through @actions/core. `--json`
   * points it at stderr so that stdout holds only the JSON result; the runner reads workflow
   * commands from both streams.
   */
  readonly write?: (text: string) => void
}

/** A GitHub Actions step: workflow commands, outputs to GITHUB_OUTPUT, the job summary. */
export function createGitHubActionsRuntime(
  env: Readonly<Record<string, string | undefined>>,
  options: GitHubActionsRuntimeOptions = {},
): Runtime {
  const clean = (message: string): string => neutraliseForLog(redact(message))
  const { write } = options
  const log = write === undefined ? coreLogger(clean) : commandLogger(write, clean)
  const reportFailure = (message: string): void => {
    if (write === undefined) core.error(clean(message))
    else issueCommand(write, 'error', clean(message))
  }
  return {
    name: 'github-actions',
    env,
    cwd: env.GITHUB_WORKSPACE ?? process.cwd(),
    log,
    progressIntervalMs: 5000,
    reportFailure,
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

function coreLogger(clean: (message: string) => string): Logger {
  return {
    info: (message) => core.info(clean(message)),
    warn: (message) => core.warning(clean(message)),
    debug: (message) => core.debug(clean(message)),
    group: (title, work) => core.group(clean(title), work),
  }
}

/** The same workflow commands @actions/core writes, through any stream. */
function commandLogger(write: (text: string) => void, clean: (message: string) => string): Logger {
  return {
    info: (message) => write(`${clean(message)}\n`),
    warn: (message) => issueCommand(write, 'warning', clean(message)),
    debug: (message) => issueCommand(write, 'debug', clean(message)),
    async group<T>(title: string, work: () => Promise<T>): Promise<T> {
      issueCommand(write, 'group', clean(title))
      try {
        return await work()
      } finally {
        write('::endgroup::\n')
      }
    },
  }
}

/** https://docs.github.com/actions/reference/workflow-commands-for-github-actions (escaping as in @actions/core). */
function issueCommand(write: (text: string) => void, command: string, message: string): void {
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  write(`::${command}::${data}\n`)
}
