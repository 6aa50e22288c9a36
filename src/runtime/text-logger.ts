import type { Logger } from '../log.js'
import { redact } from '../secrets.js'
import { neutraliseForLog } from './neutralise.js'

export interface TextLoggerOptions {
  readonly write: (line: string) => void
  readonly debugEnabled: boolean
  /** GitLab CI's collapsible sections; plain headings elsewhere. */
  readonly sections: 'gitlab' | 'plain'
  readonly now?: () => number
}

/** A logger for GitLab CI job logs and terminals. */
export function createTextLogger(options: TextLoggerOptions): Logger {
  const { write, sections } = options
  const now = options.now ?? Date.now
  let sectionCount = 0
  const line = (prefix: string, message: string): void => {
    const safe = neutraliseForLog(redact(message))
    for (const part of safe.split('\n')) write(`${prefix}${part}`)
  }
  return {
    info: (message) => line('', message),
    warn: (message) => line('WARNING: ', message),
    debug: (message) => {
      if (options.debugEnabled) line('DEBUG: ', message)
    },
    async group<T>(title: string, work: () => Promise<T>): Promise<T> {
      if (sections === 'plain') {
        line('', `== ${title}`)
        return work()
      }
      // https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections
      const id = `forge_release_${++sectionCount}`
      const safeTitle = neutraliseForLog(redact(title))
      write(
        `\u001b[0Ksection_start:${Math.floor(now() / 1000)}:${id}[collapsed=false]\r\u001b[0K${safeTitle}`,
      )
      try {
        return await work()
      } finally {
        write(`\u001b[0Ksection_end:${Math.floor(now() / 1000)}:${id}\r\u001b[0K`)
      }
    },
  }
}
