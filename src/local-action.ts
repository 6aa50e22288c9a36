/**
 * The entrypoint for @github/local-action, which runs this action on a workstation with its own
 * stand-ins for @actions/core and @actions/github:
 *
 *   npx @github/local-action run . src/local-action.ts examples/local-action.env
 *
 * local-action imports this module and awaits its `run()` export
 * (https://github.com/github/local-action#action-structure); importing it does nothing. `run()`
 * is the same run as dist/index.js with no command-line flags: inputs come from `INPUT_*`
 * variables, which local-action loads from the dotenv file. local-action never turns a failed
 * step into an exit status (its setFailed only records one), so `run()` sets it, as index.ts does.
 */
import { runProcess } from './run-process.js'

export async function run(): Promise<void> {
  process.exitCode = await runProcess([])
}
