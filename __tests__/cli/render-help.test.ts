import { renderHelp } from '../../src/cli/render-help.js'
import { wrapText } from '../../src/cli/wrap-text.js'
import { INPUTS } from '../../src/settings/inputs.js'

describe('--help', () => {
  const help = renderHelp({ version: '9.8.7', columns: 80 })

  it('lists every input of the table with its default and platforms', () => {
    for (const input of INPUTS) {
      const at = help.indexOf(`\n  --${input.name} `)
      expect(at).toBeGreaterThan(0)
      const entry = help.slice(at, help.indexOf('\n  --', at + 1))
      expect(entry).toMatch(/Default: /)
      const platforms = 'platforms' in input ? input.platforms.join(', ') : 'all'
      expect(entry.replace(/\s+/g, ' ')).toContain(`Platforms: ${platforms}.`)
      if ('default' in input) expect(entry).toContain(`Default: ${input.default}`)
    }
  })

  it("lists the other tools' names under the input they stand for", () => {
    const entry = (name: string): string => {
      const at = help.indexOf(`\n  --${name} `)
      return help.slice(at, help.indexOf('\n  --', at + 1)).replace(/\s+/g, ' ')
    }
    expect(entry('assets')).toContain(
      'Also as --files (softprops/action-gh-release); --artifacts, --artifact (ncipollo/release-action).',
    )
    expect(entry('asset_links')).toContain('Also as --assets-link (GitLab release-cli).')
    expect(entry('description')).toContain(
      '--body (softprops/action-gh-release, ncipollo/release-action); --notes (gh / glab release create)',
    )
    expect(entry('tag_message')).not.toContain('Also as')
  })

  it('shows the values of enumerations and how to give booleans', () => {
    expect(help).toContain('--if_release_exists <update|skip|fail>')
    expect(help).toContain('--dry_run [=true|false]')
    expect(help).toContain('--verify [=true|false|full]')
    expect(help).toContain('--max_parallel_uploads <number>')
    expect(help).toContain('Range: 1 to 32.')
  })

  it('names the version, the tool flags, the token variables and the exit codes', () => {
    expect(help).toContain('forge-release 9.8.7')
    for (const text of ['--json', '--version', '--help', 'FORGE_RELEASE_TOKEN', 'GITLAB_TOKEN']) {
      expect(help).toContain(text)
    }
    expect(help).toMatch(/^ {2}2 +Usage error/m)
  })

  it.each([60, 80, 120])('wraps every line to a %i-column terminal', (columns) => {
    const text = renderHelp({ version: '1.0.0', columns })
    // A single word longer than the line (a URL) may stand alone; nothing else overflows.
    const long = text
      .split('\n')
      .filter((line) => line.length > columns && / \S+ /.test(line.trim()))
    expect(long).toEqual([])
  })

  it('keeps a narrow terminal readable by wrapping at 60 columns at least', () => {
    const narrow = renderHelp({ version: '1.0.0', columns: 20 })
    expect(narrow).toBe(renderHelp({ version: '1.0.0', columns: 60 }))
  })
})

describe('wrapText', () => {
  it('breaks at spaces and indents every line', () => {
    expect(wrapText('one two three four', 13, '  ')).toEqual(['  one two', '  three four'])
  })

  it('gives a word longer than the line a line of its own', () => {
    expect(wrapText('see https://example.com/a/very/long/path here', 20)).toEqual([
      'see',
      'https://example.com/a/very/long/path',
      'here',
    ])
  })

  it('keeps explicit line breaks', () => {
    expect(wrapText('a\nb', 40)).toEqual(['a', 'b'])
  })
})
