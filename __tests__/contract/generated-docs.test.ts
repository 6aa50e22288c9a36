import { readFile } from 'node:fs/promises'
import path from 'node:path'

import {
  renderActionYml,
  renderInputsTable,
  renderMigrationGuide,
  renderMigrationTables,
  renderOutputsTable,
  renderReadme,
} from '../../scripts/docs.js'
import { repoRoot } from '../support/run-tool.js'

// action.yml and the README's tables are what `npm run docs` renders from the input table;
// when this fails, run `npm run docs` and commit the result.
const read = (file: string): Promise<string> => readFile(path.join(repoRoot, file), 'utf8')

describe('generated documentation', () => {
  it('action.yml is exactly what scripts/docs.ts renders', async () => {
    expect(await read('action.yml')).toBe(renderActionYml())
  })

  it("the README's inputs and outputs tables are exactly what scripts/docs.ts renders", async () => {
    const readme = await read('README.md')
    expect(readme).toContain(`<!-- inputs:start -->\n${renderInputsTable()}\n<!-- inputs:end -->`)
    expect(readme).toContain(
      `<!-- outputs:start -->\n${renderOutputsTable()}\n<!-- outputs:end -->`,
    )
    expect(renderReadme(readme)).toBe(readme)
  })

  it("docs/migrating.md's tables are exactly what scripts/docs.ts renders", async () => {
    const guide = await read('docs/migrating.md')
    expect(guide).toContain(
      `<!-- aliases:start -->\n${renderMigrationTables()}\n<!-- aliases:end -->`,
    )
    expect(renderMigrationGuide(guide)).toBe(guide)
  })

  it('keeps the usage section outside what scripts/docs.ts rewrites', async () => {
    const readme = await read('README.md')
    const usage = readme.slice(
      readme.indexOf('<!-- usage:start -->'),
      readme.indexOf('<!-- usage:end -->'),
    )
    expect(usage.length).toBeGreaterThan(1000)
    expect(renderReadme(readme)).toContain(usage)
  })
})
