import { overlayFlags } from '../../src/cli/overlay-flags.js'
import { parseArguments } from '../../src/cli/parse-arguments.js'
import { INPUTS } from '../../src/settings/inputs.js'
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
    [['--tag', 'v1'], /unknown flag --tag \(did you mean --tag_name\?\)/],
    [['--tagname', 'v1'], /unknown flag --tagname \(did you mean --tag_name\?\)/],
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
