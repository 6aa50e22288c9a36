import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { createReaderForge } from '../create-forge.js'
import { ReleaseError, describeError } from '../errors.js'
import { createTransport } from '../http/transport.js'
import type { Transport } from '../http/types.js'
import { redact, registerSecret } from '../secrets.js'
import { describeIdentity } from '../signing/identity-policy.js'
import { fetchPublicTrustedRoot, readTrustedRootFile } from '../signing/trusted-root.js'
import { trustMaterialOf, type TrustMaterial } from '../signing/verify-bundle.js'
import {
  VERIFY_FLAG_NAMES,
  readVerifyRequest,
  type VerifyFlags,
  type VerifyRequest,
} from '../verify-release/read-verify-request.js'
import { verifyRelease, type VerifyReport } from '../verify-release/verify-release.js'
import { renderJsonError } from './render-json.js'
import { wrapText } from './wrap-text.js'
import type { CommandLineIo } from './run-command-line.js'
import { pickRuntime } from './run-command-line.js'

const EXIT_VERIFIED = 0
const EXIT_NOT_VERIFIED = 1
const EXIT_USAGE = 2

/**
 * `forge-release verify <release URL> [file...]`, or `--platform/--api_url/--project/--tag_name`:
 * for people who downloaded a release. Exits 0 only when every check holds.
 */
export async function runVerifyCommand(
  io: CommandLineIo,
  argv: readonly string[],
  version: string,
): Promise<number> {
  const parsed = parseVerifyArguments(argv)
  if (parsed.kind === 'help') {
    io.stdout(renderVerifyHelp(version, io.columns()))
    return EXIT_VERIFIED
  }
  if (parsed.kind === 'usage-error') {
    io.stderr(
      `forge-release verify: ${parsed.message}\nRun 'forge-release verify --help' to see every flag.\n`,
    )
    return EXIT_USAGE
  }
  const request = readVerifyRequest(parsed.flags, parsed.positionals, io.env)
  if ('problems' in request) {
    io.stderr(`forge-release verify: ${request.problems.join('\n  ')}\n`)
    return EXIT_USAGE
  }
  registerSecret(request.token)
  const runtime = pickRuntime(io.env, io, parsed.json)
  const http = openTransport(request, io)
  try {
    const trust = await loadTrust(request, http, io)
    const forge = await createReaderForge(
      { ...request.address, token: request.token },
      http,
      runtime.log,
    )
    const report = await verifyRelease({
      address: request.address,
      forge,
      trust,
      signer: request.signer,
      localFiles: request.files.map((file) => path.resolve(io.cwd ?? process.cwd(), file)),
      log: runtime.log,
    })
    io.stdout(parsed.json ? renderJsonReport(report) : renderReport(report))
    return report.ok ? EXIT_VERIFIED : EXIT_NOT_VERIFIED
  } catch (error) {
    if (!(error instanceof ReleaseError) && error instanceof Error && error.stack !== undefined) {
      runtime.log.debug(error.stack)
    }
    runtime.reportFailure(describeError(error))
    if (parsed.json) io.stdout(renderJsonError(error))
    return EXIT_NOT_VERIFIED
  } finally {
    await http.close()
  }
}

type ParsedVerify =
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string }
  | {
      readonly kind: 'verify'
      readonly flags: VerifyFlags
      readonly positionals: readonly string[]
      readonly json: boolean
    }

export function parseVerifyArguments(argv: readonly string[]): ParsedVerify {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
  }
  for (const name of VERIFY_FLAG_NAMES) {
    options[name] = { type: 'string' }
    options[name.replace(/_/g, '-')] = { type: 'string' }
  }
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  if (tokens.some((t) => t.kind === 'option' && (t.name === 'help' || t.name === 'h'))) {
    return { kind: 'help' }
  }
  const flags: Record<string, string> = {}
  const positionals: string[] = []
  let json = false
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue
    if (token.kind === 'positional') {
      positionals.push(token.value)
      continue
    }
    if (token.name === 'json') {
      json = true
      continue
    }
    const name = token.name.replace(/-/g, '_')
    if (!(VERIFY_FLAG_NAMES as readonly string[]).includes(name)) {
      return { kind: 'usage-error', message: `unknown flag ${token.rawName}` }
    }
    if (token.value === undefined || (token.inlineValue !== true && token.value.startsWith('--'))) {
      return { kind: 'usage-error', message: `${token.rawName} needs a value` }
    }
    if (flags[name] !== undefined) {
      return { kind: 'usage-error', message: `${token.rawName} is given more than once` }
    }
    flags[name] = token.value
  }
  return { kind: 'verify', flags, positionals, json }
}

function openTransport(request: VerifyRequest, io: CommandLineIo): Transport {
  const origin = new URL(request.address.apiUrl).origin
  const headers: Record<string, string> =
    request.token === ''
      ? {}
      : request.tokenType === 'bearer'
        ? { Authorization: `Bearer ${request.token}` }
        : request.tokenType === 'job'
          ? { 'JOB-TOKEN': request.token }
          : { 'PRIVATE-TOKEN': request.token }
  return createTransport({
    ...(request.token === '' ? {} : { credentials: { headers, origins: [origin] } }),
    retries: 5,
    timeoutMs: 600_000,
    ...(request.caFile === undefined ? {} : { caFile: request.caFile }),
    env: io.env,
    userAgent: 'forge-release-verify',
  })
}

/** The given trusted root, or the public instance's through TUF (cached between runs). */
async function loadTrust(
  request: VerifyRequest,
  http: Transport,
  io: CommandLineIo,
): Promise<TrustMaterial> {
  if (request.trustedRoot !== undefined) {
    return trustMaterialOf(
      await readTrustedRootFile(path.resolve(io.cwd ?? process.cwd(), request.trustedRoot)),
    )
  }
  const cacheHome =
    io.env.XDG_CACHE_HOME ??
    (io.env.HOME === undefined ? os.tmpdir() : path.join(io.env.HOME, '.cache'))
  return trustMaterialOf(
    await fetchPublicTrustedRoot(http, path.join(cacheHome, 'forge-release', 'tuf')),
  )
}

export function renderReport(report: VerifyReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length), 0)
  const lines = [
    `Release ${report.release}`,
    `Expected signer: ${report.expectedSigner}`,
    ...(report.signer === undefined ? [] : [`Signed by: ${describeIdentity(report.signer)}`]),
    ...report.checks.map(
      (check) => `${check.ok ? 'OK  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`,
    ),
  ]
  const failed = report.checks.filter((c) => !c.ok).length
  lines.push(
    report.ok
      ? `Verified: every file is the one its signed statements name, signed by the expected identity.`
      : `NOT VERIFIED: ${failed === 0 ? 'nothing was checked' : `${failed} of ${report.checks.length} checks failed`}.`,
  )
  return redact(`${lines.join('\n')}\n`)
}

function renderJsonReport(report: VerifyReport): string {
  return redact(
    `${JSON.stringify(
      {
        ok: report.ok,
        release: report.release,
        expected_signer: report.expectedSigner,
        ...(report.signer === undefined
          ? {}
          : {
              signer: {
                identity: report.signer.subject,
                ...(report.signer.issuer === undefined ? {} : { issuer: report.signer.issuer }),
              },
            }),
        checks: report.checks,
      },
      null,
      2,
    )}\n`,
  )
}

export function renderVerifyHelp(version: string, columns: number): string {
  const width = Math.min(Math.max(columns, 60), 120)
  const paragraph = (text: string, indent = ''): string[] => wrapText(text, width, indent)
  const flag = (name: string, text: string): string[] => [`  ${name}`, ...paragraph(text, '      ')]
  return [
    ...paragraph(
      `forge-release ${version} verify: check that a release's files are the ones its CI signed.`,
    ),
    '',
    'Usage:',
    '  forge-release verify <release page URL> [file...] [flags]',
    '  forge-release verify --platform <p> --api_url <url> \\',
    '    --project <path> --tag_name <tag> [file...]',
    '',
    ...paragraph(
      "Without files, every file of the release is downloaded and checked; with files (the ones you downloaded), those are checked. Each file's sha256 must be the one SHA256SUMS and both signed statements (release-evidence.intoto.json, provenance.intoto.json) give; each statement must be exactly what its Sigstore bundle (<statement>.sigstore.json) signs; each bundle must verify against the Sigstore trusted root (certificate chain to Fulcio, Rekor inclusion proof and signed entry timestamp) and be signed by the expected identity. Statements, bundles and SHA256SUMS given as files are used instead of the release's.",
    ),
    '',
    'Flags:',
    ...flag(
      '--platform <gitlab|gongfeng|github|gitea|forgejo>',
      "The forge, when the URL does not tell (a Forgejo or Gitea release page looks like GitHub's).",
    ),
    ...flag('--api_url <url>', 'API root, when it is not the one the release page implies.'),
    ...flag('--project <path>', 'Project path or id (owner/repo on GitHub).'),
    ...flag('--tag_name <tag>', "The release's tag."),
    ...flag(
      '--token <token>',
      'For private projects; prefer FORGE_RELEASE_TOKEN (or GITLAB_TOKEN, GITHUB_TOKEN, GH_TOKEN, GONGFENG_TOKEN, GITEA_TOKEN, FORGEJO_TOKEN).',
    ),
    ...flag('--token_type <auto|private|job|bearer>', 'How the token is sent (as for publishing).'),
    ...flag('--ca_file <path>', 'PEM bundle to trust besides the system CAs.'),
    ...flag(
      '--trusted_root <path>',
      "Sigstore trusted_root.json of a private deployment. Default: the public instance's, through Sigstore's TUF repository.",
    ),
    ...flag(
      '--certificate_identity <uri>',
      "The exact signer (the certificate's subject alternative name).",
    ),
    ...flag(
      '--certificate_identity_regexp <regexp>',
      "A pattern the signer must match. Default: the release's own project CI — on GitHub ^https://github.com/<owner>/<repo>/ (a workflow of the repository), on GitLab ^https://<host>/<project>// (its CI configuration); Gongfeng, Forgejo and Gitea have none: name the signer.",
    ),
    ...flag(
      '--certificate_oidc_issuer <url>',
      "The OIDC issuer the certificate must name. Default: GitHub Actions' (https://token.actions.githubusercontent.com on github.com), or the GitLab instance.",
    ),
    ...flag('--json', 'Print the report as JSON on stdout.'),
    '',
    'Exit status:',
    '  0  every check holds',
    '  1  a check failed, or the release could not be read',
    '  2  usage error',
    '',
    'Example:',
    '  forge-release verify https://github.com/octo/app/releases/tag/v1.2.0',
    '  forge-release verify https://gitlab.com/group/app/-/releases/v1.2.0 app-linux.tar.gz',
    '',
  ].join('\n')
}
