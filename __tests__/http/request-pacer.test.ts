import { RequestPacer } from '../../src/http/request-pacer.js'
import { VirtualClock } from '../support/run-tool.js'

function pacerWith(windows: { limit: number; windowMs: number }[], clock: VirtualClock) {
  const waits: string[] = []
  const pacer = new RequestPacer({
    writeWindows: windows,
    now: () => clock.now(),
    sleep: (ms) => {
      clock.advance(ms)
      return Promise.resolve()
    },
    onWait: (message, ms) => waits.push(`${Math.round(ms)} ${message}`),
  })
  return { pacer, waits }
}

describe('RequestPacer', () => {
  it('sends writes at once up to the window, then spaces them by the window and a margin', async () => {
    const clock = new VirtualClock(1_000_000)
    const { pacer, waits } = pacerWith([{ limit: 3, windowMs: 1000 }], clock)
    const sentAt: number[] = []
    for (let i = 0; i < 7; i++) {
      await pacer.beforeRequest('POST')
      sentAt.push(clock.elapsed())
    }
    // The margin (at least 250 ms, else 1 % of the window) keeps the server's count from seeing one
    // write more than the pacer's, since a write arrives a little after it is counted.
    expect(sentAt).toEqual([0, 0, 0, 1250, 1250, 1250, 2500])
    expect(waits[0]).toBe('1250 the forge allows 3 writes per 1 s')
  })

  it('holds back writes that arrive while another one waits (parallel uploads)', async () => {
    let now = 1_000_000
    const sleepers: { until: number; wake: () => void }[] = []
    const pacer = new RequestPacer({
      writeWindows: [{ limit: 2, windowMs: 1000 }],
      now: () => now,
      // Real time: a sleep ends only when the clock gets there, and others run meanwhile.
      sleep: (ms) => new Promise<void>((wake) => sleepers.push({ until: now + ms, wake })),
      onWait: () => undefined,
    })
    const sentAt: number[] = []
    const send = async (): Promise<void> => {
      await pacer.beforeRequest('POST')
      sentAt.push(now - 1_000_000)
    }
    const all = Promise.all([send(), send(), send(), send()])
    for (let turn = 0; turn < 10; turn++) {
      await new Promise((resolve) => setImmediate(resolve))
      const next = sleepers.sort((a, b) => a.until - b.until).shift()
      if (next === undefined) continue
      now = Math.max(now, next.until)
      next.wake()
    }
    await all
    // Two at once, and the other two only once the window (and its margin) has passed: none
    // slips through while the first of them is still waiting.
    expect(sentAt).toEqual([0, 0, 1250, 1250])
  })

  it('never holds back reads for a write limit', async () => {
    const clock = new VirtualClock(1_000_000)
    const { pacer } = pacerWith([{ limit: 1, windowMs: 60_000 }], clock)
    await pacer.beforeRequest('POST')
    for (let i = 0; i < 5; i++) await pacer.beforeRequest('GET')
    expect(clock.elapsed()).toBe(0)
  })

  it('keeps every window: a per-hour limit binds once the per-minute one is met', async () => {
    const clock = new VirtualClock(1_000_000)
    const { pacer } = pacerWith(
      [
        { limit: 2, windowMs: 60_000 },
        { limit: 3, windowMs: 3_600_000 },
      ],
      clock,
    )
    for (let i = 0; i < 4; i++) await pacer.beforeRequest('PUT')
    // Writes 1–2 at 0, write 3 a minute later, write 4 an hour (and 1 %) after the first.
    expect(clock.elapsed()).toBe(3_636_000)
  })

  it('waits for the announced reset once the budget is down to its reserve, before being refused', async () => {
    const clock = new VirtualClock(1_700_000_000_000)
    const { pacer, waits } = pacerWith([], clock)
    const resetAt = Math.floor(clock.now() / 1000) + 30
    pacer.observe({ 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': String(resetAt) })
    await pacer.beforeRequest('GET')
    expect(clock.elapsed()).toBe(0)
    await pacer.beforeRequest('GET')
    expect(clock.elapsed()).toBe(30_000)
    expect(waits).toEqual([expect.stringMatching(/rate limit has 8 requests left/)])
  })

  it('reads GitLab\u2019s RateLimit-* headers the same way', async () => {
    const clock = new VirtualClock(1_700_000_000_000)
    const { pacer } = pacerWith([], clock)
    pacer.observe({
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Math.floor(clock.now() / 1000) + 5),
    })
    await pacer.beforeRequest('POST')
    expect(clock.elapsed()).toBe(5_000)
  })
})
