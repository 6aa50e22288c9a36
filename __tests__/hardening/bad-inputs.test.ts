/**
 * Hostile and mistaken input, across every input and forge: each gets one clear error that names
 * the input and says what would fix it, exit code 1, and not a single request (the fake's
 * request log stays empty).
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'

import {
  FORGES,
  startForgeScenario,
  type ForgeName,
  type ForgeScenario,
} from '../support/forge-scenarios.js'
import { makeWorkspace, runInProcess, type Env } from '../support/run-tool.js'
import { hintsOf, namedInputs } from './support/fixtures.js'

interface BadInput {
  readonly what: string
  readonly env: Env
  readonly input: string
  /** Forges the case applies to; default all. */
  readonly forges?: readonly ForgeName[]
}

const LONG_NAME = `${'a'.repeat(300)}.tar.gz`

const CASES: readonly BadInput[] = [
  { what: 'an unknown platform', env: { INPUT_PLATFORM: 'bitbucket' }, input: 'platform' },
  { what: 'an api_url that is no URL', env: { INPUT_API_URL: 'not a url' }, input: 'api_url' },
  { what: 'an ftp api_url', env: { INPUT_API_URL: 'ftp://example.com/api/v4' }, input: 'api_url' },
  {
    what: 'credentials in api_url',
    env: { INPUT_API_URL: 'https://user:secret@example.com/api/v4' },
    input: 'api_url',
  },
  {
    what: 'a query in api_url',
    env: { INPUT_API_URL: 'https://example.com/api/v4?private_token=x' },
    input: 'api_url',
  },
  { what: 'no project', env: { INPUT_PROJECT: undefined }, input: 'project' },
  { what: 'a project path with //', env: { INPUT_PROJECT: 'group//app' }, input: 'project' },
  { what: 'a project path with a space', env: { INPUT_PROJECT: 'group/my app' }, input: 'project' },
  { what: 'a project URL', env: { INPUT_PROJECT: 'https://x/group/app' }, input: 'project' },
  {
    what: 'a bare project name',
    env: { INPUT_PROJECT: 'app' },
    input: 'project',
    forges: ['gitlab', 'gongfeng', 'github', 'gitea'],
  },
  { what: 'no token', env: { INPUT_TOKEN: undefined }, input: 'token' },
  { what: 'a token with a line break', env: { INPUT_TOKEN: 'abc\ndef0123' }, input: 'token' },
  { what: 'an unknown token_type', env: { INPUT_TOKEN_TYPE: 'oauth' }, input: 'token_type' },
  {
    what: 'a job token on Gongfeng',
    env: { INPUT_TOKEN_TYPE: 'job' },
    input: 'token_type',
    forges: ['gongfeng'],
  },
  {
    what: 'a private token type on GitHub',
    env: { INPUT_TOKEN_TYPE: 'private' },
    input: 'token_type',
    forges: ['github'],
  },
  {
    what: 'a job token on Forgejo/Gitea',
    env: { INPUT_TOKEN_TYPE: 'job' },
    input: 'token_type',
    forges: ['gitea'],
  },
  {
    what: 'a group path as a Forgejo/Gitea repository',
    env: { INPUT_PROJECT: 'group/sub/app' },
    input: 'project',
    forges: ['gitea'],
  },
  { what: 'no tag', env: { INPUT_TAG_NAME: undefined }, input: 'tag_name' },
  { what: 'a tag with ..', env: { INPUT_TAG_NAME: 'v1..0' }, input: 'tag_name' },
  { what: 'a tag with a space', env: { INPUT_TAG_NAME: 'v1 0' }, input: 'tag_name' },
  { what: 'a tag with a colon', env: { INPUT_TAG_NAME: 'v1:0' }, input: 'tag_name' },
  { what: 'a tag ending in .lock', env: { INPUT_TAG_NAME: 'v1.lock' }, input: 'tag_name' },
  {
    what: 'a tag with a control character',
    env: { INPUT_TAG_NAME: 'v1\u001b[31m' },
    input: 'tag_name',
  },
  {
    what: 'description and description_file together',
    env: { INPUT_DESCRIPTION: 'x', INPUT_DESCRIPTION_FILE: 'notes.md' },
    input: 'description',
  },
  {
    what: 'a description_file that does not exist',
    env: { INPUT_DESCRIPTION_FILE: 'missing-notes.md' },
    input: 'description_file',
  },
  { what: 'an empty milestone', env: { INPUT_MILESTONES: 'v1.0,,v1.1' }, input: 'milestones' },
  { what: 'an empty label', env: { INPUT_LABELS: 'stable,' }, input: 'labels' },
  {
    what: 'eleven labels on Gongfeng',
    env: { INPUT_LABELS: 'a,b,c,d,e,f,g,h,i,j,k' },
    input: 'labels',
    forges: ['gongfeng'],
  },
  { what: 'released_at in words', env: { INPUT_RELEASED_AT: 'yesterday' }, input: 'released_at' },
  { what: 'an impossible date', env: { INPUT_RELEASED_AT: '2024-02-30' }, input: 'released_at' },
  { what: 'a glob that matches nothing', env: { INPUT_ASSETS: 'build/*.zip' }, input: 'assets' },
  { what: 'broken YAML in assets', env: { INPUT_ASSETS: '- path: [dist' }, input: 'assets' },
  {
    what: 'an unknown key in an asset',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  filename: x' },
    input: 'assets',
  },
  {
    what: 'an upload name that climbs out (../)',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: ../../etc/passwd' },
    input: 'assets',
  },
  {
    what: 'an upload name with a separator',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: bin/app' },
    input: 'assets',
  },
  {
    what: 'an upload name with a backslash',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: "bin\\\\app"' },
    input: 'assets',
  },
  {
    what: 'an upload name with a control character',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: "app\\u0007.tar.gz"' },
    input: 'assets',
  },
  {
    what: 'an upload name with an ANSI escape',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: "\\e[2Japp.tar.gz"' },
    input: 'assets',
  },
  {
    what: 'an over-long upload name',
    env: { INPUT_ASSETS: `- path: dist/app.tar.gz\n  name: ${LONG_NAME}` },
    input: 'assets',
  },
  {
    what: 'the upload name ..',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: ".."' },
    input: 'assets',
  },
  {
    what: 'an upload name GitLab generic packages refuse',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: app v1.tar.gz' },
    input: 'assets',
    forges: ['gitlab'],
  },
  {
    what: 'an upload name Gongfeng strips to nothing',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  name: "+++"' },
    input: 'assets',
    forges: ['gongfeng'],
  },
  {
    what: 'a direct_asset_path without a leading /',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  direct_asset_path: bin/app' },
    input: 'assets',
  },
  {
    what: 'a direct_asset_path with //',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  direct_asset_path: /bin//app' },
    input: 'assets',
  },
  {
    what: 'a direct_asset_path that climbs out (/../)',
    env: { INPUT_ASSETS: '- path: dist/app.tar.gz\n  direct_asset_path: /bin/../../etc/passwd' },
    input: 'assets',
  },
  {
    what: 'an over-long direct_asset_path',
    env: { INPUT_ASSETS: `- path: dist/app.tar.gz\n  direct_asset_path: /${'b'.repeat(200)}` },
    input: 'assets',
  },
  {
    what: 'a javascript: link',
    env: { INPUT_ASSET_LINKS: '- name: docs\n  url: "javascript:alert(1)"' },
    input: 'asset_links',
  },
  { what: 'a link without url', env: { INPUT_ASSET_LINKS: '- name: docs' }, input: 'asset_links' },
  {
    what: 'a link with an unknown link_type',
    env: { INPUT_ASSET_LINKS: '- name: docs\n  url: https://x.test/d\n  link_type: binary' },
    input: 'asset_links',
  },
  {
    what: 'a link whose direct_asset_path climbs out',
    env: {
      INPUT_ASSET_LINKS: '- name: docs\n  url: https://x.test/d\n  direct_asset_path: /a/../../b',
    },
    input: 'asset_links',
  },
  {
    what: 'an unknown asset_link_type',
    env: { INPUT_ASSET_LINK_TYPE: 'binary' },
    input: 'asset_link_type',
  },
  { what: 'an unknown upload_to', env: { INPUT_UPLOAD_TO: 's3' }, input: 'upload_to' },
  {
    what: 'a package_name with a space',
    env: { INPUT_PACKAGE_NAME: 'my assets' },
    input: 'package_name',
    forges: ['gitlab'],
  },
  {
    what: 'a package_version with ..',
    env: { INPUT_PACKAGE_VERSION: '1..0' },
    input: 'package_version',
    forges: ['gitlab'],
  },
  {
    what: 'an unknown if_release_exists',
    env: { INPUT_IF_RELEASE_EXISTS: 'replace' },
    input: 'if_release_exists',
  },
  {
    what: 'an unknown if_asset_exists',
    env: { INPUT_IF_ASSET_EXISTS: 'overwrite' },
    input: 'if_asset_exists',
  },
  {
    what: 'yes for fail_on_unmatched_assets',
    env: { INPUT_FAIL_ON_UNMATCHED_ASSETS: 'yes' },
    input: 'fail_on_unmatched_assets',
  },
  {
    what: 'yes for follow_symlinks',
    env: { INPUT_FOLLOW_SYMLINKS: 'yes' },
    input: 'follow_symlinks',
  },
  { what: 'TRUE for evidence', env: { INPUT_EVIDENCE: 'TRUE' }, input: 'evidence' },
  { what: '1 for checksums', env: { INPUT_CHECKSUMS: '1' }, input: 'checksums' },
  { what: 'no for draft', env: { INPUT_DRAFT: 'no' }, input: 'draft' },
  { what: 'maybe for prerelease', env: { INPUT_PRERELEASE: 'maybe' }, input: 'prerelease' },
  { what: 'always for make_latest', env: { INPUT_MAKE_LATEST: 'always' }, input: 'make_latest' },
  { what: 'on for generate_notes', env: { INPUT_GENERATE_NOTES: 'on' }, input: 'generate_notes' },
  { what: 'off for verify', env: { INPUT_VERIFY: 'off' }, input: 'verify' },
  { what: 'yes for dry_run', env: { INPUT_DRY_RUN: 'yes' }, input: 'dry_run' },
  {
    what: 'a ca_file that does not exist',
    env: { INPUT_CA_FILE: '/nonexistent/ca.pem' },
    input: 'ca_file',
  },
  {
    what: 'a ca_file that holds no PEM',
    env: { INPUT_CA_FILE: 'not-a-cert.txt' },
    input: 'ca_file',
  },
  {
    what: 'zero parallel uploads',
    env: { INPUT_MAX_PARALLEL_UPLOADS: '0' },
    input: 'max_parallel_uploads',
  },
  {
    what: 'parallel uploads in words',
    env: { INPUT_MAX_PARALLEL_UPLOADS: 'four' },
    input: 'max_parallel_uploads',
  },
  { what: 'negative retries', env: { INPUT_RETRIES: '-1' }, input: 'retries' },
  { what: 'too many retries', env: { INPUT_RETRIES: '1000' }, input: 'retries' },
  { what: 'a zero timeout', env: { INPUT_TIMEOUT_SECONDS: '0' }, input: 'timeout_seconds' },
  { what: 'a fractional timeout', env: { INPUT_TIMEOUT_SECONDS: '1.5' }, input: 'timeout_seconds' },
  {
    what: 'an outputs_file that is a directory',
    env: { INPUT_OUTPUTS_FILE: 'dist' },
    input: 'outputs_file',
  },
  {
    what: 'an outputs_file below a file',
    env: { INPUT_OUTPUTS_FILE: 'dist/app.tar.gz/release.env' },
    input: 'outputs_file',
  },
  {
    what: 'project uploads with the CI job token',
    env: { INPUT_UPLOAD_TO: 'project_uploads', INPUT_TOKEN_TYPE: 'job' },
    input: 'upload_to',
    forges: ['gitlab'],
  },
]

const scenarios = new Map<ForgeName, ForgeScenario>()
beforeAll(async () => {
  for (const forge of FORGES) scenarios.set(forge, await startForgeScenario(forge))
})
afterAll(async () => {
  for (const s of scenarios.values()) await s.close()
})

const ROWS = CASES.flatMap((c) =>
  (c.forges ?? FORGES)
    .filter((f) => FORGES.includes(f))
    .map((forge) => [forge, c.what, c] as const),
)

describe('bad input', () => {
  it('covers at least 40 different bad inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40)
    console.log(`Bad inputs: ${CASES.length} cases, ${ROWS.length} runs over ${FORGES.join(', ')}`)
  })

  it.each(ROWS)('%s: %s → one error naming the input, exit 1, no request', async (forge, _, c) => {
    const s = scenarios.get(forge)
    if (s === undefined) throw new Error(`no scenario for ${forge}`)
    s.clearFaults()
    for (const server of s.servers()) server.requests.clear()
    const workspace = await makeWorkspace({ 'dist/app.tar.gz': 'app\n' })
    await writeFile(path.join(workspace, 'not-a-cert.txt'), 'hello\n')
    const env: Env = {
      ...s.env({ INPUT_TAG_NAME: 'v1.0.0', INPUT_ASSETS: 'dist/*' }),
      ...c.env,
    }
    // An input set to undefined is one the user did not give.
    for (const [name, value] of Object.entries(c.env)) if (value === undefined) delete env[name]
    const result = await runInProcess(env, workspace)

    expect(result.exitCode).toBe(1)
    expect(s.requests()).toEqual([])
    expect(namedInputs(result.error)).toEqual([c.input])
    expect(hintsOf(result.error).every((hint) => hint.length > 10)).toBe(true)
    const errors = result.output.split('\n').filter((line) => line.startsWith('ERROR:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`Input '${c.input}'`)
  })
})
