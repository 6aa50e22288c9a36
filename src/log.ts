/**
 * The logging surface every layer writes to. Runtimes implement it (GitHub workflow commands,
 * GitLab collapsible sections, plain text on a terminal); nothing else prints.
 */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  debug(message: string): void
  /** Runs `work` inside a collapsible log section named `title`. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>
}
