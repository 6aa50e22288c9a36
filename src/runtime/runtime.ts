import type { Logger } from '../log.js'

export type RuntimeName = 'github-actions' | 'gitlab-ci' | 'cli'

/** Values of the SPEC's outputs, as strings (the form every sink takes). */
export type OutputValues = Readonly<Record<string, string>>

/**
 * Where the tool runs: the only layer that touches process.env, @actions/core and the files
 * the CI system reads back.
 */
export interface Runtime {
  readonly name: RuntimeName
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly log: Logger
  /** Minimum time between two progress lines of one upload. */
  readonly progressIntervalMs: number
  /** Step outputs of the CI system (GitHub) or the CLI's result print. */
  writeOutputs(outputs: OutputValues): Promise<void>
  /** The one error that ended the run, shown the way the CI system highlights failures. */
  reportFailure(message: string): void
  /** The run's summary table: GitHub's job summary, or the log elsewhere. */
  writeSummary(markdown: string): Promise<void>
}
