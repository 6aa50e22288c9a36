import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'

import YAML from 'yaml'

import { VERSION } from '../../src/main.js'
import { repoRoot } from '../support/run-tool.js'

// One version everywhere a user copies it from: package.json, --version, the npm package the
// GitLab template and component run, the README's snippets and the GitHub examples. The Node
// image is pinned to one patch version in all of them.
const read = (file: string): Promise<string> => readFile(path.join(repoRoot, file), 'utf8')
const pkg = JSON.parse(await read('package.json')) as { version: string; files: string[] }
const template = await read('.gitlab-ci-template.yml')
const component = await read('templates/forge-release.yml')
const readme = await read('README.md')
const guide = await read('docs/migrating.md')
const examples = await Promise.all(
  (await readdir(path.join(repoRoot, 'examples/github'))).map((f) => read(`examples/github/${f}`)),
)
const templateImage = (YAML.parse(template) as Record<string, { image: string }>)['.forge-release']
  ?.image

describe('version pins', () => {
  it('--version reports the version of package.json', () => {
    expect(VERSION).toBe(pkg.version)
  })

  it.each([
    ['.gitlab-ci-template.yml', template],
    ['templates/forge-release.yml', component],
    ['README.md', readme],
  ])('%s names only forge-release@<package version>', (_file, text) => {
    const pins = [...text.matchAll(/forge-release@v?(\d+\.\d+\.\d+(?:-[\w.]+)?)/g)].map((m) => m[1])
    expect(pins.length).toBeGreaterThan(0)
    expect(new Set(pins)).toEqual(new Set([pkg.version]))
  })

  it('the GitHub examples and the migration guide use forge-release/forge-release@v<package version>', () => {
    for (const text of [...examples, guide]) {
      const pins = [...text.matchAll(/forge-release\/forge-release@(\S+)/g)].map((m) => m[1])
      expect(new Set(pins)).toEqual(new Set([`v${pkg.version}`]))
    }
  })

  it('pins the same Node image, to a patch version, in the template, component and README', () => {
    expect(templateImage).toMatch(/^node:\d+\.\d+\.\d+-alpine/)
    const images = [component, readme].flatMap((text) =>
      [...text.matchAll(/node:\d+[\w.-]*/g)].map((m) => m[0]),
    )
    expect(new Set(images)).toEqual(new Set([templateImage]))
  })

  it('ships the GitLab CI template in the npm package, where the README includes it from', () => {
    expect(pkg.files).toContain('.gitlab-ci-template.yml')
    expect(readme).toContain(
      `https://cdn.jsdelivr.net/npm/forge-release@${pkg.version}/.gitlab-ci-template.yml`,
    )
  })
})
