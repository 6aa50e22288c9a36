import { ReleaseError, describeError } from '../errors.js'
import { VERSION, run } from '../main.js'
import { createCliRuntime } from '../runtime/cli.js'
import { createGitHubActionsRuntime } from '../runtime/github-actions.js'
import { createGitLabCiRuntime } from '../runtime/gitlab-ci.js'
import type { Runtime } from '../runtime/runtime.js'
import type { Environment } from '../settings/read-input.js'
import { overlayFlags } from './overlay-flags.js'
import { parseArguments } from './parse-arguments.js'
import { renderHelp } from './render-help.js'
import { renderJsonDryRun, renderJsonError, renderJsonResult } from './render-json.js'

export const EXIT_SUCCESS = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** The process as the command line sees it; index.ts passes the real one, tests a fake. */
export interface CommandLineIo {
  readonly argv: readonly string[]
  readonly env: Environment
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** stderr is a terminal (a person is watching). */
  readonly interactive: boolean
  /** Terminal width, for --help and the progress line. */
  readonly columns: () => number
  readonly cwd?: string
}

/**
 * One run of `forge-release [flags]` under any runtime: flags become inputs layered over the
 * environment, the runtime is picked from the environment, and the outcome becomes the exit
 * status (0 success, 1 bad input or failed publish, 2 usage error).
 */
export async function runCommandLine(io: CommandLineIo): Promise<number> {
  if (io.argv[0] === 'verify') {
    // The verify command and its Sigstore libraries load only when asked for.
    const { runVerifyCommand } = await import(/* webpackMode: "eager" */ './run-verify-command.js')
    return runVerifyCommand(io, io.argv.slice(1), VERSION)
  }
  const parsed = parseArguments(io.argv)
  if (parsed.kind === 'usage-error') {
    io.stderr(`forge-release: ${parsed.message}\nRun 'forge-release --help' to see every flag.\n`)
    return EXIT_USAGE
  }
  if (parsed.kind === 'help') {
    io.stdout(renderHelp({ version: VERSION, columns: io.columns() }))
    return EXIT_SUCCESS
  }
  if (parsed.kind === 'version') {
    io.stdout(`${VERSION}\n`)
    return EXIT_SUCCESS
  }

  const env = overlayFlags(io.env, parsed.inputs)
  const runtime = pickRuntime(env, io, parsed.json)
  try {
    const result = await run({ runtime })
    if (parsed.json) {
      // A dry run stops before there is anything to output; its result is the plan.
      io.stdout(
        result.plannedRequests === undefined
          ? renderJsonResult(result.outputs)
          : renderJsonDryRun(result.plannedRequests, result.plannedSteps ?? []),
      )
    }
    return EXIT_SUCCESS
  } catch (error) {
    // Unexpected errors keep their stack for debugging; ours are self-explanatory.
    if (!(error instanceof ReleaseError) && error instanceof Error && error.stack !== undefined) {
      runtime.log.debug(error.stack)
    }
    runtime.reportFailure(describeError(error))
    if (parsed.json) io.stdout(renderJsonError(error))
    return EXIT_FAILURE
  }
}

/** Where it runs decides how it logs; flags work the same under all three. */
export function pickRuntime(env: Environment, io: CommandLineIo, json: boolean): Runtime {
  // Under --json stdout carries only the result, so CI logs move to stderr.
  if (env.GITHUB_ACTIONS === 'true') {
    return createGitHubActionsRuntime(env, json ? { write: io.stderr } : {})
  }
  if (env.GITLAB_CI === 'true') {
    const sink = json ? io.stderr : io.stdout
    return createGitLabCiRuntime(env, (line) => sink(`${line}\n`))
  }
  return createCliRuntime(env, {
    printOutputs: !json,
    stdout: io.stdout,
    stderr: io.stderr,
    interactive: io.interactive,
    columns: io.columns,
    ...(io.cwd === undefined ? {} : { cwd: io.cwd }),
  })
}
