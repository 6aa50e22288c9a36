import { InputErrors, type ReleaseError } from '../../src/errors.js'
import { convertAliasValue, splitGlobs } from '../../src/settings/convert-alias-value.js'
import { ALIASES } from '../../src/settings/inputs.js'
import { readSettings } from '../../src/settings/read-settings.js'
import type { Settings } from '../../src/settings/settings.js'

type Env = Record<string, string | undefined>

const BASE: Env = {
  INPUT_API_URL: 'https://gitlab.example.com/api/v4',
  INPUT_PROJECT: 'group/app',
  INPUT_TOKEN: 'glpat-secret-value',
  INPUT_TAG_NAME: 'v1.0.0',
}
const GITHUB: Env = {
  INPUT_API_URL: 'https://api.github.com',
  INPUT_PROJECT: 'octo-org/octo-app',
  INPUT_TOKEN: 'ghp_secret_value',
  INPUT_TAG_NAME: 'v1.0.0',
}

function problemsOf(env: Env): ReleaseError[] {
  try {
    readSettings(env)
  } catch (error) {
    if (error instanceof InputErrors) return [...error.problems]
    throw error
  }
  throw new Error('readSettings accepted the environment')
}

describe('readSettings reads the input names of other release tools', () => {
  const link = { name: 'Docs', url: 'https://docs.example.com', linkType: 'other' } as const
  const cases: [string, Env, Partial<Settings>][] = [
    [
      'files',
      { INPUT_FILES: 'dist/*.tar.gz, dist/*.zip\ndist/app.{deb,rpm}\n' },
      {
        assets: [
          { pattern: 'dist/*.tar.gz' },
          { pattern: 'dist/*.zip' },
          { pattern: 'dist/app.{deb,rpm}' },
        ],
      },
    ],
    [
      'artifacts',
      { INPUT_ARTIFACTS: 'out/a.zip,out/b.zip' },
      { assets: [{ pattern: 'out/a.zip' }, { pattern: 'out/b.zip' }] },
    ],
    ['artifact', { INPUT_ARTIFACT: '[ab]*.zip' }, { assets: [{ pattern: '[ab]*.zip' }] }],
    ['body', { INPUT_BODY: '## Changes\n' }, { description: '## Changes' }],
    ['body_path', { INPUT_BODY_PATH: 'NOTES.md' }, { descriptionFile: 'NOTES.md' }],
    ['bodyFile', { INPUT_BODYFILE: 'NOTES.md' }, { descriptionFile: 'NOTES.md' }],
    ['notes', { INPUT_NOTES: 'Fixes' }, { description: 'Fixes' }],
    ['notes_file', { INPUT_NOTES_FILE: 'NOTES.md' }, { descriptionFile: 'NOTES.md' }],
    [
      'target_commitish',
      { INPUT_TARGET_COMMITISH: 'main' },
      { ref: 'main', refGivenExplicitly: true },
    ],
    ['commit', { INPUT_COMMIT: 'abc1234' }, { ref: 'abc1234', refGivenExplicitly: true }],
    ['target', { INPUT_TARGET: 'release/1' }, { ref: 'release/1' }],
    [
      'repository',
      { ...GITHUB, INPUT_PROJECT: undefined, INPUT_REPOSITORY: 'octo/other' },
      { project: 'octo/other' },
    ],
    ['project_id', { INPUT_PROJECT: undefined, INPUT_PROJECT_ID: '4711' }, { project: '4711' }],
    [
      'tag',
      { INPUT_TAG_NAME: undefined, INPUT_TAG: 'v2.0.0' },
      { tagName: 'v2.0.0', name: 'v2.0.0' },
    ],
    ['title', { INPUT_TITLE: 'Version 1' }, { name: 'Version 1' }],
    [
      'generate_release_notes',
      { ...GITHUB, INPUT_GENERATE_RELEASE_NOTES: 'true' },
      { generateNotes: true },
    ],
    [
      'generateReleaseNotes',
      { ...GITHUB, INPUT_GENERATERELEASENOTES: 'true' },
      { generateNotes: true },
    ],
    [
      'fail_on_unmatched_files',
      { INPUT_FAIL_ON_UNMATCHED_FILES: 'false' },
      { failOnUnmatchedAssets: false },
    ],
    ['overwrite_files', { INPUT_OVERWRITE_FILES: 'false' }, { ifAssetExists: 'skip' }],
    ['replacesArtifacts', { INPUT_REPLACESARTIFACTS: 'false' }, { ifAssetExists: 'skip' }],
    ['allowUpdates', { INPUT_ALLOWUPDATES: 'false' }, { ifReleaseExists: 'fail' }],
    ['skipIfReleaseExists', { INPUT_SKIPIFRELEASEEXISTS: 'true' }, { ifReleaseExists: 'skip' }],
    ['makeLatest', { ...GITHUB, INPUT_MAKELATEST: 'legacy' }, { makeLatest: 'legacy' }],
    [
      'assets_link',
      {
        INPUT_ASSETS_LINK:
          '{"name": "Docs", "url": "https://docs.example.com", "filepath": "/docs"}\n[{"name": "Image", "url": "https://img.example.com", "link_type": "image"}]',
      },
      {
        assetLinks: [
          { ...link, directAssetPath: '/docs' },
          { name: 'Image', url: 'https://img.example.com', linkType: 'image' },
        ],
      },
    ],
    ['milestone', { INPUT_MILESTONE: 'v1.0\nv1.0-rc' }, { milestones: ['v1.0', 'v1.0-rc'] }],
    [
      'server_url',
      { INPUT_API_URL: undefined, INPUT_SERVER_URL: 'https://gitlab.example.com/' },
      { apiUrl: 'https://gitlab.example.com/api/v4', platform: 'gitlab' },
    ],
    ['job_token', { INPUT_TOKEN: undefined, INPUT_JOB_TOKEN: 'glcbt-1' }, { token: 'glcbt-1' }],
    [
      'private_token',
      { INPUT_TOKEN: undefined, INPUT_PRIVATE_TOKEN: 'glpat-2' },
      { token: 'glpat-2', tokenType: 'private' },
    ],
  ]

  it('has a case for every alias in the table', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(ALIASES.map((a) => a.name).sort())
  })

  test.each(cases)('reads %s', (_name, env, expected) => {
    const settings = readSettings({ ...BASE, ...env })
    expect(settings).toMatchObject(expected)
    expect(settings.warnings).toEqual([])
  })

  it('reads aliases from FORGE_RELEASE_<NAME> variables too', () => {
    expect(readSettings({ ...BASE, FORGE_RELEASE_FILES: 'a.zip,b.zip' }).assets).toEqual([
      { pattern: 'a.zip' },
      { pattern: 'b.zip' },
    ])
  })

  it('says which input each alias is read as, with the value a boolean alias stands for', () => {
    const settings = readSettings({
      ...BASE,
      INPUT_FILES: 'dist/*',
      INPUT_ALLOWUPDATES: 'true',
      INPUT_SKIPIFRELEASEEXISTS: '',
      INPUT_REPLACESARTIFACTS: 'true',
      // Not signing, so that the only notices are the aliases' (signing's is read-signing's).
      INPUT_SIGN: 'false',
    })
    expect(settings.notices).toEqual([
      "Input 'files' (softprops/action-gh-release) is read as assets.",
      "Input 'allowUpdates' (ncipollo/release-action) is read as if_release_exists: update.",
      "Input 'replacesArtifacts' (ncipollo/release-action) is read as if_asset_exists: replace.",
    ])
  })

  it('treats skipIfReleaseExists: false as not given, and says so', () => {
    const settings = readSettings({
      ...BASE,
      INPUT_SKIPIFRELEASEEXISTS: 'false',
      INPUT_SIGN: 'false',
    })
    expect(settings.ifReleaseExists).toBe('update')
    expect(settings.notices).toEqual([
      "Input 'skipIfReleaseExists' (ncipollo/release-action) is false, which is the same as not giving it.",
    ])
  })

  it('lets an alias win over its input left at the default, as the GitHub runner fills it in', () => {
    const settings = readSettings({
      ...BASE,
      INPUT_IF_ASSET_EXISTS: 'replace',
      INPUT_OVERWRITE_FILES: 'false',
      INPUT_ASSETS: '',
      INPUT_FILES: 'dist/*',
    })
    expect(settings).toMatchObject({ ifAssetExists: 'skip', assets: [{ pattern: 'dist/*' }] })
  })

  const conflicts: [string, Env, string, RegExp][] = [
    [
      'an input and its alias',
      { INPUT_ASSETS: 'dist/*', INPUT_FILES: 'out/*' },
      'assets',
      /is given twice: as assets \(INPUT_ASSETS\) and as files \(INPUT_FILES\), its name in softprops\/action-gh-release\. Remove files\./,
    ],
    [
      'an input in a CI/CD variable and its alias',
      { FORGE_RELEASE_IF_ASSET_EXISTS: 'fail', INPUT_OVERWRITE_FILES: 'true' },
      'if_asset_exists',
      /as if_asset_exists \(FORGE_RELEASE_IF_ASSET_EXISTS\) and as overwrite_files/,
    ],
    [
      'two aliases of one input',
      { INPUT_FILES: 'a', INPUT_ARTIFACTS: 'b' },
      'assets',
      /as files \(INPUT_FILES\) and as artifacts \(INPUT_ARTIFACTS\)\. Give it once, as assets\./,
    ],
    [
      'a boolean alias that is not a boolean',
      { INPUT_ALLOWUPDATES: 'yes' },
      'allowUpdates',
      /"yes" is not a boolean\. Use exactly `true` or `false`\./,
    ],
    [
      'an assets_link that is not JSON',
      { INPUT_ASSETS_LINK: "{name: 'Docs'}" },
      'assets_link',
      /is not JSON\. Give a JSON link like/,
    ],
    [
      'body together with body_path',
      { INPUT_BODY: 'x', INPUT_BODY_PATH: 'NOTES.md' },
      'description',
      /given together with description_file/,
    ],
  ]
  test.each(conflicts)('reports %s, naming both', (_what, env, input, message) => {
    const problems = problemsOf({ ...BASE, ...env })
    expect(problems.map((p) => p.input)).toEqual([input])
    expect(problems[0]?.describe()).toMatch(message)
  })
})

describe('readSettings refuses input variables that name no input', () => {
  const cases: [string, Env, string, string][] = [
    [
      'a typo of an input',
      { INPUT_ASSET: 'dist/*' },
      'asset',
      "Input 'asset': INPUT_ASSET names no forge-release input. Did you mean assets (INPUT_ASSETS)? Every input is listed in the README and by forge-release --help.",
    ],
    [
      'a typo of an alias, suggesting the input it stands for',
      { INPUT_FILE: 'dist/*' },
      'file',
      "Input 'file': INPUT_FILE names no forge-release input. Did you mean assets (INPUT_ASSETS)? Every input is listed in the README and by forge-release --help.",
    ],
    [
      'a CI/CD variable, suggesting the CI/CD variable',
      { FORGE_RELEASE_TAGNAME: 'v1' },
      'tagname',
      "Input 'tagname': FORGE_RELEASE_TAGNAME names no forge-release input. Did you mean tag_name (FORGE_RELEASE_TAG_NAME)? Every input is listed in the README and by forge-release --help.",
    ],
    [
      'a with: key spelled with a hyphen',
      { 'INPUT_TAG-NAME': 'v1' },
      'tag-name',
      "Input 'tag-name': INPUT_TAG-NAME names no forge-release input. Did you mean tag_name (INPUT_TAG_NAME)? Every input is listed in the README and by forge-release --help.",
    ],
    [
      'a name in lower case, which no runner exports',
      { INPUT_assets: 'dist/*' },
      'assets',
      "Input 'assets': INPUT_assets names no forge-release input. Did you mean assets (INPUT_ASSETS)? Every input is listed in the README and by forge-release --help.",
    ],
    [
      'a name far from every input',
      { INPUT_XYZZY: '1' },
      'xyzzy',
      "Input 'xyzzy': INPUT_XYZZY names no forge-release input. Every input is listed in the README and by forge-release --help.",
    ],
    [
      'an input of another tool without a counterpart',
      { INPUT_WORKING_DIRECTORY: 'build' },
      'working_directory',
      "Input 'working_directory': INPUT_WORKING_DIRECTORY sets working_directory of softprops/action-gh-release, which forge-release has no counterpart for. Globs in assets are relative to the workspace; put the directory into each glob (build/dist/*).",
    ],
    [
      'a camelCase input of another tool, as the runner upper-cases it',
      { INPUT_OMITBODYDURINGUPDATE: 'true' },
      'omitbodyduringupdate',
      "Input 'omitbodyduringupdate': INPUT_OMITBODYDURINGUPDATE sets omitBodyDuringUpdate of ncipollo/release-action, which forge-release has no counterpart for. Leave description out: the release notes are then left as they are.",
    ],
  ]
  test.each(cases)('reports %s', (_what, env, input, described) => {
    const problems = problemsOf({ ...BASE, ...env })
    expect(problems.map((p) => p.input)).toEqual([input])
    expect(problems[0]?.describe()).toBe(described)
  })

  it('reports unknown inputs first, together with every other problem', () => {
    const problems = problemsOf({ ...BASE, INPUT_RETRIES: 'many', INPUT_FILESS: 'dist/*' })
    expect(problems.map((p) => p.input)).toEqual(['filess', 'retries'])
  })

  it('ignores empty input variables, the tool-setting variables and other prefixes', () => {
    const settings = readSettings({
      ...BASE,
      INPUT_REMOVED_INPUT: '',
      FORGE_RELEASE_OTHER: '  ',
      FORGE_RELEASE_DEBUG: 'true',
      FORGE_RELEASE_PACKAGE: 'forge-release@1.0.0',
      FORGE_RELEASE_SCRIPT: 'node tools/forge-release/index.js',
      GITHUB_INPUT_X: '1',
      MY_INPUT_FILES: '1',
      TAG: 'v9',
    })
    expect(settings.warnings).toEqual([])
  })
})

describe('convertAliasValue', () => {
  test.each([
    ['a, b\nc', ['a', 'b', 'c']],
    ['dist/{a,b}.zip, x', ['dist/{a,b}.zip', 'x']],
    [' , \n\n', []],
    ['a,,b', ['a', 'b']],
    ['weird}, x', ['weird}', 'x']],
  ])('splits globs %j into %j', (text, globs) => {
    expect(splitGlobs(text)).toEqual(globs)
  })

  it('leaves globs out entirely when there are none', () => {
    expect(convertAliasValue({ kind: 'globs' }, ', ,')).toEqual({ value: undefined })
  })

  test.each([
    ['https://gitlab.example.com', 'https://gitlab.example.com/api/v4'],
    ['https://gitlab.example.com/gitlab//', 'https://gitlab.example.com/gitlab/api/v4'],
    ['https://gitlab.example.com/api/v4/', 'https://gitlab.example.com/api/v4'],
  ])('takes the GitLab instance %s to %s', (url, root) => {
    expect(convertAliasValue({ kind: 'gitlab-server-url' }, url)).toEqual({ value: root })
  })

  test.each([
    ['{"name": "a", "url": "https://a"}', [{ name: 'a', url: 'https://a' }]],
    [
      '[{"name": "a", "url": "https://a", "filepath": "/a", "direct_asset_path": "/b"}]',
      [{ name: 'a', url: 'https://a', filepath: '/a', direct_asset_path: '/b' }],
    ],
    [
      '{"name": "a}\\"", "url": "u"} {"name": "b", "url": "v"}',
      [
        { name: 'a}"', url: 'u' },
        { name: 'b', url: 'v' },
      ],
    ],
  ])('reads the JSON links %s', (text, links) => {
    const converted = convertAliasValue({ kind: 'json-links' }, text)
    expect('value' in converted && JSON.parse(converted.value ?? '')).toEqual(links)
  })

  test.each(['', 'Docs', '{"name": "a"', '{"name": "a"} trailing', '{"a": 1}}'])(
    'refuses %j as JSON links',
    (text) => {
      expect(convertAliasValue({ kind: 'json-links' }, text)).toMatchObject({
        problem: expect.stringMatching(/is not JSON/),
      })
    },
  )
})

describe('readSettings warns where an alias means a little less than in its tool', () => {
  it('says generate_notes does nothing next to a description, as softprops users expect notes', () => {
    const settings = readSettings({
      ...GITHUB,
      INPUT_GENERATE_RELEASE_NOTES: 'true',
      INPUT_BODY: 'Highlights',
    })
    expect(settings.warnings).toEqual([
      'generate_notes has no effect: a description is given, and GitHub writes release notes only for a release without one. Remove description (or description_file) to get them.',
    ])
    expect(readSettings({ ...GITHUB, INPUT_GENERATE_NOTES: 'true' }).warnings).toEqual([])
  })
})

describe('readSettings warns about a description that names a file', () => {
  // release-cli and the release: keyword read a file when description is its path.
  test.each([
    ['./CHANGELOG.md', true],
    ['docs/notes.markdown', true],
    ['RELEASE.txt', true],
    ['See CHANGELOG.md', false],
    ['## Changes\n- CHANGELOG.md', false],
    ['v1.0', false],
  ])('%j: %s', (description, warned) => {
    const settings = readSettings({ ...BASE, INPUT_DESCRIPTION: description })
    expect(settings.warnings).toEqual(
      warned
        ? [
            `description is ${JSON.stringify(description)}, which is used as the text of the release notes. To use the file's content, give it as description_file.`,
          ]
        : [],
    )
  })
})
