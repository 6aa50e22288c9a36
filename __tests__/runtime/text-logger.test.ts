import { registerSecret } from '../../src/secrets.js'
import { createTextLogger, type StatusLine } from '../../src/runtime/text-logger.js'

const ESC = '\u001b'

function terminal(columns = 60): { status: StatusLine; raw: string[]; lines: string[] } {
  const raw: string[] = []
  const lines: string[] = []
  return { status: { write: (text) => raw.push(text), columns: () => columns }, raw, lines }
}

describe('the text logger', () => {
  it('wraps groups in GitLab collapsible sections with the time from the clock', async () => {
    const lines: string[] = []
    const log = createTextLogger({
      write: (line) => lines.push(line),
      sections: 'gitlab',
      debugEnabled: false,
      now: () => 1_700_000_000_000,
    })
    const value = await log.group('Uploading assets', () => {
      log.info('Uploading a.tar.gz (1.0 KiB)')
      return Promise.resolve(42)
    })
    expect(value).toBe(42)
    expect(lines).toEqual([
      `${ESC}[0Ksection_start:1700000000:forge_release_1[collapsed=false]\r${ESC}[0KUploading assets`,
      'Uploading a.tar.gz (1.0 KiB)',
      `${ESC}[0Ksection_end:1700000000:forge_release_1\r${ESC}[0K`,
    ])
  })

  it('closes the section when the work fails', async () => {
    const lines: string[] = []
    const log = createTextLogger({
      write: (l) => lines.push(l),
      sections: 'gitlab',
      debugEnabled: false,
    })
    await expect(log.group('Step', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(lines.at(-1)).toMatch(/section_end:\d+:forge_release_1/)
  })

  it('prints plain headings, warnings and debug lines only when debugging is on', async () => {
    const lines: string[] = []
    const quiet = createTextLogger({
      write: (l) => lines.push(l),
      sections: 'plain',
      debugEnabled: false,
    })
    await quiet.group('Reading inputs', () => {
      quiet.warn('Input draft applies only to GitHub')
      quiet.debug('hidden')
      return Promise.resolve()
    })
    const loud = createTextLogger({
      write: (l) => lines.push(l),
      sections: 'plain',
      debugEnabled: true,
    })
    loud.debug('shown')
    expect(lines).toEqual([
      '== Reading inputs',
      'WARNING: Input draft applies only to GitHub',
      'DEBUG: shown',
    ])
  })

  it('redacts secrets and neutralises section markers and escapes in user data', () => {
    registerSecret('glpat-TextLoggerSecret1')
    const lines: string[] = []
    const log = createTextLogger({
      write: (l) => lines.push(l),
      sections: 'gitlab',
      debugEnabled: false,
    })
    log.info(`token glpat-TextLoggerSecret1 in a message`)
    log.info(`evil${ESC}[31m name section_end:1:x\rline`)
    expect(lines[0]).toBe('token *** in a message')
    expect(lines[1]).not.toContain(ESC)
    expect(lines[1]).not.toContain('section_end:')
    expect(lines[1]).not.toContain('\r')
  })

  it('has no progress line unless it writes to an interactive terminal', () => {
    const log = createTextLogger({ write: () => undefined, sections: 'plain', debugEnabled: false })
    expect(log.showProgress).toBeUndefined()
  })

  it('redraws progress in place on the status line and keeps log lines above it', () => {
    const { status, raw } = terminal()
    const out: string[] = []
    const log = createTextLogger({
      write: (line) => out.push(`${line}\n`),
      sections: 'plain',
      debugEnabled: false,
      statusLine: { write: (text) => (raw.push(text), out.push(text)), columns: status.columns },
    })
    log.showProgress?.('a.bin', 'a.bin 10%')
    log.showProgress?.('b.bin', 'b.bin 50%')
    log.info('Uploading c.bin (1.0 KiB)')
    log.showProgress?.('a.bin', undefined)
    expect(out).toEqual([
      `\r${ESC}[2Ka.bin 10%`,
      `\r${ESC}[2K`,
      `\r${ESC}[2Ka.bin 10%  |  b.bin 50%`,
      // A log line erases the status line, prints, then draws it again below.
      `\r${ESC}[2K`,
      'Uploading c.bin (1.0 KiB)\n',
      `\r${ESC}[2Ka.bin 10%  |  b.bin 50%`,
      `\r${ESC}[2K`,
      `\r${ESC}[2Kb.bin 50%`,
    ])
  })

  it('cuts the status line to the terminal width so it never wraps', () => {
    const { status, raw } = terminal(30)
    const log = createTextLogger({
      write: () => undefined,
      sections: 'plain',
      debugEnabled: false,
      statusLine: status,
    })
    log.showProgress?.('x', `${'very-long-file-name-'.repeat(5)}.tar.gz 10%`)
    const drawn = (raw.at(-1) ?? '').replace(`\r${ESC}[2K`, '')
    expect(drawn.length).toBeLessThan(30)
    expect(drawn.endsWith('…')).toBe(true)
  })

  it('clears the progress of a step when its group ends', async () => {
    const { status, raw } = terminal()
    const log = createTextLogger({
      write: () => undefined,
      sections: 'plain',
      debugEnabled: false,
      statusLine: status,
    })
    await log.group('Uploading assets', () => {
      log.showProgress?.('a.bin', 'a.bin 10%')
      return Promise.resolve()
    })
    raw.length = 0
    log.info('next step')
    expect(raw).toEqual([])
  })
})
