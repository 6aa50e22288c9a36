import { parseGnuTime } from '../../scripts/bench/measure.js'
import { renderCpu, type SummaryRow } from '../../scripts/bench/report.js'
import type { Traffic } from '../../scripts/bench/traffic.js'

// The bench explains the loopback ratios by CPU: what the tool and the fake spent, and the
// least wall time that much work can take on the machine's cores.
describe('the bench CPU accounting', () => {
  it("reads GNU time's peak and CPU, also after a failed command's status line", () => {
    expect(parseGnuTime('131256 1.93 0.97\n')).toEqual({
      maxRssBytes: 131256 * 1024,
      cpuMs: 2900,
    })
    expect(parseGnuTime('Command exited with non-zero status 1\n88064 0.58 0.12\n')).toEqual({
      maxRssBytes: 88064 * 1024,
      cpuMs: 700,
    })
    expect(parseGnuTime('')).toEqual({})
  })

  const row = (tool: SummaryRow['tool'], wallMs: number, cpuMs: number, serverCpuMs: number) =>
    ({
      forge: 'github',
      scenario: '2',
      tool,
      runs: 3,
      failedRuns: 0,
      wallMs,
      minWallMs: wallMs,
      maxWallMs: wallMs,
      peakRssBytes: 0,
      payloadBytes: 0,
      traffic: {} as Traffic,
      cpuMs,
      serverCpuMs,
      firstRequestMs: undefined,
    }) satisfies SummaryRow

  it('gives the cores kept busy, the CPU floor and the best ratio that floor allows', () => {
    const table = renderCpu(
      [
        row('raw transfer', 1700, 1500, 1450),
        row('forge-release', 2500, 2750, 1500),
        { ...row('forge-release', 100, 100, 100), scenario: '5' },
      ],
      2,
    ).split('\n')
    expect(table.slice(2)).toEqual([
      '| github | 2 | raw transfer | 1.70 | 1.50 | 1.45 | 1.74 | 1.48 |  |',
      // (2.75 + 1.5) / 2 cores = 2.125 s at the least; 1.7 / 2.125 = 0.80.
      '| github | 2 | forge-release | 2.50 | 2.75 | 1.50 | 1.70 | 2.13 | 0.80 |',
    ])
  })
})
