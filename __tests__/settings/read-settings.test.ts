import { readFileSync } from 'node:fs'
import { InputErrors, type ReleaseError } from '../../src/errors.js'
import { INPUTS } from '../../src/settings/inputs.js'
import { readSettings } from '../../src/settings/read-settings.js'
import type { Settings } from '../../src/settings/settings.js'

type Env = Record<string, string | undefined>

function fixture(name: string): Env {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'),
  ) as Env
}

/** A complete, valid CLI environment publishing to a self-managed GitLab. */
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
const GONGFENG: Env = {
  INPUT_API_URL: 'https://git.code.tencent.com/api/v3',
  INPUT_PROJECT: 'tencent/app',
  INPUT_TOKEN: 'gongfeng-secret',
  INPUT_TAG_NAME: 'v1.0.0',
}

/** An unsigned JWT with audience sigstore: the settings read claims, Fulcio checks signatures. */
const IDENTITY_TOKEN = [
  Buffer.from('{"alg":"ES256"}').toString('base64url'),
  Buffer.from('{"iss":"https://issuer.example","sub":"repo:octo","aud":"sigstore"}').toString(
    'base64url',
  ),
  'c2lnbmF0dXJl',
].join('.')

function problemsOf(env: Env): ReleaseError[] {
  try {
    readSettings(env)
  } catch (error) {
    if (error instanceof InputErrors) return [...error.problems]
    throw error
  }
  throw new Error('readSettings accepted the environment')
}

describe('readSettings with CI environments', () => {
  it('reads a GitLab CI tag pipeline from the predefined variables', () => {
    const settings = readSettings(fixture('gitlab-ci-tag-pipeline'))
    expect(settings).toMatchObject<Partial<Settings>>({
      platform: 'gitlab',
      apiUrl: 'https://gitlab.example.com/api/v4',
      project: '4711',
      token: 'glcbt-job-token-value',
      tokenType: 'job',
      tagName: 'v1.2.3',
      name: 'v1.2.3',
      ref: '0123456789abcdef0123456789abcdef01234567',
      refGivenExplicitly: false,
      packageVersion: 'v1.2.3',
      descriptionFile: 'CHANGELOG.md',
      milestones: ['v1.2', 'v1.2-hotfix'],
      caFile: '/builds/group/app.tmp/CI_SERVER_TLS_CA_FILE',
      outputsFile: 'release.env',
      workingDirectory: '/builds/group/app',
      assets: [
        { pattern: 'dist/*.tar.gz' },
        { pattern: 'dist/*.zip' },
        { pattern: '!dist/*-debug.zip' },
      ],
      warnings: [],
    })
    expect(settings.ci).toEqual({
      system: 'gitlab-ci',
      serverUrl: 'https://gitlab.example.com',
      serverVersion: '17.5.1-ee',
      projectUrl: 'https://gitlab.example.com/group/app',
      pipelineUrl: 'https://gitlab.example.com/group/app/-/pipelines/900',
      jobUrl: 'https://gitlab.example.com/group/app/-/jobs/1234',
      jobId: '1234',
      jobToken: 'glcbt-job-token-value',
      projectPath: 'group/app',
      ref: 'refs/tags/v1.2.3',
      commitSha: '0123456789abcdef0123456789abcdef01234567',
      trigger: 'push',
      workflowPath: '.gitlab-ci.yml',
      invocationUrl: 'https://gitlab.example.com/group/app/-/jobs/1234',
      jobName: 'release',
      runnerId: '42',
      runnerDescription: 'shared-runner-1',
      startedAt: '2024-05-01T10:00:00Z',
    })
  })

  it('reads a GitHub Actions tag push, treating the empty declared inputs as not given', () => {
    const settings = readSettings(fixture('github-actions-tag-push'))
    expect(settings).toMatchObject<Partial<Settings>>({
      platform: 'github',
      apiUrl: 'https://api.github.com',
      project: 'octo-org/octo-app',
      token: 'ghs_actions_token_value',
      tokenType: 'bearer',
      tagName: 'v2.0.0',
      ref: 'fedcba9876543210fedcba9876543210fedcba98',
      draft: false,
      prerelease: true,
      makeLatest: 'false',
      generateNotes: true,
      workingDirectory: '/home/runner/work/octo-app/octo-app',
      assets: [
        { pattern: 'out/app-linux-amd64', name: 'app_2.0.0_linux_amd64' },
        { pattern: 'out/*.deb' },
      ],
      // action.yml defaults that equal the table's defaults are no reason to warn.
      warnings: [],
    })
    expect(settings.milestones).toBeUndefined()
    expect(settings.outputsFile).toBeUndefined()
    expect(settings.ci).toEqual({
      system: 'github-actions',
      serverUrl: 'https://github.com',
      projectUrl: 'https://github.com/octo-org/octo-app',
      pipelineUrl: 'https://github.com/octo-org/octo-app/actions/runs/987654321',
      jobId: 'release',
      projectPath: 'octo-org/octo-app',
      ref: 'refs/tags/v2.0.0',
      commitSha: 'fedcba9876543210fedcba9876543210fedcba98',
      trigger: 'push',
      workflowPath: '.github/workflows/release.yml',
      invocationUrl: 'https://github.com/octo-org/octo-app/actions/runs/987654321/attempts/2',
      repositoryId: '123456',
      repositoryOwnerId: '654321',
      runnerEnvironment: 'github-hosted',
    })
  })

  it('reads a CLI run to Gongfeng from FORGE_RELEASE_ variables and GONGFENG_TOKEN', () => {
    const settings = readSettings(fixture('cli-gongfeng'))
    expect(settings).toMatchObject<Partial<Settings>>({
      platform: 'gongfeng',
      apiUrl: 'https://git.code.tencent.com/api/v3',
      project: 'tencent/code-app',
      token: 'gongfeng-private-token',
      tokenType: 'private',
      tagName: 'v3.1.0',
      ref: 'main',
      refGivenExplicitly: true,
      tagMessage: 'Release 3.1.0',
      labels: ['stable', 'lts'],
      workingDirectory: '.',
      ci: { system: 'none' },
      warnings: [],
    })
    expect(settings.caFile).toBeUndefined()
  })

  it('asks for tag_name in a GitLab branch pipeline, naming CI_COMMIT_TAG', () => {
    const problems = problemsOf(fixture('gitlab-ci-branch-pipeline'))
    expect(problems).toHaveLength(1)
    expect(problems[0]?.input).toBe('tag_name')
    expect(problems[0]?.hint).toMatch(/CI_COMMIT_TAG/)
  })

  it('asks for tag_name in a GitHub branch push, showing GITHUB_REF', () => {
    const env = { ...fixture('github-actions-tag-push'), GITHUB_REF: 'refs/heads/main' }
    const problems = problemsOf(env)
    expect(problems.map((p) => p.input)).toEqual(['tag_name'])
    expect(problems[0]?.hint).toContain('"refs/heads/main"')
  })
})

describe('readSettings reads every input of the table', () => {
  const cases: [string, Env, Record<string, unknown>][] = [
    ['platform', { INPUT_PLATFORM: 'gitlab' }, { platform: 'gitlab' }],
    [
      'api_url',
      { INPUT_API_URL: 'https://gitlab.example.com/gitlab/api/v4/' },
      { apiUrl: 'https://gitlab.example.com/gitlab/api/v4' },
    ],
    ['project', { INPUT_PROJECT: 'group/sub/app' }, { project: 'group/sub/app' }],
    ['token', { INPUT_TOKEN: 'glpat-other' }, { token: 'glpat-other', tokenType: 'private' }],
    ['token_type', { INPUT_TOKEN_TYPE: 'bearer' }, { tokenType: 'bearer' }],
    [
      'tag_name',
      { INPUT_TAG_NAME: 'v9.9.9' },
      { tagName: 'v9.9.9', name: 'v9.9.9', packageVersion: 'v9.9.9' },
    ],
    ['ref', { INPUT_REF: 'main' }, { ref: 'main', refGivenExplicitly: true }],
    ['tag_message', { INPUT_TAG_MESSAGE: 'Version 1' }, { tagMessage: 'Version 1' }],
    ['name', { INPUT_NAME: 'Version 1.0' }, { name: 'Version 1.0', tagName: 'v1.0.0' }],
    [
      'description',
      { INPUT_DESCRIPTION: '## Changes\n\n- one\n' },
      { description: '## Changes\n\n- one' },
    ],
    ['description_file', { INPUT_DESCRIPTION_FILE: 'NOTES.md' }, { descriptionFile: 'NOTES.md' }],
    [
      'milestones',
      { INPUT_MILESTONES: 'v1.0, v1.0-rc\nbacklog' },
      { milestones: ['v1.0', 'v1.0-rc', 'backlog'] },
    ],
    [
      'released_at',
      { INPUT_RELEASED_AT: '2024-05-01T10:00:00+02:00' },
      { releasedAt: '2024-05-01T08:00:00.000Z' },
    ],
    [
      'assets',
      { INPUT_ASSETS: 'dist/*.zip\n# built by make\n\n!dist/debug.zip\n' },
      { assets: [{ pattern: 'dist/*.zip' }, { pattern: '!dist/debug.zip' }] },
    ],
    [
      'asset_links',
      {
        INPUT_ASSET_LINKS:
          '- name: Docs\n  url: https://docs.example.com\n- {name: Image, url: "ftp://ftp.example.com/img", link_type: image, direct_asset_path: /img/app.iso}',
      },
      {
        assetLinks: [
          { name: 'Docs', url: 'https://docs.example.com', linkType: 'other' },
          {
            name: 'Image',
            url: 'ftp://ftp.example.com/img',
            linkType: 'image',
            directAssetPath: '/img/app.iso',
          },
        ],
      },
    ],
    [
      'asset_link_type',
      {
        INPUT_ASSET_LINK_TYPE: 'package',
        INPUT_ASSET_LINKS: '- {name: Docs, url: "https://docs.example.com"}',
      },
      {
        assetLinkType: 'package',
        assetLinks: [{ name: 'Docs', url: 'https://docs.example.com', linkType: 'package' }],
      },
    ],
    ['upload_to', { INPUT_UPLOAD_TO: 'project_uploads' }, { uploadTo: 'project_uploads' }],
    ['package_name', { INPUT_PACKAGE_NAME: 'app-bin+linux' }, { packageName: 'app-bin+linux' }],
    [
      'package_version',
      { INPUT_PACKAGE_VERSION: '1.0.0+build.7' },
      { packageVersion: '1.0.0+build.7' },
    ],
    ['if_release_exists', { INPUT_IF_RELEASE_EXISTS: 'skip' }, { ifReleaseExists: 'skip' }],
    ['if_asset_exists', { INPUT_IF_ASSET_EXISTS: 'fail' }, { ifAssetExists: 'fail' }],
    [
      'fail_on_unmatched_assets',
      { INPUT_FAIL_ON_UNMATCHED_ASSETS: 'false' },
      { failOnUnmatchedAssets: false },
    ],
    ['follow_symlinks', { INPUT_FOLLOW_SYMLINKS: 'never' }, { followSymlinks: 'never' }],
    ['evidence', { INPUT_EVIDENCE: 'false' }, { evidence: false }],
    ['checksums', { INPUT_CHECKSUMS: 'false' }, { checksums: false }],
    [
      'sign',
      { INPUT_SIGN: 'true', INPUT_IDENTITY_TOKEN: IDENTITY_TOKEN },
      { signing: { required: true } },
    ],
    [
      'identity_token',
      { INPUT_IDENTITY_TOKEN: IDENTITY_TOKEN },
      {
        signing: {
          required: false,
          identity: { kind: 'token', token: IDENTITY_TOKEN, from: 'identity_token' },
          fulcioUrl: 'https://fulcio.sigstore.dev',
          rekorUrl: 'https://rekor.sigstore.dev',
        },
      },
    ],
    [
      'fulcio_url',
      { INPUT_IDENTITY_TOKEN: IDENTITY_TOKEN, INPUT_FULCIO_URL: 'https://fulcio.corp.example/' },
      { signing: { fulcioUrl: 'https://fulcio.corp.example' } },
    ],
    [
      'rekor_url',
      { INPUT_IDENTITY_TOKEN: IDENTITY_TOKEN, INPUT_REKOR_URL: 'https://rekor.corp.example' },
      { signing: { rekorUrl: 'https://rekor.corp.example' } },
    ],
    [
      'trusted_root',
      { INPUT_IDENTITY_TOKEN: IDENTITY_TOKEN, INPUT_TRUSTED_ROOT: 'sigstore/trusted_root.json' },
      { signing: { trustedRoot: 'sigstore/trusted_root.json' } },
    ],
    ['draft', { ...GITHUB, INPUT_DRAFT: 'true' }, { draft: true, warnings: [] }],
    ['prerelease', { ...GITHUB, INPUT_PRERELEASE: 'true' }, { prerelease: true }],
    ['make_latest', { ...GITHUB, INPUT_MAKE_LATEST: 'legacy' }, { makeLatest: 'legacy' }],
    ['generate_notes', { ...GITHUB, INPUT_GENERATE_NOTES: 'true' }, { generateNotes: true }],
    [
      'labels',
      { ...GONGFENG, INPUT_LABELS: 'stable,lts\nbeta' },
      { labels: ['stable', 'lts', 'beta'], platform: 'gongfeng' },
    ],
    ['verify', { INPUT_VERIFY: 'full' }, { verify: 'full' }],
    ['ca_file', { INPUT_CA_FILE: '/etc/ssl/corp.pem' }, { caFile: '/etc/ssl/corp.pem' }],
    ['dry_run', { INPUT_DRY_RUN: 'true' }, { dryRun: true }],
    ['max_parallel_uploads', { INPUT_MAX_PARALLEL_UPLOADS: '32' }, { maxParallelUploads: 32 }],
    ['max_writes_per_minute', { INPUT_MAX_WRITES_PER_MINUTE: '500' }, { maxWritesPerMinute: 500 }],
    ['retries', { INPUT_RETRIES: '0' }, { retries: 0 }],
    ['timeout_seconds', { INPUT_TIMEOUT_SECONDS: '30' }, { timeoutSeconds: 30 }],
    ['outputs_file', { INPUT_OUTPUTS_FILE: 'out/release.env' }, { outputsFile: 'out/release.env' }],
  ]

  test.each([
    ['true', 'standard'],
    ['false', 'off'],
    ['full', 'full'],
  ] as const)('reads verify: %s as %s', (value, mode) => {
    expect(readSettings({ ...BASE, INPUT_VERIFY: value }).verify).toBe(mode)
  })

  it('refuses a verify value other than true, false and full, naming it', () => {
    expect(problemsOf({ ...BASE, INPUT_VERIFY: 'sha' }).map((p) => p.input)).toEqual(['verify'])
  })

  it('says once that Gongfeng has no title for name, and leaves it out elsewhere', () => {
    const gongfeng = readSettings({ ...GONGFENG, INPUT_NAME: 'App 1.0' })
    expect(gongfeng.warnings.filter((w) => w.includes("'name'"))).toEqual([
      "Input 'name' applies only to GitLab, GitHub and Forgejo/Gitea; it is ignored when publishing to Gongfeng.",
    ])
    expect(readSettings({ ...GITHUB, INPUT_NAME: 'App 1.0' }).warnings).toEqual([])
  })

  it('has a case for every input in the table', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(INPUTS.map((input) => input.name).sort())
  })

  test.each(cases)('reads %s', (_name, env, expected) => {
    expect(readSettings({ ...BASE, ...env })).toMatchObject(expected)
  })

  it('uses the table defaults when nothing optional is given', () => {
    expect(readSettings(BASE)).toMatchObject<Partial<Settings>>({
      platform: 'gitlab',
      tokenType: 'private',
      name: 'v1.0.0',
      refGivenExplicitly: false,
      assets: [],
      assetLinks: [],
      assetLinkType: 'other',
      uploadTo: 'generic_package',
      packageName: 'release-assets',
      packageVersion: 'v1.0.0',
      ifReleaseExists: 'update',
      ifAssetExists: 'replace',
      failOnUnmatchedAssets: true,
      followSymlinks: 'inside',
      evidence: true,
      checksums: true,
      draft: false,
      prerelease: false,
      makeLatest: 'true',
      generateNotes: false,
      labels: [],
      verify: 'standard',
      dryRun: false,
      maxParallelUploads: 4,
      retries: 5,
      timeoutSeconds: 600,
      workingDirectory: '.',
      workspace: '.',
      warnings: [],
    })
  })
})

describe('readSettings rejects bad input, naming the input and a fix', () => {
  const cases: [string, Env, string, RegExp][] = [
    [
      'an unknown platform',
      { INPUT_PLATFORM: 'bitbucket' },
      'platform',
      /"bitbucket" is not one of/,
    ],
    ['an unknown token_type', { INPUT_TOKEN_TYPE: 'oauth' }, 'token_type', /"oauth"/],
    [
      'an unknown if_release_exists',
      { INPUT_IF_RELEASE_EXISTS: 'overwrite' },
      'if_release_exists',
      /"overwrite"/,
    ],
    [
      'an unknown if_asset_exists',
      { INPUT_IF_ASSET_EXISTS: 'ignore' },
      'if_asset_exists',
      /"ignore"/,
    ],
    ['an unknown upload_to', { INPUT_UPLOAD_TO: 'packages' }, 'upload_to', /"packages"/],
    [
      'an unknown follow_symlinks',
      { INPUT_FOLLOW_SYMLINKS: 'yes' },
      'follow_symlinks',
      /"yes" is not one of/,
    ],
    [
      'an unknown asset_link_type',
      { INPUT_ASSET_LINK_TYPE: 'binary' },
      'asset_link_type',
      /"binary"/,
    ],
    ['an unknown make_latest', { ...GITHUB, INPUT_MAKE_LATEST: 'yes' }, 'make_latest', /"yes"/],
    ['a yes/no boolean', { INPUT_DRY_RUN: 'yes' }, 'dry_run', /not a boolean/],
    ['an upper-case boolean', { INPUT_EVIDENCE: 'TRUE' }, 'evidence', /not a boolean/],
    ['a numeric boolean', { INPUT_CHECKSUMS: '1' }, 'checksums', /not a boolean/],
    [
      'a capitalised boolean',
      { INPUT_FAIL_ON_UNMATCHED_ASSETS: 'False' },
      'fail_on_unmatched_assets',
      /not a boolean/,
    ],
    [
      'an integer below min',
      { INPUT_MAX_PARALLEL_UPLOADS: '0' },
      'max_parallel_uploads',
      /out of range/,
    ],
    [
      'an integer above max',
      { INPUT_MAX_PARALLEL_UPLOADS: '33' },
      'max_parallel_uploads',
      /out of range/,
    ],
    ['a negative integer', { INPUT_RETRIES: '-1' }, 'retries', /not a whole number/],
    [
      'a fractional integer',
      { INPUT_TIMEOUT_SECONDS: '1.5' },
      'timeout_seconds',
      /not a whole number/,
    ],
    [
      'a timeout above a day',
      { INPUT_TIMEOUT_SECONDS: '86401' },
      'timeout_seconds',
      /out of range/,
    ],
    [
      'description and description_file together',
      { INPUT_DESCRIPTION: 'x', INPUT_DESCRIPTION_FILE: 'x.md' },
      'description',
      /description_file/,
    ],
    ['released_at with month 13', { INPUT_RELEASED_AT: '2024-13-01' }, 'released_at', /ISO 8601/],
    ['released_at in words', { INPUT_RELEASED_AT: 'yesterday' }, 'released_at', /ISO 8601/],
    [
      'released_at on 29 February of a common year',
      { INPUT_RELEASED_AT: '2023-02-29' },
      'released_at',
      /ISO 8601/,
    ],
    ['a tag with a space', { INPUT_TAG_NAME: 'v1 .0' }, 'tag_name', /a space/],
    ['a tag starting with -', { INPUT_TAG_NAME: '-v1' }, 'tag_name', /starts with '-'/],
    ['a tag ending with .lock', { INPUT_TAG_NAME: 'v1.lock' }, 'tag_name', /\.lock/],
    ['the tag HEAD', { INPUT_TAG_NAME: 'HEAD' }, 'tag_name', /reserved/],
    ['a tag ending with /', { INPUT_TAG_NAME: 'rel/' }, 'tag_name', /ends with '\/'/],
    ['a tag with @{', { INPUT_TAG_NAME: 'v1@{0}' }, 'tag_name', /@\{/],
    ['a tag with //', { INPUT_TAG_NAME: 'a//b' }, 'tag_name', /'\/\/'/],
    ['a tag with ..', { INPUT_TAG_NAME: 'v1..2' }, 'tag_name', /'\.\.'/],
    [
      'an ftp api_url',
      { INPUT_API_URL: 'ftp://gitlab.example.com/api/v4' },
      'api_url',
      /not an http\(s\) URL/,
    ],
    [
      'an api_url with credentials',
      { INPUT_API_URL: 'https://user:pw@gitlab.example.com/api/v4' },
      'api_url',
      /credentials/,
    ],
    [
      'an api_url with a query',
      { INPUT_API_URL: 'https://gitlab.example.com/api/v4?private_token=x' },
      'api_url',
      /query/,
    ],
    ['an api_url that is no URL', { INPUT_API_URL: 'gitlab.example.com' }, 'api_url', /not a URL/],
    [
      'an unknown key in assets',
      { INPUT_ASSETS: '- path: a.zip\n  nmae: b.zip' },
      'assets',
      /unknown key "nmae"/,
    ],
    [
      'a list inside assets',
      { INPUT_ASSETS: '- [a.zip, b.zip]' },
      'assets',
      /item 1 has the wrong shape/,
    ],
    ['an asset item without path', { INPUT_ASSETS: '- name: b.zip' }, 'assets', /no path/],
    [
      'an unknown link_type in assets',
      { INPUT_ASSETS: '- path: a.zip\n  link_type: binary' },
      'assets',
      /link_type "binary"/,
    ],
    [
      'a relative direct_asset_path',
      { INPUT_ASSETS: '- path: a.zip\n  direct_asset_path: bin/app' },
      'assets',
      /not a valid GitLab link path/,
    ],
    [
      'a direct_asset_path over 128 characters',
      { INPUT_ASSETS: `- path: a.zip\n  direct_asset_path: /${'a'.repeat(128)}` },
      'assets',
      /at most 128/,
    ],
    [
      'an asset name with a slash',
      { INPUT_ASSETS: '- path: a.zip\n  name: bin/a.zip' },
      'assets',
      /path separator/,
    ],
    ['broken YAML in assets', { INPUT_ASSETS: '- path: [a.zip\n' }, 'assets', /not valid YAML/],
    ['an unquoted ! in YAML assets', { INPUT_ASSETS: '- dist/*\n- !dist/*.map' }, 'assets', /tag/],
    [
      'an exclusion with a name',
      { INPUT_ASSETS: "- path: '!dist/*.map'\n  name: x.map" },
      'assets',
      /excludes files/,
    ],
    ['a link without url', { INPUT_ASSET_LINKS: '- name: Docs' }, 'asset_links', /no url/],
    [
      'a link without name',
      { INPUT_ASSET_LINKS: '- url: https://example.com' },
      'asset_links',
      /no name/,
    ],
    [
      'a javascript: link',
      { INPUT_ASSET_LINKS: '- {name: X, url: "javascript:alert(1)"}' },
      'asset_links',
      /not an http, https or ftp URL/,
    ],
    [
      'an unknown key in a link',
      { INPUT_ASSET_LINKS: '- {name: X, url: "https://x.example", type: other}' },
      'asset_links',
      /unknown key "type"/,
    ],
    [
      'two links with one name',
      {
        INPUT_ASSET_LINKS:
          '- {name: X, url: "https://a.example"}\n- {name: X, url: "https://b.example"}',
      },
      'asset_links',
      /several links have the name "X"/,
    ],
    [
      'an unknown link_type in a link',
      { INPUT_ASSET_LINKS: '- {name: X, url: "https://a.example", link_type: doc}' },
      'asset_links',
      /link_type "doc"/,
    ],
    [
      'a bad direct_asset_path in a link',
      { INPUT_ASSET_LINKS: '- {name: X, url: "https://a.example", direct_asset_path: "//x"}' },
      'asset_links',
      /link path/,
    ],
    [
      'asset_links that is a mapping',
      { INPUT_ASSET_LINKS: 'name: X\nurl: https://a.example' },
      'asset_links',
      /must be a YAML list/,
    ],
    [
      'more than 10 Gongfeng labels',
      { ...GONGFENG, INPUT_LABELS: 'a,b,c,d,e,f,g,h,i,j,k' },
      'labels',
      /11 labels/,
    ],
    ['an empty label', { ...GONGFENG, INPUT_LABELS: 'a,,b' }, 'labels', /empty item/],
    ['an empty milestone', { INPUT_MILESTONES: 'v1.0,' }, 'milestones', /empty item/],
    [
      'an explicit package_version GitLab refuses',
      { INPUT_PACKAGE_VERSION: 'release/1.0' },
      'package_version',
      /\\A\(\?!\.\*\\\.\\\.\)/,
    ],
    [
      'a package_name with a space',
      { INPUT_PACKAGE_NAME: 'my package' },
      'package_name',
      /not a valid GitLab generic package name/,
    ],
    [
      'a project given as a web URL',
      { INPUT_PROJECT: 'https://gitlab.example.com/group/app' },
      'project',
      /not a project id or path/,
    ],
    ['a project path without namespace', { INPUT_PROJECT: 'app' }, 'project', /namespace/],
    [
      'a GitHub project that is not owner/repo',
      { ...GITHUB, INPUT_PROJECT: 'octo-org/octo/app' },
      'project',
      /owner\/repo/,
    ],
    [
      'token_type job on GitHub',
      { ...GITHUB, INPUT_TOKEN_TYPE: 'job' },
      'token_type',
      /does not work with GitHub/,
    ],
    [
      'token_type job on Gongfeng',
      { ...GONGFENG, INPUT_TOKEN_TYPE: 'job' },
      'token_type',
      /only on GitLab/,
    ],
    [
      'project_uploads with a job token',
      { INPUT_TOKEN_TYPE: 'job', INPUT_UPLOAD_TO: 'project_uploads' },
      'upload_to',
      /job token/,
    ],
    [
      'a token with a line break',
      { INPUT_TOKEN: 'glpat-abc\ndef' },
      'token',
      /whitespace or control/,
    ],
    ['no tag_name outside a tag pipeline', { INPUT_TAG_NAME: undefined }, 'tag_name', /not set/],
    ['no token', { INPUT_TOKEN: undefined }, 'token', /not set/],
    ['no project', { INPUT_PROJECT: undefined }, 'project', /not set/],
    [
      'no api_url for GitLab outside GitLab CI',
      { INPUT_API_URL: undefined, INPUT_PLATFORM: 'gitlab' },
      'api_url',
      /not set/,
    ],
    [
      'an api_url that names no forge outside CI',
      { INPUT_API_URL: 'https://code.example.com/custom' },
      'platform',
      /cannot tell/,
    ],
  ]

  it('covers at least 30 kinds of bad input', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
  })

  test.each(cases)('reports %s', (_what, env, input, message) => {
    const problems = problemsOf({ ...BASE, ...env })
    const problem = problems.find((p) => p.input === input)
    expect(problem).toBeDefined()
    expect(problem?.describe()).toMatch(message)
    expect(problem?.hint).toEqual(expect.stringMatching(/\S/))
    expect(problem?.code).toBe('INVALID_INPUT')
    // The message a person sees names the input.
    expect(problem?.describe()).toContain(`Input '${input}'`)
  })

  it('reports every problem together, in one InputErrors', () => {
    let thrown: unknown
    try {
      readSettings({
        ...BASE,
        INPUT_TAG_NAME: 'bad tag',
        INPUT_RETRIES: 'many',
        INPUT_DRAFT: 'yes',
        INPUT_RELEASED_AT: 'soon',
        INPUT_ASSET_LINKS: '- name: Docs',
      })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputErrors)
    const errors = thrown as InputErrors
    expect(errors.problems.map((p) => p.input).sort()).toEqual(
      ['asset_links', 'draft', 'released_at', 'retries', 'tag_name'].sort(),
    )
    expect(errors.message).toMatch(/^5 input problems:/)
  })

  it('never puts the token into a problem', () => {
    const problems = problemsOf({ ...BASE, INPUT_TOKEN: 'glpat-top secret', INPUT_PROJECT: 'x y' })
    for (const problem of problems) {
      expect(problem.describe()).not.toContain('top secret')
    }
    expect(problems.map((p) => p.input)).toContain('token')
  })
})

describe('readSettings chooses the platform', () => {
  const cases: [string, Env, Settings['platform']][] = [
    ['GitLab CI', { ...fixture('gitlab-ci-tag-pipeline') }, 'gitlab'],
    ['GitHub Actions', { ...fixture('github-actions-tag-push') }, 'github'],
    ['a /api/v4 api_url from the CLI', BASE, 'gitlab'],
    [
      'git.code.tencent.com',
      { ...BASE, INPUT_API_URL: 'https://git.code.tencent.com/api/v3' },
      'gongfeng',
    ],
    ['git.tencent.com', { ...BASE, INPUT_API_URL: 'https://git.tencent.com/api/v3' }, 'gongfeng'],
    ['api.github.com', { ...GITHUB }, 'github'],
    [
      'a Tencent api_url inside GitHub Actions',
      {
        ...fixture('github-actions-tag-push'),
        INPUT_API_URL: 'https://git.code.tencent.com/api/v3',
        INPUT_PROJECT: 'g/p',
      },
      'gongfeng',
    ],
    [
      'a GHES api_url inside GitHub Actions',
      {
        ...fixture('github-actions-tag-push'),
        INPUT_API_URL: 'https://ghe.example.com/api/v3',
        INPUT_PROJECT: 'o/r',
      },
      'github',
    ],
    [
      'a GitLab api_url inside GitHub Actions',
      {
        ...fixture('github-actions-tag-push'),
        INPUT_API_URL: 'https://gitlab.example.com/api/v4',
        INPUT_PROJECT: 'g/p',
      },
      'gitlab',
    ],
    [
      'an explicit platform over the environment',
      {
        ...fixture('gitlab-ci-tag-pipeline'),
        INPUT_PLATFORM: 'github',
        INPUT_TOKEN: 't',
        INPUT_PROJECT: 'o/r',
      },
      'github',
    ],
  ]
  test.each(cases)('picks the platform for %s', (_what, env, platform) => {
    expect(readSettings(env).platform).toBe(platform)
  })

  it('publishes to Gongfeng when GitLab CI points api_url at an /api/v3 server, and says so', () => {
    const settings = readSettings({
      ...fixture('gitlab-ci-tag-pipeline'),
      INPUT_API_URL: 'https://code.example.com/api/v3',
      INPUT_PROJECT: 'group/app',
      INPUT_TOKEN: 'gongfeng-token',
      // Not signing, so that the only notice is the platform's (signing's is read-signing's).
      INPUT_SIGN: 'false',
    })
    expect(settings).toMatchObject({ platform: 'gongfeng', tokenType: 'private' })
    expect(settings.notices).toEqual([
      'api_url https://code.example.com/api/v3 ends with /api/v3, which GitLab no longer serves: publishing to Gongfeng. For GitHub Enterprise Server, set platform: github.',
    ])
  })

  it('says nothing about the guess when platform is given', () => {
    const settings = readSettings({
      ...BASE,
      INPUT_PLATFORM: 'gongfeng',
      INPUT_API_URL: 'https://code.example.com/api/v3',
      INPUT_SIGN: 'false',
    })
    expect(settings).toMatchObject({ platform: 'gongfeng', notices: [] })
  })
})

describe('readSettings finds the token', () => {
  const cases: [string, Env, string, Settings['tokenType']][] = [
    [
      'INPUT_TOKEN first',
      { ...BASE, FORGE_RELEASE_TOKEN: 'other', GITLAB_TOKEN: 'third' },
      'glpat-secret-value',
      'private',
    ],
    [
      'FORGE_RELEASE_TOKEN when INPUT_TOKEN is empty',
      { ...BASE, INPUT_TOKEN: '', FORGE_RELEASE_TOKEN: 'frt' },
      'frt',
      'private',
    ],
    [
      'GITLAB_TOKEN for GitLab',
      { ...BASE, INPUT_TOKEN: undefined, GITLAB_TOKEN: 'glt' },
      'glt',
      'private',
    ],
    [
      'GITHUB_TOKEN for GitHub from the CLI',
      { ...GITHUB, INPUT_TOKEN: undefined, GITHUB_TOKEN: 'ght' },
      'ght',
      'bearer',
    ],
    ['GH_TOKEN for GitHub', { ...GITHUB, INPUT_TOKEN: undefined, GH_TOKEN: 'gh' }, 'gh', 'bearer'],
    [
      'GONGFENG_TOKEN for Gongfeng',
      { ...GONGFENG, INPUT_TOKEN: undefined, GONGFENG_TOKEN: 'gf' },
      'gf',
      'private',
    ],
    [
      'GITLAB_TOKEN before CI_JOB_TOKEN in GitLab CI',
      { ...fixture('gitlab-ci-tag-pipeline'), GITLAB_TOKEN: 'glt' },
      'glt',
      'private',
    ],
    [
      'a job token passed as the input',
      { ...fixture('gitlab-ci-tag-pipeline'), INPUT_TOKEN: 'glcbt-job-token-value' },
      'glcbt-job-token-value',
      'job',
    ],
  ]
  test.each(cases)('takes %s', (_what, env, token, tokenType) => {
    expect(readSettings(env)).toMatchObject({ token, tokenType })
  })

  it('does not send CI_JOB_TOKEN or CI_PROJECT_ID to another GitLab server', () => {
    const env = {
      ...fixture('gitlab-ci-tag-pipeline'),
      INPUT_API_URL: 'https://gitlab.other.example/api/v4',
    }
    const problems = problemsOf(env)
    expect(problems.map((p) => p.input).sort()).toEqual(['project', 'token'])
    expect(problems[0]?.hint).toMatch(/another server/)
  })

  it('does not send the Actions GITHUB_TOKEN to another GitHub server', () => {
    const env = {
      ...fixture('github-actions-tag-push'),
      INPUT_TOKEN: '',
      GITHUB_TOKEN: 'ghs_actions',
      INPUT_API_URL: 'https://ghe.example.com/api/v3',
      INPUT_PROJECT: 'o/r',
    }
    expect(problemsOf(env).map((p) => p.input)).toEqual(['token'])
  })

  it('uses the CI variables when api_url names the CI server explicitly', () => {
    const env = {
      ...fixture('gitlab-ci-tag-pipeline'),
      INPUT_API_URL: 'https://gitlab.example.com/api/v4/',
    }
    expect(readSettings(env)).toMatchObject({ project: '4711', tokenType: 'job' })
  })
})

describe('readSettings checks the API root', () => {
  it('builds the GitLab API root from CI_SERVER_URL when CI_API_V4_URL is missing', () => {
    const env = { ...fixture('gitlab-ci-tag-pipeline'), CI_API_V4_URL: '' }
    expect(readSettings(env)).toMatchObject({
      apiUrl: 'https://gitlab.example.com/api/v4',
      tokenType: 'job',
    })
  })

  it('names the CI variable a bad default came from', () => {
    const env = { ...fixture('gitlab-ci-tag-pipeline'), CI_API_V4_URL: 'gitlab/api/v4' }
    const problems = problemsOf(env)
    expect(problems.map((p) => p.describe())).toEqual([
      expect.stringContaining('(from CI_API_V4_URL)'),
    ])
  })

  test.each([
    [
      'plain http to another host',
      'http://gitlab.example.com/api/v4',
      [expect.stringMatching(/plain http/)],
    ],
    ['plain http to the loopback', 'http://127.0.0.1:8080/api/v4', []],
    [
      'a GitLab root without /api/v4',
      'https://gitlab.example.com/api/v4/projects',
      [expect.stringMatching(/does not end with \/api\/v4/)],
    ],
  ])('warns about %s', (_what, url, expected) => {
    expect(
      readSettings({ ...BASE, INPUT_PLATFORM: 'gitlab', INPUT_API_URL: url }).warnings,
    ).toEqual(expected)
  })
})

describe('readSettings reads inputs from two variable names', () => {
  it('prefers INPUT_<NAME> over FORGE_RELEASE_<NAME>', () => {
    const settings = readSettings({
      ...BASE,
      INPUT_NAME: 'from input',
      FORGE_RELEASE_NAME: 'from variable',
    })
    expect(settings.name).toBe('from input')
  })

  it('falls back to FORGE_RELEASE_<NAME> when INPUT_<NAME> is empty', () => {
    const settings = readSettings({
      ...BASE,
      INPUT_NAME: '  ',
      FORGE_RELEASE_NAME: 'from variable',
    })
    expect(settings.name).toBe('from variable')
  })

  it('never reads bare names such as NAME or TAG_NAME', () => {
    const settings = readSettings({ ...BASE, NAME: 'bare', REF: 'bare', TAG_NAME: 'bare' })
    expect(settings).toMatchObject({ name: 'v1.0.0', tagName: 'v1.0.0', refGivenExplicitly: false })
  })

  it('lets a value equal to the default give way to the other variable', () => {
    // The GitHub runner fills in action.yml defaults and the GitLab component its typed
    // defaults: such a value means "left alone", so a CI/CD variable still decides.
    const settings = readSettings({
      ...BASE,
      INPUT_DRY_RUN: 'false',
      FORGE_RELEASE_DRY_RUN: 'true',
      INPUT_IF_RELEASE_EXISTS: ' update ',
      FORGE_RELEASE_IF_RELEASE_EXISTS: 'skip',
      INPUT_MAX_PARALLEL_UPLOADS: '4',
      FORGE_RELEASE_MAX_PARALLEL_UPLOADS: '8',
    })
    expect(settings).toMatchObject({ dryRun: true, ifReleaseExists: 'skip', maxParallelUploads: 8 })
  })

  it('keeps INPUT_<NAME> when it differs from the default, and the default when nothing else is given', () => {
    expect(
      readSettings({ ...BASE, INPUT_DRY_RUN: 'true', FORGE_RELEASE_DRY_RUN: 'false' }).dryRun,
    ).toBe(true)
    expect(readSettings({ ...BASE, INPUT_DRY_RUN: 'false' }).dryRun).toBe(false)
    expect(
      readSettings({ ...BASE, FORGE_RELEASE_DRY_RUN: 'false', INPUT_DRY_RUN: '' }).dryRun,
    ).toBe(false)
  })
})

describe('readSettings handles milestones', () => {
  const cases: [string, string | undefined, readonly string[] | undefined][] = [
    ['not given', undefined, undefined],
    ['given empty, as GitHub Actions passes omitted inputs', '', undefined],
    ['given blank', '  \n ', undefined],
    ['given as [] to clear them', '[]', []],
    ['comma-separated', 'a,b , c', ['a', 'b', 'c']],
    ['newline-separated with blank lines', 'a\n\nb\n', ['a', 'b']],
    ['with a repeated title', 'a,b,a', ['a', 'b']],
  ]
  test.each(cases)('leaves, clears or sets them when %s', (_what, value, expected) => {
    expect(readSettings({ ...BASE, INPUT_MILESTONES: value }).milestones).toEqual(expected)
  })
})

describe('readSettings normalises released_at', () => {
  const cases: [string, string][] = [
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T10:00:00+02:00', '2024-05-01T08:00:00.000Z'],
    ['2024-05-01 10:00:00', '2024-05-01T10:00:00.000Z'],
  ]
  test.each(cases)('reads %s as %s', (value, expected) => {
    expect(readSettings({ ...BASE, INPUT_RELEASED_AT: value }).releasedAt).toBe(expected)
  })
})

describe('readSettings derives the package version', () => {
  it('uses a tag that fits the GitLab version rule as it is', () => {
    expect(readSettings({ ...BASE, INPUT_TAG_NAME: 'v1.2.3-rc.1+b5' })).toMatchObject({
      packageVersion: 'v1.2.3-rc.1+b5',
      warnings: [],
    })
  })

  it('replaces the characters a tag like release/1.0 has beyond the rule, and says so', () => {
    const settings = readSettings({ ...BASE, INPUT_TAG_NAME: 'release/1.0' })
    expect(settings.packageVersion).toBe('release-1.0')
    expect(settings.warnings).toEqual([expect.stringContaining('package version "release-1.0"')])
  })

  it('does not warn about the package version where generic packages are not used', () => {
    const settings = readSettings({ ...GITHUB, INPUT_TAG_NAME: 'release/1.0' })
    expect(settings.warnings).toEqual([])
  })
})

describe('readSettings warns about inputs the platform ignores', () => {
  it('names the input and the platform', () => {
    const settings = readSettings({ ...BASE, INPUT_DRAFT: 'true', INPUT_LABELS: 'a' })
    expect(settings.warnings).toEqual([
      "Input 'draft' applies only to GitHub and Forgejo/Gitea; it is ignored when publishing to GitLab.",
      "Input 'labels' applies only to Gongfeng; it is ignored when publishing to GitLab.",
    ])
  })

  it('stays quiet when the value is the default anyway', () => {
    const settings = readSettings({
      ...GITHUB,
      INPUT_UPLOAD_TO: 'generic_package',
      INPUT_PACKAGE_NAME: 'release-assets',
    })
    expect(settings.warnings).toEqual([])
  })
})

describe('readSettings reads assets', () => {
  const cases: [string, string, Settings['assets']][] = [
    [
      'globs, one per line',
      'dist/*.tar.gz\ndist/*.{zip,deb}\n',
      [{ pattern: 'dist/*.tar.gz' }, { pattern: 'dist/*.{zip,deb}' }],
    ],
    [
      'a glob starting with a character class',
      '[ab]*.zip\nc.zip',
      [{ pattern: '[ab]*.zip' }, { pattern: 'c.zip' }],
    ],
    [
      'an indented YAML list',
      '  - a.zip\n  - b.zip\n',
      [{ pattern: 'a.zip' }, { pattern: 'b.zip' }],
    ],
    ['a YAML flow list', '[a.zip, "b c.zip"]', [{ pattern: 'a.zip' }, { pattern: 'b c.zip' }]],
    [
      'a quoted exclusion in YAML',
      "- dist/*\n- '!dist/*.map'",
      [{ pattern: 'dist/*' }, { pattern: '!dist/*.map' }],
    ],
    [
      'YAML items with every key, keeping numbers as text',
      '- path: out/app\n  name: app-1.0\n  link_type: package\n  direct_asset_path: /bin/app\n- 2024.zip',
      [
        { pattern: 'out/app', name: 'app-1.0', linkType: 'package', directAssetPath: '/bin/app' },
        { pattern: '2024.zip' },
      ],
    ],
  ]
  test.each(cases)('reads %s', (_what, value, expected) => {
    expect(readSettings({ ...BASE, INPUT_ASSETS: value }).assets).toEqual(expected)
  })

  it('allows upload names with spaces where no generic package is used', () => {
    const settings = readSettings({ ...GITHUB, INPUT_ASSETS: '- path: a.zip\n  name: my app.zip' })
    expect(settings.assets).toEqual([{ pattern: 'a.zip', name: 'my app.zip' }])
  })
})

describe('readSettings picks the working directory', () => {
  const cases: [string, Env, { cwd?: string }, string][] = [
    [
      'the cwd option first',
      { ...BASE, GITHUB_WORKSPACE: '/gh', CI_PROJECT_DIR: '/gl' },
      { cwd: '/opt' },
      '/opt',
    ],
    [
      'GITHUB_WORKSPACE next',
      { ...BASE, GITHUB_WORKSPACE: '/gh', CI_PROJECT_DIR: '/gl' },
      {},
      '/gh',
    ],
    ['CI_PROJECT_DIR next', { ...BASE, CI_PROJECT_DIR: '/gl' }, {}, '/gl'],
    ['. last', BASE, {}, '.'],
  ]
  test.each(cases)('takes %s', (_what, env, options, expected) => {
    expect(readSettings(env, options).workingDirectory).toBe(expected)
  })
})

describe('readSettings picks the workspace symbolic links may lead into', () => {
  const cases: [string, Env, { cwd?: string }, string][] = [
    [
      'GITHUB_WORKSPACE, even when the tool runs in a directory below it',
      { ...BASE, GITHUB_WORKSPACE: '/gh', CI_PROJECT_DIR: '/gl' },
      { cwd: '/gh/packages/app' },
      '/gh',
    ],
    ['CI_PROJECT_DIR next', { ...BASE, CI_PROJECT_DIR: '/gl' }, { cwd: '/gl/sub' }, '/gl'],
    ['the working directory of a run by hand', BASE, { cwd: '/home/me/app' }, '/home/me/app'],
  ]
  test.each(cases)('takes %s', (_what, env, options, expected) => {
    expect(readSettings(env, options).workspace).toBe(expected)
  })
})
