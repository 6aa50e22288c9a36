// The process around one run of the command line: its streams, environment and terminal, and the
// exit status to set. The entries (index.ts for dist/index.js, local-action.ts for
// @github/local-action) set that status; importing this module does nothing.
import { runCommandLine } from './cli/run-command-line.js'

/**
 * @actions/glob logs through @actions/core, which writes `::debug::` workflow commands to
 * stdout whatever the runtime. Outside GitHub Actions they are noise, so they are dropped;
 * under GitHub Actions with --json they go to stderr (the runner reads commands there too), so
 * that stdout holds only the JSON result.
 */
function redirectWorkflowCommands(to: 'nowhere' | 'stderr'): void {
  const original = process.stdout.write.bind(process.stdout)
  const filtered = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    if (text.startsWith('::debug::')) {
      return to === 'nowhere' ? true : process.stderr.write(chunk)
    }
    return Reflect.apply(original, process.stdout, [chunk, ...rest]) as boolean
  }
  process.stdout.write = filtered
}

/** Runs `forge-release <argv>` in this process; resolves to the exit status. */
export async function runProcess(argv: readonly string[]): Promise<number> {
  if (process.env.GITHUB_ACTIONS !== 'true') redirectWorkflowCommands('nowhere')
  else if (argv.includes('--json')) redirectWorkflowCommands('stderr')

  return runCommandLine({
    argv,
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    // A pseudo-terminal may report 0 columns; 80 is the usual assumption then.
    columns: () => [process.stderr.columns, process.stdout.columns].find((c) => c > 0) ?? 80,
  })
}
