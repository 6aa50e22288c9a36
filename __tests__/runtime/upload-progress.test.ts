import type { Logger } from '../../src/log.js'
import {
  createProgressReporter,
  describeProgress,
  PROGRESS_MIN_BYTES,
} from '../../src/engine/progress.js'

const MiB = 1024 * 1024

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`WARNING: ${m}`),
    debug: () => undefined,
    group: (_t, work) => work(),
  }
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000
  return { now: () => time, advance: (ms) => (time += ms) }
}

describe('upload progress', () => {
  it('reports percentage, rate and time left at most once per interval', () => {
    const log = recordingLog()
    const clock = manualClock()
    const report = createProgressReporter('app.tar.gz', 100 * MiB, log, 5000, clock.now)
    clock.advance(1000)
    report(10 * MiB) // within the first interval: nothing yet
    clock.advance(4000)
    report(50 * MiB) // 5 s in: 10 MiB/s, 50 MiB left
    clock.advance(1000)
    report(60 * MiB) // 1 s after the last line: nothing
    clock.advance(4000)
    report(90 * MiB)
    expect(log.lines).toEqual([
      'Uploading app.tar.gz: 50% of 100.0 MiB, 10.0 MiB/s, 5 s left',
      'Uploading app.tar.gz: 90% of 100.0 MiB, 9.0 MiB/s, 1 s left',
    ])
  })

  it('keeps CI log lines free of control characters', () => {
    const log = recordingLog()
    const clock = manualClock()
    const report = createProgressReporter('big.iso', 4096 * MiB, log, 1000, clock.now)
    for (let i = 1; i <= 20; i++) {
      clock.advance(1000)
      report(i * 100 * MiB)
    }
    expect(log.lines).toHaveLength(20)
    // eslint-disable-next-line no-control-regex
    for (const line of log.lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f]/)
    expect(log.lines[0]).toBe('Uploading big.iso: 2% of 4.0 GiB, 100.0 MiB/s, 40 s left')
  })

  it('says nothing for files too small to need it', () => {
    const log = recordingLog()
    const clock = manualClock()
    const report = createProgressReporter('small.txt', PROGRESS_MIN_BYTES - 1, log, 0, clock.now)
    clock.advance(10_000)
    report(1000)
    expect(log.lines).toEqual([])
  })

  it('prints no line for the last byte: the upload is done', () => {
    const log = recordingLog()
    const clock = manualClock()
    const report = createProgressReporter('app.tar.gz', 10 * MiB, log, 1000, clock.now)
    clock.advance(5000)
    report(10 * MiB)
    expect(log.lines).toEqual([])
  })

  it('measures the rate again when a retry starts the file over', () => {
    const log = recordingLog()
    const clock = manualClock()
    const report = createProgressReporter('app.tar.gz', 100 * MiB, log, 5000, clock.now)
    clock.advance(5000)
    report(50 * MiB) // 10 MiB/s
    clock.advance(60_000)
    report(1 * MiB) // the connection broke; the retry sends from the first byte
    clock.advance(5000)
    report(21 * MiB) // 20 MiB in 5 s since the restart: 4 MiB/s
    expect(log.lines).toEqual([
      'Uploading app.tar.gz: 50% of 100.0 MiB, 10.0 MiB/s, 5 s left',
      'Uploading app.tar.gz: 21% of 100.0 MiB, 4.2 MiB/s, 19 s left',
    ])
  })

  it('updates a terminal status line in place instead of logging, and clears it when done', () => {
    const shown: [string, string | undefined][] = []
    const log = {
      ...recordingLog(),
      showProgress: (id: string, text: string | undefined) => shown.push([id, text]),
    }
    const clock = manualClock()
    const report = createProgressReporter('app.tar.gz', 20 * MiB, log, 500, clock.now)
    clock.advance(500)
    report(5 * MiB)
    clock.advance(500)
    report(20 * MiB)
    expect(log.lines).toEqual([])
    expect(shown).toEqual([
      ['app.tar.gz', 'app.tar.gz 25% of 20.0 MiB, 10.0 MiB/s, 2 s left'],
      ['app.tar.gz', undefined],
    ])
  })

  it.each([
    [0, 100, 0, '0% of 100 B'],
    [50, 100, 0, '50% of 100 B'],
    [512, 1024, 2, '50% of 1.0 KiB, 256 B/s, 2 s left'],
    [3 * MiB, 12 * MiB, 3, '25% of 12.0 MiB, 1.0 MiB/s, 9 s left'],
    [MiB, 1000 * MiB, 60, '0% of 1000.0 MiB, 17.1 KiB/s, 16 h 39 min left'],
  ])('describes %i of %i bytes after %i s as %j', (sent, total, seconds, text) => {
    expect(describeProgress(sent, total, seconds)).toBe(text)
  })
})
