import { InputErrors, inputError, type ReleaseError } from '../errors.js'
import { checkTagName } from './check-tag-name.js'
import {
  detectCiSystem,
  isGiteaActions,
  readCiCommit,
  readCiContext,
  readCiTag,
  readVariable,
  type CiSystem,
} from './ci-environment.js'
import { GITHUB_API_URL, GONGFENG_API_URL, detectPlatform } from './detect-platform.js'
import { INPUTS, type InputName, type Platform } from './inputs.js'
import { parseAssetLinks, parseAssets } from './parse-asset-inputs.js'
import { parseReleasedAt } from './parse-released-at.js'
import { applyAliases } from './apply-aliases.js'
import { findUnknownInputs } from './find-unknown-inputs.js'
import { readInput, type Environment } from './read-input.js'
import { readSigning } from './read-signing.js'
import type { AssetPattern, ExternalLink, Settings, TokenType, VerifyMode } from './settings.js'

export interface ReadSettingsOptions {
  /**
   * Directory that globs and relative paths are resolved against. Default: `GITHUB_WORKSPACE`,
   * then `CI_PROJECT_DIR`, then `.`; it is returned as found (a relative one is resolved by the
   * caller, which keeps this function independent of the process).
   */
  readonly cwd?: string
  /** The clock an expired identity token is judged by (it is not read otherwise). */
  readonly now?: Date
}

type InputOf<N extends InputName> = Extract<(typeof INPUTS)[number], { name: N }>
type EnumName = Extract<(typeof INPUTS)[number], { kind: 'enum' }>['name']
type EnumValue<N extends EnumName> = InputOf<N>['values'][number]
type BooleanName = Extract<(typeof INPUTS)[number], { kind: 'boolean' }>['name']
type IntegerName = Extract<(typeof INPUTS)[number], { kind: 'integer' }>['name']

/** GitLab `maven_file_name_regex`, used for generic package names (API-NOTES §1.5). */
const PACKAGE_NAME = /^[A-Za-z0-9._+-]+$/
/** GitLab `maven_version_regex`: word characters, `+`, `.`, `-`, and no `..` (API-NOTES §1.5). */
const PACKAGE_VERSION = /^(?!.*\.\.)[\w+.-]+$/
const PACKAGE_VERSION_SOURCE = String.raw`\A(?!.*\.\.)[\w+.-]+\z`
/** A token with these would break (or inject into) the auth header. */
// eslint-disable-next-line no-control-regex
const UNSAFE_TOKEN = /[\s\u0000-\u001f\u007f]/
/** Gongfeng accepts at most this many labels per release. */
const MAX_LABELS = 10

/** How each forge's API root ends (GitHub's has no fixed path: api.github.com, /api/v3). */
const API_PATHS: Readonly<Record<Platform, string>> = {
  gitlab: '/api/v4',
  gongfeng: '/api/v3',
  github: '',
  gitea: '/api/v1',
}

const PLATFORM_NAMES: Readonly<Record<Platform, string>> = {
  gitlab: 'GitLab',
  gongfeng: 'Gongfeng',
  github: 'GitHub',
  gitea: 'Forgejo/Gitea',
}

/**
 * Turns the environment (inputs and CI variables) into one validated Settings object. Pure: it
 * reads only `env` and never the file system, so it behaves the same under every runtime.
 * Every problem is collected; if there is any, one InputErrors holding all of them is thrown.
 * An input variable that names no input is one of them. Non-fatal findings (inputs that do
 * not apply to the platform, derived values) go to `settings.warnings`, what the reader
 * concluded (an alias read, a detected platform) to `settings.notices`. Nothing is logged and
 * the token is never put into a message.
 */
export function readSettings(raw: Environment, options: ReadSettingsOptions = {}): Settings {
  // Unknown names first: a mistyped input is the likely cause of whatever else is missing.
  const problems: ReleaseError[] = findUnknownInputs(raw)
  const aliased = applyAliases(raw)
  problems.push(...aliased.problems)
  const env = aliased.env
  const notices = aliased.notices
  const warnings: string[] = []
  const fail = (input: string, message: string, hint: string): void => {
    problems.push(inputError(input, message, hint))
  }
  const given = (name: InputName): string | undefined => readInput(env, name)?.value
  const system = detectCiSystem(env)
  const giteaActions = isGiteaActions(env)

  const readEnum = <N extends EnumName>(name: N): EnumValue<N> => {
    const input: { readonly values: readonly string[]; readonly default: string } = inputSpec(name)
    const fallback = input.default as EnumValue<N>
    const value = given(name)
    if (value === undefined) return fallback
    if (input.values.includes(value)) return value as EnumValue<N>
    fail(
      name,
      `${quote(value)} is not one of its values.`,
      `Use one of: ${input.values.join(', ')}.`,
    )
    return fallback
  }
  const readBoolean = (name: BooleanName): boolean => {
    const value = given(name)
    if (value === undefined) return inputSpec(name).default === 'true'
    if (value === 'true' || value === 'false') return value === 'true'
    fail(name, `${quote(value)} is not a boolean.`, 'Use exactly `true` or `false`.')
    return inputSpec(name).default === 'true'
  }
  const readInteger = (name: IntegerName): number => {
    const input = inputSpec(name)
    const fallback = Number(input.default)
    const value = given(name)
    if (value === undefined) return fallback
    const range = `Use a whole number from ${input.min} to ${input.max}.`
    if (!/^\d{1,9}$/.test(value)) {
      fail(name, `${quote(value)} is not a whole number.`, range)
      return fallback
    }
    const number = Number(value)
    if (number < input.min || number > input.max) {
      fail(name, `${number} is out of range.`, range)
      return fallback
    }
    return number
  }

  // Platform and API root decide which CI defaults may be used, so they come first.
  const platformInput = readEnum('platform')
  const platformGiven = given('platform')
  const apiUrlGiven = given('api_url')
  const explicitApiUrl =
    apiUrlGiven === undefined ? undefined : checkApiUrl(apiUrlGiven, 'api_url', problems)
  let platform: Platform | undefined
  if (platformInput !== 'auto') {
    // Forgejo is a fork of Gitea with the same REST API: one adapter serves both.
    platform = platformInput === 'forgejo' ? 'gitea' : platformInput
  } else if (
    // a platform value that is none of its values is reported once (by
    // readEnum); detecting one anyway only added a second, misleading problem about it.
    (platformGiven === undefined || platformGiven === 'auto') &&
    (apiUrlGiven === undefined || explicitApiUrl !== undefined)
  ) {
    const detection = detectPlatform(explicitApiUrl, system, giteaActions)
    if ('platform' in detection) {
      platform = detection.platform
      if (detection.notice !== undefined) notices.push(detection.notice)
    } else {
      fail('platform', detection.problem, detection.hint)
    }
  }

  let apiUrl = explicitApiUrl
  if (apiUrl === undefined && apiUrlGiven === undefined && platform !== undefined) {
    const fallback = defaultApiUrl(env, platform, system)
    if (fallback.value !== undefined) {
      apiUrl = checkApiUrl(fallback.value, 'api_url', problems, fallback.variable)
    } else {
      fail(
        'api_url',
        'is not set.',
        platform === 'gitea'
          ? 'Set api_url to the API root of the Forgejo or Gitea server, for example https://codeberg.org/api/v1 (Forgejo and Gitea Actions provide GITHUB_API_URL).'
          : `Set api_url to the API root, for example https://gitlab.example.com/api/v4 (GitLab CI provides CI_API_V4_URL).`,
      )
    }
  }
  if (apiUrl?.protocol === 'http:' && !isLoopback(apiUrl.hostname)) {
    warnings.push(`api_url ${apiUrl.origin} uses plain http: the token is sent unencrypted.`)
  }
  if (apiUrl !== undefined && platform !== undefined) {
    const expected = API_PATHS[platform]
    if (expected !== '' && !apiUrl.pathname.replace(/\/+$/, '').endsWith(expected)) {
      warnings.push(
        `api_url ${apiUrl.href} does not end with ${expected}; ${PLATFORM_NAMES[platform]} API roots usually do.`,
      )
    }
  }
  // CI credentials and ids belong to the CI's own server: never send them anywhere else.
  const ciOrigin = ciApiOrigin(env, system, platform)
  // Without a usable api_url (already reported) the CI's defaults are assumed, so that its
  // problem is not followed by consequential ones about project and token.
  const ciServesApi =
    apiUrl !== undefined
      ? ciOrigin === apiUrl.origin
      : (system === 'gitlab-ci' && platform === 'gitlab') ||
        (system === 'github-actions' && platform === (giteaActions ? 'gitea' : 'github'))
  const otherServer =
    apiUrl !== undefined && ciOrigin !== undefined && !ciServesApi
      ? ' CI variables are not used here: api_url points to another server than the one running this pipeline.'
      : ''

  let project = given('project')
  if (project === undefined && ciServesApi) {
    project = readVariable(
      env,
      platform === 'github' || platform === 'gitea' ? 'GITHUB_REPOSITORY' : 'CI_PROJECT_ID',
    )
  }
  if (project === undefined && platform !== undefined) {
    fail('project', 'is not set.', `${projectHint(platform)}${otherServer}`)
  } else if (project !== undefined && platform !== undefined) {
    const reason = checkProject(project, platform)
    if (reason !== undefined) fail('project', `${quote(project)} ${reason}`, projectHint(platform))
  }

  const tokenFound =
    platform === undefined ? undefined : findToken(env, platform, system, ciServesApi)
  if (tokenFound === undefined && platform !== undefined) {
    fail('token', 'is not set.', `${tokenHint(platform)}${otherServer}`)
  } else if (tokenFound !== undefined && UNSAFE_TOKEN.test(tokenFound)) {
    // Said without the value: a token must never reach a log.
    fail(
      'token',
      'contains whitespace or control characters.',
      'Copy the token again without spaces or line breaks.',
    )
  }
  const tokenTypeInput = readEnum('token_type')
  const jobToken = readVariable(env, 'CI_JOB_TOKEN')
  const tokenType: TokenType =
    tokenTypeInput !== 'auto'
      ? tokenTypeInput
      : platform === 'gitlab' && jobToken !== undefined && tokenFound === jobToken
        ? 'job'
        : platform === 'github' || platform === 'gitea'
          ? 'bearer'
          : 'private'
  // Gitea reads `Authorization: token <t>` and `Authorization: Bearer <t>` alike
  // (services/auth/oauth2.go parseToken); PRIVATE-TOKEN and JOB-TOKEN are GitLab's.
  if ((platform === 'github' || platform === 'gitea') && tokenType !== 'bearer') {
    fail(
      'token_type',
      `${tokenType} does not work with ${PLATFORM_NAMES[platform]}.`,
      'Use bearer (or auto).',
    )
  }
  if (platform === 'gongfeng' && tokenType === 'job') {
    fail(
      'token_type',
      'job tokens exist only on GitLab.',
      'Use private (or auto) with a Gongfeng access token.',
    )
  }

  const tagName = given('tag_name') ?? readCiTag(env, system)
  if (tagName === undefined) {
    fail('tag_name', 'is not set.', tagHint(env, system))
  } else {
    const reasons = checkTagName(tagName)
    if (reasons.length > 0) {
      fail(
        'tag_name',
        `${quote(tagName)} is not a valid git tag name: ${reasons.join('; ')}.`,
        'Choose a name git accepts (see git check-ref-format), for example v1.2.3.',
      )
    }
  }

  const refInput = given('ref')
  const ref = refInput ?? readCiCommit(env, system)
  const description = given('description')
  const descriptionFile = given('description_file')
  if (description !== undefined && descriptionFile !== undefined) {
    fail(
      'description',
      'is given together with description_file.',
      'Give only one of description and description_file.',
    )
  }

  const milestones = readMilestones(env, problems)
  const labels = readList(given('labels'), 'labels', problems) ?? []
  if (platform === 'gongfeng' && labels.length > MAX_LABELS) {
    fail(
      'labels',
      `has ${labels.length} labels.`,
      `Gongfeng accepts at most ${MAX_LABELS} per release.`,
    )
  }

  const releasedAtInput = given('released_at')
  const releasedAt = releasedAtInput === undefined ? undefined : parseReleasedAt(releasedAtInput)
  if (releasedAtInput !== undefined && releasedAt === undefined) {
    fail(
      'released_at',
      `${quote(releasedAtInput)} is not an ISO 8601 date.`,
      'Use a date like 2024-05-01, 2024-05-01T10:00:00Z or 2024-05-01T10:00:00+02:00 (no zone means UTC).',
    )
  }

  const uploadTo = readEnum('upload_to')
  const assetLinkType = readEnum('asset_link_type')
  let assets: AssetPattern[] = []
  const assetsRaw = readInput(env, 'assets', true)?.value
  if (assetsRaw !== undefined) {
    const parsed = parseAssets(assetsRaw)
    problems.push(...parsed.problems)
    assets = parsed.value
  }
  let assetLinks: ExternalLink[] = []
  const linksRaw = readInput(env, 'asset_links', true)?.value
  if (linksRaw !== undefined) {
    const parsed = parseAssetLinks(linksRaw, assetLinkType)
    problems.push(...parsed.problems)
    assetLinks = parsed.value
  }

  const generic = platform === 'gitlab' && uploadTo === 'generic_package'
  const packageName = given('package_name') ?? inputSpec('package_name').default
  if (generic && !PACKAGE_NAME.test(packageName)) {
    fail(
      'package_name',
      `${quote(packageName)} is not a valid GitLab generic package name.`,
      `Use only letters, digits, '.', '_', '-' and '+' (${PACKAGE_NAME.source}).`,
    )
  }
  const packageVersionInput = given('package_version')
  let packageVersion = packageVersionInput ?? tagName ?? ''
  if (packageVersionInput !== undefined) {
    if (generic && !PACKAGE_VERSION.test(packageVersionInput)) {
      fail(
        'package_version',
        `${quote(packageVersionInput)} is not a valid GitLab generic package version.`,
        `It must match ${PACKAGE_VERSION_SOURCE}: letters, digits, '_', '+', '.', '-' and no '..'.`,
      )
    }
  } else if (tagName !== undefined && !PACKAGE_VERSION.test(tagName)) {
    packageVersion = derivePackageVersion(tagName)
    if (generic) {
      warnings.push(
        `Tag ${quote(tagName)} is not a valid GitLab generic package version, so the files go to package version ${quote(packageVersion)}; set package_version to choose another.`,
      )
    }
  }

  readEnum('sign')
  const evidence = readBoolean('evidence')
  const signingFindings = readSigning(env, {
    system,
    giteaActions,
    evidence,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  problems.push(...signingFindings.problems)
  warnings.push(...signingFindings.warnings)
  notices.push(...signingFindings.notices)

  const workingDirectory =
    options.cwd ??
    readVariable(env, 'GITHUB_WORKSPACE') ??
    readVariable(env, 'CI_PROJECT_DIR') ??
    '.'
  const settings = {
    platform,
    apiUrl: apiUrl?.href.replace(/\/+$/, ''),
    project,
    token: tokenFound,
    tokenType,
    tagName,
    ...(ref === undefined ? {} : { ref }),
    refGivenExplicitly: refInput !== undefined,
    ...optional('tagMessage', given('tag_message')),
    name: given('name') ?? tagName,
    ...optional('description', description),
    ...optional('descriptionFile', descriptionFile),
    ...optional('milestones', milestones),
    ...optional('releasedAt', releasedAt),
    assets,
    assetLinks,
    assetLinkType,
    uploadTo,
    packageName,
    packageVersion,
    ifReleaseExists: readEnum('if_release_exists'),
    ifAssetExists: readEnum('if_asset_exists'),
    failOnUnmatchedAssets: readBoolean('fail_on_unmatched_assets'),
    followSymlinks: readEnum('follow_symlinks'),
    evidence,
    checksums: readBoolean('checksums'),
    draft: readBoolean('draft'),
    prerelease: readBoolean('prerelease'),
    makeLatest: readEnum('make_latest'),
    generateNotes: readBoolean('generate_notes'),
    labels,
    verify: VERIFY_MODES[readEnum('verify')],
    ...optional(
      'caFile',
      given('ca_file') ??
        (system === 'gitlab-ci' ? readVariable(env, 'CI_SERVER_TLS_CA_FILE') : undefined),
    ),
    dryRun: readBoolean('dry_run'),
    maxParallelUploads: readInteger('max_parallel_uploads'),
    maxWritesPerMinute: readInteger('max_writes_per_minute'),
    retries: readInteger('retries'),
    timeoutSeconds: readInteger('timeout_seconds'),
    ...optional(
      'outputsFile',
      given('outputs_file') ?? (system === 'gitlab-ci' ? 'release.env' : undefined),
    ),
    workingDirectory,
    workspace:
      readVariable(env, 'GITHUB_WORKSPACE') ??
      readVariable(env, 'CI_PROJECT_DIR') ??
      workingDirectory,
    ci: readCiContext(env, system),
    ...optional('signing', signingFindings.signing),
    warnings,
    notices,
  }

  if (tokenType === 'job' && platform === 'gitlab' && uploadTo === 'project_uploads') {
    fail(
      'upload_to',
      'project_uploads does not accept the CI job token.',
      'Use upload_to: generic_package, or give a personal, project or group access token as token.',
    )
  }
  if (platform !== undefined) warnings.push(...inapplicableInputs(env, platform))
  warnings.push(
    ...unusedNotesWarning(platform, settings.generateNotes, settings.description, descriptionFile),
    ...descriptionPathWarning(description),
  )

  const { platform: p, apiUrl: a, project: pr, token: t, tagName: tg, name: n } = settings
  if (
    problems.length > 0 ||
    p === undefined ||
    a === undefined ||
    pr === undefined ||
    t === undefined ||
    tg === undefined ||
    n === undefined
  ) {
    // Every path that leaves a value unset has recorded why; the fallback only guards that.
    throw new InputErrors(
      problems.length > 0
        ? problems
        : [inputError('platform', 'cannot be determined.', 'Set platform and api_url.')],
    )
  }
  return { ...settings, platform: p, apiUrl: a, project: pr, token: t, tagName: tg, name: n }
}

/** The `verify` input's values, as the engine names them. */
const VERIFY_MODES: Readonly<Record<'true' | 'false' | 'full', VerifyMode>> = {
  true: 'standard',
  false: 'off',
  full: 'full',
}

function inputSpec<N extends InputName>(name: N): InputOf<N> {
  // The table is a constant, so the lookup cannot miss for a typed name.
  return INPUTS.find((input) => input.name === name) as InputOf<N>
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host)
}

function quote(text: string): string {
  return JSON.stringify(text)
}

/** Parses an API root: http(s), without credentials, query or fragment. */
function checkApiUrl(
  text: string,
  input: string,
  problems: ReleaseError[],
  variable?: string,
): URL | undefined {
  const source = variable === undefined ? '' : ` (from ${variable})`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    problems.push(
      inputError(
        input,
        `${quote(text)}${source} is not a URL.`,
        'Give the full API root, for example https://gitlab.example.com/api/v4.',
      ),
    )
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(
      inputError(
        input,
        `${quote(text)}${source} is not an http(s) URL.`,
        'Use an https:// (or http://) API root.',
      ),
    )
    return undefined
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(
      inputError(
        input,
        `contains credentials${source}.`,
        'Remove user:password@ from the URL and pass the token as token.',
      ),
    )
    return undefined
  }
  if (url.search !== '' || url.hash !== '') {
    problems.push(
      inputError(
        input,
        `${quote(url.origin + url.pathname)}${source} has a query or fragment.`,
        'Give only the API root, without ?… or #….',
      ),
    )
    return undefined
  }
  return url
}

function defaultApiUrl(
  env: Environment,
  platform: Platform,
  system: CiSystem,
): { value?: string; variable?: string } {
  if (platform === 'gongfeng') return { value: GONGFENG_API_URL }
  const giteaActions = isGiteaActions(env)
  if (platform === 'github') {
    // Under Forgejo or Gitea Actions, GITHUB_API_URL is their server's, not GitHub's.
    const fromCi =
      system === 'github-actions' && !giteaActions ? readVariable(env, 'GITHUB_API_URL') : undefined
    return fromCi === undefined
      ? { value: GITHUB_API_URL }
      : { value: fromCi, variable: 'GITHUB_API_URL' }
  }
  if (platform === 'gitea') {
    if (!giteaActions) return {}
    const fromCi = readVariable(env, 'GITHUB_API_URL')
    if (fromCi !== undefined) return { value: fromCi, variable: 'GITHUB_API_URL' }
    const server = readVariable(env, 'GITHUB_SERVER_URL')
    return server === undefined
      ? {}
      : { value: `${server.replace(/\/+$/, '')}/api/v1`, variable: 'GITHUB_SERVER_URL' }
  }
  if (system !== 'gitlab-ci') return {}
  const fromCi = readVariable(env, 'CI_API_V4_URL')
  if (fromCi !== undefined) return { value: fromCi, variable: 'CI_API_V4_URL' }
  const server = readVariable(env, 'CI_SERVER_URL')
  return server === undefined
    ? {}
    : { value: `${server.replace(/\/+$/, '')}/api/v4`, variable: 'CI_SERVER_URL' }
}

/** Origin of the API the running CI system belongs to, when it matches the platform. */
function ciApiOrigin(
  env: Environment,
  system: CiSystem,
  platform: Platform | undefined,
): string | undefined {
  const giteaActions = isGiteaActions(env)
  const text =
    system === 'gitlab-ci' && platform === 'gitlab'
      ? (readVariable(env, 'CI_API_V4_URL') ?? readVariable(env, 'CI_SERVER_URL'))
      : system === 'github-actions' && platform === 'github' && !giteaActions
        ? (readVariable(env, 'GITHUB_API_URL') ?? GITHUB_API_URL)
        : system === 'github-actions' && platform === 'gitea' && giteaActions
          ? (readVariable(env, 'GITHUB_API_URL') ?? readVariable(env, 'GITHUB_SERVER_URL'))
          : undefined
  if (text === undefined) return undefined
  try {
    return new URL(text).origin
  } catch {
    return undefined
  }
}

/** Token from the input, else from the platform's usual variables (CI ones only for the CI's own server). */
function findToken(
  env: Environment,
  platform: Platform,
  system: CiSystem,
  ciServesApi: boolean,
): string | undefined {
  const input = readInput(env, 'token')?.value
  if (input !== undefined) return input
  const variables =
    platform === 'gitlab'
      ? ['GITLAB_TOKEN', ...(ciServesApi ? ['CI_JOB_TOKEN'] : [])]
      : platform === 'github'
        ? [...(system !== 'github-actions' || ciServesApi ? ['GITHUB_TOKEN'] : []), 'GH_TOKEN']
        : platform === 'gitea'
          ? // GITHUB_TOKEN only from the Forgejo/Gitea job of this very server: elsewhere it is
            // GitHub's.
            ['GITEA_TOKEN', 'FORGEJO_TOKEN', ...(ciServesApi ? ['GITHUB_TOKEN'] : [])]
          : ['GONGFENG_TOKEN']
  for (const variable of variables) {
    const value = readVariable(env, variable)
    if (value !== undefined) return value
  }
  return undefined
}

function tokenHint(platform: Platform): string {
  if (platform === 'gitlab') {
    return 'Set token (or FORGE_RELEASE_TOKEN / GITLAB_TOKEN) to an access token with the api scope; in GitLab CI, CI_JOB_TOKEN is used by default.'
  }
  if (platform === 'github') {
    return 'Pass token: ${{ github.token }} (or set GITHUB_TOKEN / GH_TOKEN) with contents: write permission.'
  }
  if (platform === 'gitea') {
    return 'Set token (or GITEA_TOKEN / FORGEJO_TOKEN) to an access token with the write:repository scope; in Forgejo and Gitea Actions, token: ${{ github.token }} is the default.'
  }
  return 'Set token (or FORGE_RELEASE_TOKEN / GONGFENG_TOKEN) to a Gongfeng personal access token.'
}

function projectHint(platform: Platform): string {
  if (platform === 'github' || platform === 'gitea') {
    return 'Set project to owner/repo; GitHub, Forgejo and Gitea Actions provide GITHUB_REPOSITORY.'
  }
  const ci = platform === 'gitlab' ? '; GitLab CI provides CI_PROJECT_ID' : ''
  return `Set project to the numeric project id or its full path (group/subgroup/name)${ci}.`
}

function checkProject(project: string, platform: Platform): string | undefined {
  if (/\s/.test(project) || project.includes('://')) {
    return 'is not a project id or path.'
  }
  const segments = project.split('/')
  if (segments.some((s) => s === ''))
    return "has an empty path segment (leading, trailing or double '/')."
  if (platform === 'github' || platform === 'gitea')
    return segments.length === 2 ? undefined : 'is not of the form owner/repo.'
  if (segments.length === 1 && !/^\d+$/.test(project)) {
    return 'is neither a numeric id nor a full path with its namespace (group/name).'
  }
  return undefined
}

function tagHint(env: Environment, system: CiSystem): string {
  const base = 'Set tag_name, or run the job in a tag pipeline'
  if (system === 'gitlab-ci') return `${base} (CI_COMMIT_TAG is not set).`
  if (system === 'github-actions') {
    const ref = readVariable(env, 'GITHUB_REF')
    return `${base} (on: push: tags); GITHUB_REF is ${ref === undefined ? 'not set' : quote(ref)}.`
  }
  return `${base}.`
}

/**
 * `milestones`: undefined leaves the release's milestones alone; `[]` (given explicitly)
 * clears them. An empty value is "not given", because GitHub Actions passes '' for omitted inputs.
 */
function readMilestones(env: Environment, problems: ReleaseError[]): string[] | undefined {
  const value = readInput(env, 'milestones')?.value
  if (value === '[]') return []
  return readList(value, 'milestones', problems)
}

/** A comma- or newline-separated list; blank lines are skipped, empty items are an error. */
function readList(
  value: string | undefined,
  input: string,
  problems: ReleaseError[],
): string[] | undefined {
  if (value === undefined) return undefined
  if (value === '[]') return []
  const items: string[] = []
  let empty = false
  for (const line of value.split(/\r?\n/)) {
    if (line.trim() === '') continue
    for (const item of line.split(',')) {
      const trimmed = item.trim()
      if (trimmed === '') empty = true
      else if (!items.includes(trimmed)) items.push(trimmed)
    }
  }
  if (empty) {
    problems.push(
      inputError(
        input,
        `${quote(value)} has an empty item.`,
        'Separate items with single commas or new lines, without a trailing comma.',
      ),
    )
  }
  return items
}

/** The tag made into a valid generic package version: runs of other characters become '-'. */
function derivePackageVersion(tag: string): string {
  const version = tag.replace(/[^\w+.-]+/g, '-').replace(/\.{2,}/g, '.')
  return PACKAGE_VERSION.test(version) ? version : 'release'
}

/**
 * generate_notes next to a description does nothing: GitHub writes notes only for a release
 * without one. softprops/action-gh-release and ncipollo/release-action put the body above the
 * notes, so their users would miss the notes without a word.
 */
function unusedNotesWarning(
  platform: Platform | undefined,
  generateNotes: boolean,
  description: string | undefined,
  descriptionFile: string | undefined,
): string[] {
  if (platform !== 'github' || !generateNotes) return []
  if (description === undefined && descriptionFile === undefined) return []
  return [
    'generate_notes has no effect: a description is given, and GitHub writes release notes only for a release without one. Remove description (or description_file) to get them.',
  ]
}

/**
 * release-cli and the `release:` keyword of .gitlab-ci.yml read a file when `description` is
 * the path of one; here it is the text itself. A description that is nothing but a file name
 * was meant as a file, so it gets a warning rather than becoming the release notes silently.
 */
function descriptionPathWarning(description: string | undefined): string[] {
  if (description === undefined || !/^[^\s]+\.(md|markdown|txt)$/i.test(description)) return []
  return [
    `description is ${quote(description)}, which is used as the text of the release notes. To use the file's content, give it as description_file.`,
  ]
}

/** Warnings for inputs given a non-default value that the chosen platform ignores. */
function inapplicableInputs(env: Environment, platform: Platform): string[] {
  const warnings: string[] = []
  for (const input of INPUTS) {
    if (!('platforms' in input)) continue
    const platforms: readonly Platform[] = input.platforms
    if (platforms.includes(platform)) continue
    const value = readInput(env, input.name)?.value
    const defaultValue = 'default' in input ? input.default : undefined
    if (value === undefined || value === defaultValue) continue
    const names = platforms.map((p) => PLATFORM_NAMES[p])
    const where =
      names.length > 1
        ? `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`
        : names.join('')
    warnings.push(
      `Input '${input.name}' applies only to ${where}; it is ignored when publishing to ${PLATFORM_NAMES[platform]}.`,
    )
  }
  return warnings
}
