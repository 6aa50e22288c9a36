import type { Logger } from '../log.js'
import { redact } from '../secrets.js'
import { neutraliseForLog } from './neutralise.js'

export interface StatusLine {
  /** Writes raw terminal text (no newline is added). */
  readonly write: (text: string) => void
  /** Current terminal width, so the status line never wraps (a wrapped line cannot be redrawn). */
  readonly columns: () => number
}

export interface TextLoggerOptions {
  readonly write: (line: string) => void
  readonly debugEnabled: boolean
  /** GitLab CI's collapsible sections; plain headings elsewhere. */
  readonly sections: 'gitlab' | 'plain'
  readonly now?: () => number
  /**
   * Only for an interactive terminal: upload progress is redrawn in place on one status line
   * below the log instead of being logged. CI logs never get one, so they stay plain lines.
   */
  readonly statusLine?: StatusLine
}

/** A logger that can also show transient progress (see engine/progress.ts). */
export interface TextLogger extends Logger {
  showProgress?(id: string, text: string | undefined): void
}

// ESC [ 2 K erases the whole line; with \r the cursor is back at its start.
const ERASE_LINE = '\r\u001b[2K'

/** A logger for GitLab CI job logs and terminals. */
export function createTextLogger(options: TextLoggerOptions): TextLogger {
  const { sections, statusLine } = options
  const now = options.now ?? Date.now
  const progress = new Map<string, string>()
  let statusShown = false
  let sectionCount = 0

  const eraseStatus = (): void => {
    if (statusLine !== undefined && statusShown) {
      statusLine.write(ERASE_LINE)
      statusShown = false
    }
  }
  const drawStatus = (): void => {
    if (statusLine === undefined || progress.size === 0) return
    const room = Math.max(statusLine.columns() - 1, 20)
    const text = [...progress.values()].join('  |  ')
    statusLine.write(`${ERASE_LINE}${text.length > room ? `${text.slice(0, room - 1)}…` : text}`)
    statusShown = true
  }
  const write = (text: string): void => {
    eraseStatus()
    options.write(text)
    drawStatus()
  }
  const line = (prefix: string, message: string): void => {
    const safe = neutraliseForLog(redact(message))
    for (const part of safe.split('\n')) write(`${prefix}${part}`)
  }

  const logger: TextLogger = {
    info: (message) => line('', message),
    warn: (message) => line('WARNING: ', message),
    debug: (message) => {
      if (options.debugEnabled) line('DEBUG: ', message)
    },
    async group<T>(title: string, work: () => Promise<T>): Promise<T> {
      if (sections === 'plain') {
        line('', `== ${title}`)
        try {
          return await work()
        } finally {
          // Progress of a step does not outlive it (an upload that failed never reached 100%).
          progress.clear()
          eraseStatus()
        }
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
  if (statusLine !== undefined) {
    logger.showProgress = (id, text) => {
      if (text === undefined) progress.delete(id)
      else progress.set(id, neutraliseForLog(redact(text)).replace(/\n/g, ' '))
      eraseStatus()
      drawStatus()
    }
  }
  return logger
}
