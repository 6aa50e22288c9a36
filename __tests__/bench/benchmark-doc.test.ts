import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { BENCH_END, BENCH_START, replaceBenchSection } from '../../scripts/bench/report.js'
import { repoRoot } from '../support/run-tool.js'

// `npm run bench -- --update-docs` writes its tables into docs/benchmarks.md between the bench
// markers; the README, read top to bottom by users, only links there.
const read = (file: string): Promise<string> => readFile(path.join(repoRoot, file), 'utf8')

describe('the benchmark document', () => {
  it('replaces only what is between the markers', () => {
    const text = `# Benchmarks\n\nintro\n\n${BENCH_START}\nold table\n${BENCH_END}\n\nafter\n`
    expect(replaceBenchSection(text, '\n## Results\n\n| a |\n')).toBe(
      `# Benchmarks\n\nintro\n\n${BENCH_START}\n## Results\n\n| a |\n${BENCH_END}\n\nafter\n`,
    )
  })

  it('adds the markers at the end of a document that lacks them', () => {
    expect(replaceBenchSection('# Benchmarks\n\nintro\n', '| a |')).toBe(
      `# Benchmarks\n\nintro\n\n${BENCH_START}\n| a |\n${BENCH_END}\n`,
    )
  })

  it('docs/benchmarks.md holds the tables, and the README links there instead', async () => {
    const doc = await read('docs/benchmarks.md')
    const start = doc.indexOf(BENCH_START)
    const end = doc.indexOf(BENCH_END)
    expect(start).toBeGreaterThan(0)
    const section = doc.slice(start + BENCH_START.length, end)
    expect(section).toContain('| forge | scenario | tool |')
    expect(replaceBenchSection(doc, section)).toBe(doc)

    const readme = await read('README.md')
    expect(readme).not.toContain(BENCH_START)
    expect(readme).toContain('](docs/benchmarks.md)')
  })
})
