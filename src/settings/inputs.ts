/**
 * The one table of inputs. action.yml, the README inputs table, the CLI's --help, the GitLab CI
 * template and component all derive from or are checked against this list.
 */
import type { Platform } from '../plan/domain.js'

import { PLATFORMS } from '../plan/domain.js'

export type { Platform } from '../plan/domain.js'
export { PLATFORMS }

export type InputKind = 'string' | 'boolean' | 'enum' | 'integer' | 'list' | 'yaml' | 'secret'

export interface InputSpec {
  readonly name: string
  readonly kind: InputKind
  readonly description: string
  /** The literal default, when the input has one that does not depend on the environment. */
  readonly default?: string
  /** How the default is found, for documentation (e.g. "`CI_COMMIT_TAG` / tag of `GITHUB_REF`"). */
  readonly defaultDoc?: string
  readonly values?: readonly string[]
  /** Platforms the input applies to; absent means all. */
  readonly platforms?: readonly Platform[]
  readonly min?: number
  readonly max?: number
}

export const INPUTS = [
  {
    name: 'platform',
    kind: 'enum',
    values: ['auto', 'gitlab', 'gongfeng', 'github', 'gitea', 'forgejo'],
    default: 'auto',
    description:
      'Forge to publish to; `gitea` and `forgejo` are the same (Forgejo and Gitea share one API). `auto` detects it from `api_url` (`/api/v4`: GitLab; `/api/v1`: Forgejo/Gitea; `/api/v3`: Gongfeng, or GitHub Enterprise Server under GitHub Actions) and from the CI environment (GITLAB_CI, GITHUB_ACTIONS, and GITEA_ACTIONS / FORGEJO_ACTIONS in Forgejo and Gitea Actions).',
  },
  {
    name: 'api_url',
    kind: 'string',
    defaultDoc: '`CI_API_V4_URL` / `GITHUB_API_URL` / `https://git.code.tencent.com/api/v3`',
    description:
      'API root of the forge (for example https://gitlab.example.com/api/v4, https://codeberg.org/api/v1).',
  },
  {
    name: 'project',
    kind: 'string',
    defaultDoc: '`CI_PROJECT_ID` / `GITHUB_REPOSITORY`',
    description:
      'Project id or full path (group/sub/name, owner/repo on GitHub). Paths are URL-encoded by the tool.',
  },
  {
    name: 'token',
    kind: 'secret',
    defaultDoc: '`CI_JOB_TOKEN` / `GITHUB_TOKEN` / `GITEA_TOKEN`, `FORGEJO_TOKEN`',
    description: 'API token. Never printed; masked in logs and redacted from every message.',
  },
  {
    name: 'token_type',
    kind: 'enum',
    values: ['auto', 'private', 'job', 'bearer'],
    default: 'auto',
    description:
      'How the token is sent: `private` (PRIVATE-TOKEN), `job` (JOB-TOKEN), `bearer` (Authorization: Bearer). `auto` picks `job` when the token equals CI_JOB_TOKEN, `bearer` on GitHub and Forgejo/Gitea, `private` otherwise.',
  },
  {
    name: 'tag_name',
    kind: 'string',
    defaultDoc: '`CI_COMMIT_TAG` / the tag of `GITHUB_REF`',
    description: 'Tag to release. Required, from the input or the CI environment.',
  },
  {
    name: 'ref',
    kind: 'string',
    defaultDoc: '`CI_COMMIT_SHA` / `GITHUB_SHA`',
    description: 'Commit, branch or tag to create `tag_name` from when the tag does not exist yet.',
  },
  {
    name: 'tag_message',
    kind: 'string',
    description: 'Message for the tag when it is created; makes it an annotated tag.',
    platforms: ['gitlab', 'gongfeng', 'gitea'],
  },
  {
    name: 'name',
    kind: 'string',
    defaultDoc: '`tag_name`',
    description:
      "Release title. Gongfeng's API has none to set (a release shows its tag there), so it is ignored there, with a warning.",
    // Every forge but Gongfeng, whose documented release API has no title field.
    platforms: PLATFORMS.filter((p) => p !== 'gongfeng'),
  },
  {
    name: 'description',
    kind: 'string',
    description: 'Release notes (Markdown). Not together with `description_file`.',
  },
  {
    name: 'description_file',
    kind: 'string',
    description:
      'Path of a file holding the release notes (Markdown). Not together with `description`.',
  },
  {
    name: 'milestones',
    kind: 'list',
    description:
      "Milestone titles, comma- or newline-separated. On update they replace the release's milestones; `[]` clears them; not given or empty leaves them as they are.",
    platforms: ['gitlab'],
  },
  {
    name: 'released_at',
    kind: 'string',
    description:
      'Release date, ISO 8601 (2024-05-01T10:00:00Z). A future date makes an upcoming release, a past one a historical release.',
    platforms: ['gitlab'],
  },
  {
    name: 'assets',
    kind: 'yaml',
    description:
      "Files to upload: newline-separated globs (lines starting with `!` exclude, `{a,b}` expands), or a YAML list of `{path, name, link_type, direct_asset_path}` (quote `'!…'` in YAML).",
  },
  {
    name: 'asset_links',
    kind: 'yaml',
    description:
      'Links to things that are not uploaded: a YAML list of `{name, url, link_type, direct_asset_path}`.',
    platforms: ['gitlab'],
  },
  {
    name: 'asset_link_type',
    kind: 'enum',
    values: ['other', 'runbook', 'image', 'package'],
    default: 'other',
    description: 'Default `link_type` of asset links.',
    platforms: ['gitlab'],
  },
  {
    name: 'upload_to',
    kind: 'enum',
    values: ['generic_package', 'project_uploads'],
    default: 'generic_package',
    description:
      'GitLab only: where files are stored. `generic_package` works with the CI job token; `project_uploads` needs a personal, project or group access token.',
    platforms: ['gitlab'],
  },
  {
    name: 'package_name',
    kind: 'string',
    default: 'release-assets',
    description: 'GitLab generic package name that holds the files.',
    platforms: ['gitlab'],
  },
  {
    name: 'package_version',
    kind: 'string',
    defaultDoc: '`tag_name`',
    description: 'GitLab generic package version that holds the files.',
    platforms: ['gitlab'],
  },
  {
    name: 'if_release_exists',
    kind: 'enum',
    values: ['update', 'skip', 'fail'],
    default: 'update',
    description: 'What to do when the release already exists.',
  },
  {
    name: 'if_asset_exists',
    kind: 'enum',
    values: ['replace', 'skip', 'fail'],
    default: 'replace',
    description:
      'What to do when an asset of the same name exists with other content. An asset whose content is already there (same name and sha256) is never uploaded again.',
  },
  {
    name: 'fail_on_unmatched_assets',
    kind: 'boolean',
    default: 'true',
    description:
      'A glob in `assets` that matches no file is an error (reported before any request).',
  },
  {
    name: 'follow_symlinks',
    kind: 'enum',
    values: ['inside', 'always', 'never'],
    default: 'inside',
    description:
      'Symbolic links an `assets` glob meets: `inside` follows a link only when its target lies in the workspace or below the directory the pattern names, `always` follows every link, `never` none; any other link is an error (before any request). A path written without glob characters is followed as written.',
  },
  {
    name: 'evidence',
    kind: 'boolean',
    default: 'true',
    description:
      'Write the local evidence JSON (in-toto Statement v1) and upload it; on GitLab also ask the server to collect release evidence.',
  },
  {
    name: 'checksums',
    kind: 'boolean',
    default: 'true',
    description: 'Upload a `SHA256SUMS` asset listing every asset.',
  },
  {
    name: 'sign',
    kind: 'enum',
    values: ['auto', 'true', 'false'],
    default: 'auto',
    description:
      "Sign the evidence and provenance statements with Sigstore keyless signing (a short-lived certificate for the CI's OIDC identity, logged in Rekor) and upload each `<statement>.sigstore.json` bundle. `auto` signs when the CI provides an identity (GitHub Actions: `permissions: id-token: write`; GitLab CI: an `id_tokens:` variable `SIGSTORE_ID_TOKEN` with `aud: sigstore`; Forgejo/Gitea Actions: only with `fulcio_url` of a Sigstore that trusts the server); `true` fails before any write without one. Needs `evidence`.",
  },
  {
    name: 'identity_token',
    kind: 'secret',
    defaultDoc:
      '`SIGSTORE_ID_TOKEN`; under GitHub (or Forgejo) Actions, requested from its OIDC provider (audience `sigstore`)',
    description:
      'OIDC identity token (a JWT with audience `sigstore`) that Fulcio certifies for signing. Never printed.',
  },
  {
    name: 'fulcio_url',
    kind: 'string',
    default: 'https://fulcio.sigstore.dev',
    description: 'Fulcio certificate authority that issues the signing certificate.',
  },
  {
    name: 'rekor_url',
    kind: 'string',
    default: 'https://rekor.sigstore.dev',
    description: 'Rekor transparency log the signatures are recorded in.',
  },
  {
    name: 'trusted_root',
    kind: 'string',
    description:
      "Path of a Sigstore trusted root (`trusted_root.json`) for a private Fulcio and Rekor: every new bundle is checked against it before it is uploaded. `forge-release verify` takes it too; without it, verify uses the public instance's root (fetched through Sigstore's TUF repository).",
  },
  {
    name: 'draft',
    kind: 'boolean',
    default: 'false',
    description: 'GitHub and Forgejo/Gitea: leave the release as a draft.',
    platforms: ['github', 'gitea'],
  },
  {
    name: 'prerelease',
    kind: 'boolean',
    default: 'false',
    description: 'GitHub and Forgejo/Gitea: mark the release as a pre-release.',
    platforms: ['github', 'gitea'],
  },
  {
    name: 'make_latest',
    kind: 'enum',
    values: ['true', 'false', 'legacy'],
    default: 'true',
    description: 'GitHub only: make this the latest release (`true`, `false` or `legacy`).',
    platforms: ['github'],
  },
  {
    name: 'generate_notes',
    kind: 'boolean',
    default: 'false',
    description: 'GitHub only: let GitHub write the release notes when no description is given.',
    platforms: ['github'],
  },
  {
    name: 'labels',
    kind: 'list',
    description: 'Gongfeng only: release labels, comma- or newline-separated, at most 10.',
    platforms: ['gongfeng'],
  },
  {
    name: 'verify',
    kind: 'enum',
    values: ['true', 'false', 'full'],
    default: 'true',
    description:
      "After publishing, check every uploaded asset: `true` compares the server's own sha256 where it reports one (GitHub, GitLab package files), else the size the server lists for it, with one file's download link read as well (a one-byte ranged GET); `full` downloads and hashes every file; `false` skips the check.",
  },
  {
    name: 'ca_file',
    kind: 'string',
    defaultDoc: '`CI_SERVER_TLS_CA_FILE` under GitLab CI',
    description:
      'PEM bundle of certificate authorities to trust besides the system ones (self-managed servers).',
  },
  {
    name: 'dry_run',
    kind: 'boolean',
    default: 'false',
    description: 'Plan and print every request it would make; change nothing.',
  },
  {
    name: 'max_parallel_uploads',
    kind: 'integer',
    default: '4',
    min: 1,
    max: 32,
    description: 'How many files are uploaded at once.',
  },
  {
    name: 'max_writes_per_minute',
    kind: 'integer',
    default: '0',
    min: 0,
    max: 100000,
    description:
      "Pace for requests that create content. `0` keeps to the forge's documented limit (GitHub: 80 a minute and 500 an hour, its secondary rate limit; the other forges announce theirs in headers, which are always followed). A number sets the limit per minute instead, for a server configured otherwise (GitHub Enterprise Server).",
  },
  {
    name: 'retries',
    kind: 'integer',
    default: '5',
    min: 0,
    max: 20,
    description: 'Retries per request on network errors, 408, 429 and 5xx, honouring Retry-After.',
  },
  {
    name: 'timeout_seconds',
    kind: 'integer',
    default: '600',
    min: 1,
    max: 86400,
    description: 'A request that makes no progress for this long is aborted (and retried).',
  },
  {
    name: 'outputs_file',
    kind: 'string',
    defaultDoc: '`release.env` under GitLab CI',
    description: 'Dotenv file of `RELEASE_*` outputs, for `artifacts:reports:dotenv`.',
  },
] as const satisfies readonly InputSpec[]

export type InputName = (typeof INPUTS)[number]['name']

/**
 * The release tools people switch from. Their input names are accepted as aliases of ours where
 * the meaning matches; `action` tools take them as `with:` keys (so action.yml declares them),
 * `cli` tools as command-line flags.
 */
export const TOOLS = {
  softprops: { title: 'softprops/action-gh-release', kind: 'action' },
  ncipollo: { title: 'ncipollo/release-action', kind: 'action' },
  'release-cli': { title: 'GitLab release-cli', kind: 'cli' },
  gh: { title: 'gh / glab release create', kind: 'cli' },
} as const
export type Tool = keyof typeof TOOLS

/** How an alias's value becomes the value of its input. */
export type AliasValue =
  /** Taken as it is. */
  | { readonly kind: 'same' }
  /** Globs separated by commas (outside `{…}`) or new lines → one glob per line. */
  | { readonly kind: 'globs' }
  /** `true`/`false` → a value of the input; a side without a value means "not given". */
  | { readonly kind: 'boolean'; readonly true?: string; readonly false?: string }
  /** JSON links (an object or an array, repeatable) → a YAML list of links. */
  | { readonly kind: 'json-links' }
  /** A GitLab instance URL → its REST v4 API root. */
  | { readonly kind: 'gitlab-server-url' }

export interface AliasSpec {
  /** The name as the other tool spells it (underscores for its flags' hyphens). */
  readonly name: string
  readonly input: InputName
  readonly tools: readonly Tool[]
  readonly value: AliasValue
  /** How it differs from the other tool's input, for the migration guide. */
  readonly note?: string
}

const SAME = { kind: 'same' } as const
const GLOBS = { kind: 'globs' } as const

/**
 * Other tools' names for our inputs. Only names whose meaning matches are here; values are
 * converted where the format differs. The names below in NO_COUNTERPART are refused instead.
 */
export const ALIASES = [
  {
    name: 'files',
    input: 'assets',
    tools: ['softprops'],
    value: GLOBS,
    note: 'Globs separated by new lines or commas (outside `{…}`), as softprops reads them.',
  },
  { name: 'body', input: 'description', tools: ['softprops', 'ncipollo'], value: SAME },
  {
    name: 'body_path',
    input: 'description_file',
    tools: ['softprops'],
    value: SAME,
    note: 'A missing file is an error (softprops falls back to `body`); giving both is an error.',
  },
  {
    name: 'target_commitish',
    input: 'ref',
    tools: ['softprops'],
    value: SAME,
    note: 'Used to create the tag when it does not exist; an existing tag is never moved.',
  },
  { name: 'repository', input: 'project', tools: ['softprops'], value: SAME },
  {
    name: 'generate_release_notes',
    input: 'generate_notes',
    tools: ['softprops'],
    value: SAME,
    note: 'GitHub writes the notes only when no description is given (softprops puts `body` above them).',
  },
  {
    name: 'fail_on_unmatched_files',
    input: 'fail_on_unmatched_assets',
    tools: ['softprops'],
    value: SAME,
    note: 'forge-release fails on an unmatched glob by default (softprops does not).',
  },
  {
    name: 'overwrite_files',
    input: 'if_asset_exists',
    tools: ['softprops'],
    value: { kind: 'boolean', true: 'replace', false: 'skip' },
    note: '`true` → `replace`, `false` → `skip`. A file whose content is already there is never uploaded again.',
  },
  {
    name: 'artifacts',
    input: 'assets',
    tools: ['ncipollo'],
    value: GLOBS,
    note: 'Globs separated by commas or new lines.',
  },
  {
    name: 'artifact',
    input: 'assets',
    tools: ['ncipollo'],
    value: GLOBS,
    note: 'The deprecated spelling of `artifacts`.',
  },
  { name: 'bodyFile', input: 'description_file', tools: ['ncipollo'], value: SAME },
  {
    name: 'commit',
    input: 'ref',
    tools: ['ncipollo'],
    value: SAME,
    note: 'Used to create the tag when it does not exist.',
  },
  { name: 'tag', input: 'tag_name', tools: ['ncipollo'], value: SAME },
  {
    name: 'allowUpdates',
    input: 'if_release_exists',
    tools: ['ncipollo'],
    value: { kind: 'boolean', true: 'update', false: 'fail' },
    note: '`true` → `update`, `false` → `fail`. forge-release updates an existing release by default (ncipollo fails).',
  },
  {
    name: 'skipIfReleaseExists',
    input: 'if_release_exists',
    tools: ['ncipollo'],
    value: { kind: 'boolean', true: 'skip' },
    note: '`true` → `skip` (a draft counts as existing too); `false` is the same as not giving it.',
  },
  {
    name: 'replacesArtifacts',
    input: 'if_asset_exists',
    tools: ['ncipollo'],
    value: { kind: 'boolean', true: 'replace', false: 'skip' },
    note: '`true` → `replace`, `false` → `skip`.',
  },
  {
    name: 'generateReleaseNotes',
    input: 'generate_notes',
    tools: ['ncipollo'],
    value: SAME,
    note: 'GitHub writes the notes only when no description is given (ncipollo puts `body` above them).',
  },
  {
    name: 'makeLatest',
    input: 'make_latest',
    tools: ['ncipollo'],
    value: SAME,
    note: 'forge-release makes a release the latest by default (`true`; ncipollo: `legacy`).',
  },
  {
    name: 'assets_link',
    input: 'asset_links',
    tools: ['release-cli'],
    value: { kind: 'json-links' },
    note: '`--assets-link` JSON: one link or an array, repeatable; `filepath` is read as `direct_asset_path`.',
  },
  {
    name: 'milestone',
    input: 'milestones',
    tools: ['release-cli'],
    value: SAME,
    note: 'Repeatable, one title each; a title cannot contain a comma.',
  },
  {
    name: 'server_url',
    input: 'api_url',
    tools: ['release-cli'],
    value: { kind: 'gitlab-server-url' },
    note: 'The instance URL; forge-release appends `/api/v4`.',
  },
  { name: 'project_id', input: 'project', tools: ['release-cli'], value: SAME },
  {
    name: 'job_token',
    input: 'token',
    tools: ['release-cli'],
    value: SAME,
    note: "Sent as JOB-TOKEN when it is the job's own CI_JOB_TOKEN (`token_type: auto`).",
  },
  { name: 'private_token', input: 'token', tools: ['release-cli'], value: SAME },
  { name: 'notes', input: 'description', tools: ['gh'], value: SAME },
  {
    name: 'notes_file',
    input: 'description_file',
    tools: ['gh'],
    value: SAME,
    note: '`-` (standard input) is not supported: give a file.',
  },
  { name: 'title', input: 'name', tools: ['gh'], value: SAME },
  {
    name: 'target',
    input: 'ref',
    tools: ['gh'],
    value: SAME,
    note: 'Used to create the tag when it does not exist.',
  },
] as const satisfies readonly AliasSpec[]

export interface NoCounterpartSpec {
  readonly name: string
  readonly tools: readonly Tool[]
  /** What to do instead; it ends the error that names the input. */
  readonly hint: string
}

/**
 * Other tools' inputs that forge-release has no counterpart for. They are errors like any
 * unknown input, but with a hint that says what to do instead of a guess at a similar name.
 */
export const NO_COUNTERPART: readonly NoCounterpartSpec[] = [
  {
    name: 'working_directory',
    tools: ['softprops'],
    hint: 'Globs in assets are relative to the workspace; put the directory into each glob (build/dist/*).',
  },
  {
    name: 'discussion_category_name',
    tools: ['softprops'],
    hint: 'forge-release does not create discussions; remove it.',
  },
  {
    name: 'append_body',
    tools: ['softprops'],
    hint: 'description replaces the release notes; leave description out to keep them as they are.',
  },
  {
    name: 'preserve_order',
    tools: ['softprops'],
    hint: 'Files are uploaded in parallel; set max_parallel_uploads: 1 to upload them one at a time.',
  },
  {
    name: 'previous_tag',
    tools: ['softprops'],
    hint: 'generate_notes lets GitHub choose the previous release; remove it.',
  },
  {
    name: 'artifactContentType',
    tools: ['ncipollo'],
    hint: "Each file's content type comes from its extension; remove it.",
  },
  {
    name: 'artifactErrorsFailBuild',
    tools: ['ncipollo'],
    hint: 'A file that cannot be read or uploaded always fails the run; remove it.',
  },
  {
    name: 'discussionCategory',
    tools: ['ncipollo'],
    hint: 'forge-release does not create discussions; remove it.',
  },
  {
    name: 'generateReleaseNotesPreviousTag',
    tools: ['ncipollo'],
    hint: 'generate_notes lets GitHub choose the previous release; remove it.',
  },
  {
    name: 'immutableCreate',
    tools: ['ncipollo'],
    hint: 'forge-release always creates a new GitHub release as a draft, uploads, then publishes it; remove it.',
  },
  {
    name: 'omitBody',
    tools: ['ncipollo'],
    hint: 'Leave description out: the release notes are then left as they are.',
  },
  {
    name: 'omitBodyDuringUpdate',
    tools: ['ncipollo'],
    hint: 'Leave description out: the release notes are then left as they are.',
  },
  {
    name: 'omitName',
    tools: ['ncipollo'],
    hint: 'The title is name (default: the tag) on every run; give name to keep a title of your own.',
  },
  {
    name: 'omitNameDuringUpdate',
    tools: ['ncipollo'],
    hint: 'The title is name (default: the tag) on every run; give name to keep a title of your own.',
  },
  {
    name: 'omitDraftDuringUpdate',
    tools: ['ncipollo'],
    hint: 'A release forge-release publishes stays published; draft: true only keeps a new release a draft. Remove it.',
  },
  {
    name: 'omitPrereleaseDuringUpdate',
    tools: ['ncipollo'],
    hint: 'prerelease is applied on every run; give the value the release should have.',
  },
  { name: 'owner', tools: ['ncipollo'], hint: 'Give project: owner/repo instead.' },
  { name: 'repo', tools: ['ncipollo'], hint: 'Give project: owner/repo instead.' },
  {
    name: 'removeArtifacts',
    tools: ['ncipollo'],
    hint: 'forge-release never deletes files that are not in assets; remove it.',
  },
  {
    name: 'updateOnlyUnreleased',
    tools: ['ncipollo'],
    hint: 'Use if_release_exists: fail (never touch an existing release) or update.',
  },
  {
    name: 'additional_ca_cert_bundle',
    tools: ['release-cli'],
    hint: 'Give ca_file the path of a PEM file (certificates are read from a file only).',
  },
  {
    name: 'insecure_https',
    tools: ['release-cli'],
    hint: 'TLS is always verified; trust a private certificate authority with ca_file.',
  },
  {
    name: 'timeout',
    tools: ['release-cli'],
    hint: 'Use timeout_seconds: how long a request may make no progress, in seconds.',
  },
  {
    name: 'catalog_publish',
    tools: ['release-cli'],
    hint: 'forge-release does not publish to the CI/CD Catalog; remove it.',
  },
  {
    name: 'assets_links_name',
    tools: ['release-cli'],
    hint: 'Use asset_links, a YAML list of {name, url}.',
  },
  {
    name: 'assets_links_url',
    tools: ['release-cli'],
    hint: 'Use asset_links, a YAML list of {name, url}.',
  },
  { name: 'debug', tools: ['release-cli'], hint: 'Set the variable FORGE_RELEASE_DEBUG=true.' },
]

export interface OutputSpec {
  readonly name: string
  readonly description: string
  /**
   * What the value is, for `--json`. Step outputs and the dotenv report carry text whatever
   * the type, since those channels take only strings.
   */
  readonly type?: 'boolean' | 'number' | 'json'
}

export const OUTPUTS = [
  { name: 'release_url', description: "The release's web page." },
  { name: 'tag_name', description: 'The released tag.' },
  { name: 'commit_sha', description: 'The commit the tag points at.' },
  {
    name: 'created',
    type: 'boolean',
    description: '`true` when this run created the release, `false` when it updated or skipped it.',
  },
  {
    name: 'assets',
    type: 'json',
    description:
      'JSON array of `{name, original_name, label, url, direct_asset_url, link_type, size, sha256}`: `name` as the forge stores the file, `original_name` as it was given (they differ where the forge renames special characters), `label` the name GitHub shows for it (null elsewhere, and where no label was set).',
  },
  {
    name: 'assets_file',
    description: 'Path of a JSON file holding the same array (for long lists).',
  },
  { name: 'evidence_file', description: 'Path of the local evidence JSON (in-toto Statement v1).' },
  {
    name: 'evidence_sha',
    description:
      "sha256 of the evidence: the server's where it collected one, else the local file's.",
  },
  { name: 'checksums_url', description: 'URL of the `SHA256SUMS` asset.' },
  {
    name: 'provenance_file',
    description: 'Path of the local SLSA Provenance v1 statement (`provenance.intoto.json`).',
  },
  {
    name: 'evidence_bundle_url',
    description:
      'URL of the Sigstore bundle that signs the evidence (`release-evidence.intoto.json.sigstore.json`); empty when unsigned.',
  },
  {
    name: 'provenance_bundle_url',
    description:
      'URL of the Sigstore bundle that signs the provenance (`provenance.intoto.json.sigstore.json`); empty when unsigned.',
  },
  {
    name: 'certificate_identity',
    description:
      "The signing certificate's identity (its subject alternative name: the workflow or pipeline that signed); empty when unsigned.",
  },
  {
    name: 'certificate_oidc_issuer',
    description: 'The OIDC issuer in the signing certificate; empty when unsigned.',
  },
  { name: 'release_id', type: 'number', description: 'GitHub only: the release id.' },
  { name: 'upload_url', description: "GitHub only: the release's asset upload URL." },
] as const satisfies readonly OutputSpec[]

export type OutputName = (typeof OUTPUTS)[number]['name']

/** Whether an input means something on `platform` (inputs of other forges are ignored there). */
export function inputApplies(name: InputName, platform: Platform): boolean {
  const input: InputSpec | undefined = (INPUTS as readonly InputSpec[]).find((i) => i.name === name)
  return input?.platforms === undefined || input.platforms.includes(platform)
}
