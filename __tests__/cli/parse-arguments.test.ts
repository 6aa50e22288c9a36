import { overlayFlags } from '../../src/cli/overlay-flags.js'
import { parseArguments } from '../../src/cli/parse-arguments.js'
import { ALIASES, INPUTS } from '../../src/settings/inputs.js'
import { readSettings } from '../../src/settings/read-settings.js'

describe('parseArguments', () => {
  it.each([
    [['--tag_name', 'v1.2.0'], { tag_name: 'v1.2.0' }],
    [['--tag-name', 'v1.2.0'], { tag_name: 'v1.2.0' }],
    [['--tag_name=v1.2.0'], { tag_name: 'v1.2.0' }],
    [['--tag-name=v1.2.0'], { tag_name: 'v1.2.0' }],
    [['--dry_run'], { dry_run: 'true' }],
    [['--dry-run=false'], { dry_run: 'false' }],
    // verify is a boolean with a third value: alone it means true, other values come with `=`.
    [['--verify'], { verify: 'true' }],
    [['--verify=full'], { verify: 'full' }],
    [['--verify=false', '--dry_run'], { verify: 'false', dry_run: 'true' }],
    [['--assets', 'dist/*', '--dry_run'], { assets: 'dist/*', dry_run: 'true' }],
    [['--description', '- fixed the parser'], { description: '- fixed the parser' }],
    [['--ref=--weird'], { ref: '--weird' }],
    [
      ['--assets', 'dist/*.tar.gz', '--assets', '!dist/*.sig'],
      { assets: 'dist/*.tar.gz\n!dist/*.sig' },
    ],
    [['--milestones', 'v1.0', '--milestones=v1.1'], { milestones: 'v1.0\nv1.1' }],
    [['--tag_name='], { tag_name: '' }],
    [[], {}],
  ])('reads %j as the inputs %j', (argv, inputs) => {
    expect(parseArguments(argv)).toEqual({ kind: 'run', inputs, json: false })
  })

  it('accepts every input of the table as a flag, in both spellings', () => {
    for (const input of INPUTS) {
      const value = input.kind === 'boolean' ? 'true' : 'x'
      for (const flag of [input.name, input.name.replace(/_/g, '-')]) {
        expect(parseArguments([`--${flag}=${value}`])).toEqual({
          kind: 'run',
          inputs: { [input.name]: value },
          json: false,
        })
      }
    }
  })

  it.each([
    [['--files', 'dist/*.zip'], { files: 'dist/*.zip' }],
    [['--files', 'a.zip', '--files', 'b.zip'], { files: 'a.zip\nb.zip' }],
    [['--body=Fixes'], { body: 'Fixes' }],
    [['--notes', 'Fixes'], { notes: 'Fixes' }],
    [['--notes-file', 'NOTES.md'], { notes_file: 'NOTES.md' }],
    [['--tag', 'v1'], { tag: 'v1' }],
    [['--allowUpdates'], { allowUpdates: 'true' }],
    [['--overwrite_files=false'], { overwrite_files: 'false' }],
    [
      [
        '--assets-link',
        '{"name": "a", "url": "https://a"}',
        '--assets-link={"name": "b", "url": "https://b"}',
      ],
      { assets_link: '{"name": "a", "url": "https://a"}\n{"name": "b", "url": "https://b"}' },
    ],
    [['--milestone', 'v1.0', '--milestone', 'v1.1'], { milestone: 'v1.0\nv1.1' }],
    [['--server-url', 'https://gitlab.example.com'], { server_url: 'https://gitlab.example.com' }],
  ])("reads the other tools' flags %j under their own names: %j", (argv, inputs) => {
    expect(parseArguments(argv)).toEqual({ kind: 'run', inputs, json: false })
  })

  it('accepts every alias of the table as a flag, in both spellings', () => {
    for (const alias of ALIASES) {
      for (const flag of [alias.name, alias.name.replace(/_/g, '-')]) {
        expect(parseArguments([`--${flag}=true`])).toEqual({
          kind: 'run',
          inputs: { [alias.name]: 'true' },
          json: false,
        })
      }
    }
  })

  it('reads --json as a flag of the tool, not an input', () => {
    expect(parseArguments(['--json', '--dry_run'])).toEqual({
      kind: 'run',
      inputs: { dry_run: 'true' },
      json: true,
    })
  })

  it.each([[['--help']], [['-h']], [['--tag_name', 'v1', '--help']], [['--bogus', '--help']]])(
    'answers %j with help, whatever else is on the line',
    (argv) => {
      expect(parseArguments(argv)).toEqual({ kind: 'help' })
    },
  )

  it('answers --version with the version', () => {
    expect(parseArguments(['--version'])).toEqual({ kind: 'version' })
  })

  it.each([
    [['--tagname', 'v1'], /unknown flag --tagname \(did you mean --tag_name\?\)/],
    [['--tag-nam', 'v1'], /unknown flag --tag-nam \(did you mean --tag_name\?\)/],
    [['--file', 'dist/*'], /unknown flag --file \(did you mean --assets\?\)/],
    [['--note', 'x'], /unknown flag --note \(did you mean --description\?\)/],
    [
      ['--working-directory', 'build'],
      /^unknown flag --working-directory: forge-release has no counterpart for this flag of softprops\/action-gh-release\. Globs in assets are relative/,
    ],
    [['--insecure-https'], /no counterpart .* GitLab release-cli\. TLS is always verified/],
    [
      ['--files', 'a', '--assets', 'b'],
      /^--files and --assets both set the input assets; give only --assets$/,
    ],
    [['--tag', 'v1', '--tag_name', 'v1'], /--tag and --tag_name both set the input tag_name/],
    [['--body', 'a', '--notes', 'b'], /--body and --notes both set the input description/],
    [['--dryrun'], /unknown flag --dryrun \(did you mean --dry_run\?\)/],
    [['--frobnicate'], /^unknown flag --frobnicate$/],
    [['-x'], /^unknown flag -x$/],
    [['--tag_name'], /--tag_name needs a value/],
    [
      ['--tag_name', '--dry_run'],
      /--tag_name needs a value, but the next argument is the flag --dry_run/,
    ],
    [['--dry_run', 'false'], /unexpected argument "false"/],
    [['publish'], /unexpected argument "publish"/],
    [['--', 'v1'], /unexpected argument "v1"/],
    [['--tag_name', 'a', '--tag_name', 'b'], /--tag_name is given more than once/],
    [['--json=yes'], /--json takes no value/],
  ])('rejects %j as a usage error: %s', (argv, message) => {
    const parsed = parseArguments(argv)
    expect(parsed.kind).toBe('usage-error')
    if (parsed.kind === 'usage-error') expect(parsed.message).toMatch(message)
  })
})

describe('overlayFlags', () => {
  it('puts flags over the environment as INPUT_<NAME>, and they win over both variables', () => {
    const env = overlayFlags(
      {
        INPUT_TAG_NAME: 'from-input',
        FORGE_RELEASE_TAG_NAME: 'from-variable',
        FORGE_RELEASE_PROJECT: 'group/app',
        PATH: '/bin',
      },
      { tag_name: 'v1.2.0', dry_run: 'true' },
    )
    expect(env).toEqual({
      INPUT_TAG_NAME: 'v1.2.0',
      INPUT_DRY_RUN: 'true',
      FORGE_RELEASE_PROJECT: 'group/app',
      PATH: '/bin',
    })
  })

  it('lets an alias flag win over the input and its other aliases in the environment', () => {
    const env = overlayFlags(
      {
        INPUT_ASSETS: 'from-input',
        FORGE_RELEASE_ASSETS: 'from-variable',
        INPUT_ARTIFACTS: 'from-alias',
        INPUT_TAG_NAME: 'v1',
      },
      { files: 'dist/*' },
    )
    expect(env).toEqual({ INPUT_FILES: 'dist/*', INPUT_TAG_NAME: 'v1' })
  })

  it('lets an input flag win over its aliases in the environment', () => {
    const env = overlayFlags(
      { INPUT_BODY: 'old', FORGE_RELEASE_NOTES: 'old' },
      { description: 'new' },
    )
    expect(env).toEqual({ INPUT_DESCRIPTION: 'new' })
  })

  it('reads the flags of release-cli as the inputs they stand for', () => {
    const parsed = parseArguments([
      '--server-url',
      'https://gitlab.example.com',
      '--project-id',
      '4711',
      '--tag-name',
      'v1.2.0',
      '--assets-link',
      '{"name": "Docs", "url": "https://docs.example.com", "filepath": "/docs"}',
      '--milestone',
      'v1.2',
    ])
    if (parsed.kind !== 'run') throw new Error(`not a run: ${JSON.stringify(parsed)}`)
    const settings = readSettings(overlayFlags({ GITLAB_TOKEN: 'glpat-abcdefgh' }, parsed.inputs))
    expect(settings).toMatchObject({
      platform: 'gitlab',
      apiUrl: 'https://gitlab.example.com/api/v4',
      project: '4711',
      tagName: 'v1.2.0',
      milestones: ['v1.2'],
      assetLinks: [
        {
          name: 'Docs',
          url: 'https://docs.example.com',
          linkType: 'other',
          directAssetPath: '/docs',
        },
      ],
    })
  })

  it('lets an explicitly empty flag unset an input the environment gives', () => {
    const env = overlayFlags(
      {
        INPUT_API_URL: 'https://gitlab.example.com/api/v4',
        INPUT_PROJECT: 'group/app',
        INPUT_TOKEN: 'glpat-abcdefgh',
        INPUT_TAG_NAME: 'v1',
        FORGE_RELEASE_NAME: 'Old title',
      },
      { name: '' },
    )
    expect(readSettings(env).name).toBe('v1')
  })

  it('feeds the settings reader the same values the environment would', () => {
    const parsed = parseArguments([
      '--api-url=https://gitlab.example.com/api/v4',
      '--project',
      'group/app',
      '--tag_name',
      'v1.2.0',
      '--max_parallel_uploads',
      '8',
      '--dry_run',
    ])
    if (parsed.kind !== 'run') throw new Error(`not a run: ${JSON.stringify(parsed)}`)
    const settings = readSettings(overlayFlags({ GITLAB_TOKEN: 'glpat-abcdefgh' }, parsed.inputs))
    expect(settings).toMatchObject({
      platform: 'gitlab',
      apiUrl: 'https://gitlab.example.com/api/v4',
      project: 'group/app',
      tagName: 'v1.2.0',
      maxParallelUploads: 8,
      dryRun: true,
      token: 'glpat-abcdefgh',
    })
  })
})
