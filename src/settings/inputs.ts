/**
 * The one table of inputs. action.yml, the README inputs table, the CLI's --help, the GitLab CI
 * template and component all derive from or are checked against this list.
 */
import type { Platform } from '../plan/domain.js'

export type { Platform } from '../plan/domain.js'
export { PLATFORMS } from '../plan/domain.js'

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
    values: ['auto', 'gitlab', 'gongfeng', 'github'],
    default: 'auto',
    description:
      'Forge to publish to. `auto` detects it from the CI environment (GITLAB_CI, GITHUB_ACTIONS) and from `api_url`.',
  },
  {
    name: 'api_url',
    kind: 'string',
    defaultDoc: '`CI_API_V4_URL` / `GITHUB_API_URL` / `https://git.code.tencent.com/api/v3`',
    description: 'API root of the forge (for example https://gitlab.example.com/api/v4).',
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
    defaultDoc: '`CI_JOB_TOKEN` / `GITHUB_TOKEN`',
    description: 'API token. Never printed; masked in logs and redacted from every message.',
  },
  {
    name: 'token_type',
    kind: 'enum',
    values: ['auto', 'private', 'job', 'bearer'],
    default: 'auto',
    description:
      'How the token is sent: `private` (PRIVATE-TOKEN), `job` (JOB-TOKEN), `bearer` (Authorization: Bearer). `auto` picks `job` when the token equals CI_JOB_TOKEN, `bearer` on GitHub, `private` otherwise.',
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
    platforms: ['gitlab', 'gongfeng'],
  },
  { name: 'name', kind: 'string', defaultDoc: '`tag_name`', description: 'Release title.' },
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
      "Sign the evidence and provenance statements with Sigstore keyless signing (a short-lived certificate for the CI's OIDC identity, logged in Rekor) and upload each `<statement>.sigstore.json` bundle. `auto` signs when the CI provides an identity (GitHub Actions: `permissions: id-token: write`; GitLab CI: an `id_tokens:` variable `SIGSTORE_ID_TOKEN` with `aud: sigstore`); `true` fails before any write without one. Needs `evidence`.",
  },
  {
    name: 'identity_token',
    kind: 'secret',
    defaultDoc:
      '`SIGSTORE_ID_TOKEN`; under GitHub Actions, requested from its OIDC provider (audience `sigstore`)',
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
    description: 'GitHub only: leave the release as a draft.',
    platforms: ['github'],
  },
  {
    name: 'prerelease',
    kind: 'boolean',
    default: 'false',
    description: 'GitHub only: mark the release as a pre-release.',
    platforms: ['github'],
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
    kind: 'boolean',
    default: 'true',
    description:
      'After publishing, fetch every uploaded asset through its link and check its size against the file.',
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

export const OUTPUTS = [
  { name: 'release_url', description: "The release's web page." },
  { name: 'tag_name', description: 'The released tag.' },
  { name: 'commit_sha', description: 'The commit the tag points at.' },
  {
    name: 'created',
    description: '`true` when this run created the release, `false` when it updated or skipped it.',
  },
  {
    name: 'assets',
    description: 'JSON array of `{name, url, direct_asset_url, link_type, size, sha256}`.',
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
  { name: 'release_id', description: 'GitHub only: the release id.' },
  { name: 'upload_url', description: "GitHub only: the release's asset upload URL." },
] as const

export type OutputName = (typeof OUTPUTS)[number]['name']
