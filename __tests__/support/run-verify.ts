/** `forge-release verify` in this process, the way a person runs it after downloading a release. */
import { runCommandLine } from '../../src/cli/run-command-line.js'
import type { Env } from './run-tool.js'

export interface VerifyRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export async function runVerify(
  args: readonly string[],
  env: Env,
  cwd: string,
): Promise<VerifyRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCommandLine({
    argv: ['verify', ...args],
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    interactive: false,
    columns: () => 200,
    cwd,
  })
  return { code, stdout, stderr }
}

/** The lines of a verify report that failed, as `name: detail`. */
export function failures(run: VerifyRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('FAIL'))
    .map((line) => line.replace(/^FAIL\s+(\S+)\s+/, '$1: '))
}
