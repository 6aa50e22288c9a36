#!/usr/bin/env node
// The only module with side effects: picks the runtime, runs the release, sets the exit code.
import { ReleaseError, describeError } from './errors.js'
import { run } from './main.js'
import { createCliRuntime } from './runtime/cli.js'
import { createGitHubActionsRuntime } from './runtime/github-actions.js'
import { createGitLabCiRuntime } from './runtime/gitlab-ci.js'
import type { Runtime } from './runtime/runtime.js'

function pickRuntime(env: NodeJS.ProcessEnv): Runtime {
  if (env.GITHUB_ACTIONS === 'true') return createGitHubActionsRuntime(env)
  if (env.GITLAB_CI === 'true') return createGitLabCiRuntime(env)
  return createCliRuntime(env, {
    json: process.argv.includes('--json'),
    interactive: process.stderr.isTTY,
  })
}

/**
 * @actions/glob logs through @actions/core, which writes `::debug::` workflow commands to
 * stdout whatever the runtime; outside GitHub Actions they are noise, so they are dropped.
 */
function dropWorkflowCommands(): void {
  const original = process.stdout.write.bind(process.stdout)
  const filtered = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    if (text.startsWith('::debug::')) return true
    return Reflect.apply(original, process.stdout, [chunk, ...rest]) as boolean
  }
  process.stdout.write = filtered
}

async function main(): Promise<number> {
  const runtime = pickRuntime(process.env)
  if (runtime.name !== 'github-actions') dropWorkflowCommands()
  try {
    await run({ runtime })
    return 0
  } catch (error) {
    // Unexpected errors keep their stack for debugging; ours are self-explanatory.
    if (!(error instanceof ReleaseError) && error instanceof Error && error.stack !== undefined) {
      runtime.log.debug(error.stack)
    }
    runtime.reportFailure(describeError(error))
    return 1
  }
}

process.exitCode = await main()
