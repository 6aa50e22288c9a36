import path from 'node:path'

import {
  createForge,
  credentialHeaders,
  credentialOrigins,
  writeWindowsFor,
} from './create-forge.js'
import { publish } from './engine/publish.js'
import { RecoveryWaits, sleepFor } from './engine/recovery-waits.js'
import type { Forge } from './forges/forge.js'
import { createTransport } from './http/transport.js'
import type { Transport } from './http/types.js'
import { createIdentityProvider } from './runtime/identity-token.js'
import type { Runtime } from './runtime/runtime.js'
import { registerSecret } from './secrets.js'
import { readSettings } from './settings/read-settings.js'
import {
  IDENTITY_SECRET_VARIABLES,
  PUBLIC_FULCIO_URL,
  PUBLIC_REKOR_URL,
} from './settings/read-signing.js'
import type { Settings } from './settings/settings.js'
import type { StatementSigner } from './signing/statement-signer.js'
import { applyStoredNames, preparePlan } from './steps/prepare-plan.js'
import { reportResult, type RunResult } from './steps/report.js'
import { plural } from './plural.js'

export const VERSION = '0.1.0'

/** Environment variables that may hold a token; all are redacted before anything is printed. */
const TOKEN_VARIABLES = [
  'INPUT_TOKEN',
  'FORGE_RELEASE_TOKEN',
  'CI_JOB_TOKEN',
  'GITLAB_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GONGFENG_TOKEN',
  'GITEA_TOKEN',
  'FORGEJO_TOKEN',
  ...IDENTITY_SECRET_VARIABLES,
]

export interface RunDependencies {
  readonly runtime: Runtime
  /** Replaces the forge adapter (orchestration tests use an in-memory forge). */
  readonly forge?: (settings: Settings, transport: Transport) => Forge | Promise<Forge>
  readonly now?: () => Date
  readonly sleep?: (ms: number) => Promise<void>
  /** Epoch ms for the transport's waits; tests pair it with `sleep` to run in virtual time. */
  readonly clock?: () => number
}

/** The SPEC's six steps, in order, one log group each. */
export async function run(deps: RunDependencies): Promise<RunResult> {
  const { runtime } = deps
  const log = runtime.log
  const sleep = deps.sleep ?? sleepFor
  // 1. Inputs. Everything printed passes through redact(); the tokens are not announced with
  // ::add-mask::, which would itself put them on stdout.
  for (const name of TOKEN_VARIABLES) registerSecret(runtime.env[name])
  const now = deps.now ?? (() => new Date())
  const settings = await log.group('Reading inputs', () =>
    Promise.resolve(readInputs(runtime, now())),
  )
  const transport = openTransport(settings, runtime, sleep, deps.clock, true)
  // Fulcio, Rekor and the CI's OIDC provider get a transport of their own, without the forge
  // token: it can reach no other host even where one shares the API's origin.
  const signingTransport =
    settings.signing === undefined
      ? undefined
      : openTransport(settings, runtime, sleep, deps.clock, false)
  try {
    const forge = await (deps.forge?.(settings, transport) ?? createForge(settings, transport, log))
    // 2. Assets and the plan, every input problem found before any request.
    const plan = await log.group('Planning the release', async () => {
      const result = applyStoredNames(
        await preparePlan(settings, forge.rules, log),
        (name) => forge.storedName(name),
        log,
      )
      log.info(`${plural(result.files.length, 'file')} to publish`)
      for (const file of result.files) log.info(`  ${file.name}  ${plural(file.size, 'byte')}`)
      return result
    })
    const signer =
      signingTransport === undefined
        ? undefined
        : await createSigner(settings, runtime, signingTransport)
    // 3–5. Tag and release, files and links, evidence: one step list, one executor.
    const outDir = path.join(settings.workingDirectory, '.forge-release')
    const outcome = await publish({
      forge,
      plan,
      log,
      waits: new RecoveryWaits({ retries: settings.retries, log, sleep }),
      checksums: settings.checksums,
      evidence: settings.evidence,
      verify: settings.verify,
      draft: settings.draft,
      dryRun: settings.dryRun,
      maxParallel: settings.maxParallelUploads,
      progressIntervalMs: runtime.progressIntervalMs,
      ci: settings.ci,
      outDir,
      now,
      ...(signer === undefined ? {} : { signer }),
    })
    if (outcome.kind === 'dry-run') {
      return { outputs: {}, plannedRequests: outcome.requests, plannedSteps: outcome.steps }
    }
    // 6. Outputs.
    return await reportResult(runtime, settings, { ...outcome, outDir })
  } finally {
    await transport.close()
    await signingTransport?.close()
  }
}

function readInputs(runtime: Runtime, now: Date): Settings {
  const settings = readSettings(runtime.env, { cwd: runtime.cwd, now })
  registerSecret(settings.token)
  for (const notice of settings.notices) runtime.log.info(notice)
  for (const warning of settings.warnings) runtime.log.warn(warning)
  runtime.log.info(
    `Publishing ${settings.tagName} to ${settings.platform} project ${settings.project} (${settings.apiUrl})`,
  )
  return settings
}

/**
 * The signer, built before any request: a trusted_root that cannot be read is an input error
 * now, not after the release was written.
 */
async function createSigner(
  settings: Settings,
  runtime: Runtime,
  http: Transport,
): Promise<StatementSigner | undefined> {
  const { signing } = settings
  if (signing === undefined) return undefined
  // The Sigstore libraries are a third of the bundle: only a run that signs evaluates them.
  const [{ createSigstoreSigner }, { readTrustedRootFile }, { trustMaterialOf }] =
    await Promise.all([
      import(/* webpackMode: "eager" */ './signing/sigstore-signer.js'),
      import(/* webpackMode: "eager" */ './signing/trusted-root.js'),
      import(/* webpackMode: "eager" */ './signing/verify-bundle.js'),
    ])
  const trust =
    signing.trustedRoot === undefined
      ? undefined
      : trustMaterialOf(await readTrustedRootFile(path.resolve(runtime.cwd, signing.trustedRoot)))
  const identity = createIdentityProvider(signing.identity, http)
  runtime.log.info(
    `Signing the evidence with Sigstore (Fulcio ${signing.fulcioUrl}, Rekor ${signing.rekorUrl})`,
  )
  return createSigstoreSigner({
    http,
    fulcioUrl: signing.fulcioUrl,
    rekorUrl: signing.rekorUrl,
    identity,
    required: signing.required,
    publicInstance:
      signing.fulcioUrl === PUBLIC_FULCIO_URL || signing.rekorUrl === PUBLIC_REKOR_URL,
    ...(trust === undefined ? {} : { trust }),
  })
}

function openTransport(
  settings: Settings,
  runtime: Runtime,
  sleep: (ms: number) => Promise<void>,
  now: (() => number) | undefined,
  /** The forge's transport: its token, and the forge's write limits. */
  forForge: boolean,
): Transport {
  const log = runtime.log
  return createTransport({
    ...(forForge
      ? {
          credentials: {
            headers: credentialHeaders(settings),
            origins: credentialOrigins(settings),
          },
        }
      : {}),
    retries: settings.retries,
    timeoutMs: settings.timeoutSeconds * 1000,
    ...(settings.caFile === undefined ? {} : { caFile: settings.caFile }),
    // Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and NODE_EXTRA_CA_CERTS come from the runtime's
    // environment like every other setting, not from process.env behind its back.
    env: runtime.env,
    userAgent: `forge-release/${VERSION}`,
    connections: Math.max(8, settings.maxParallelUploads * 2),
    sleep,
    ...(now === undefined ? {} : { now }),
    writeWindows: forForge ? writeWindowsFor(settings) : [],
    onPace: (message, waitMs) => {
      // Short waits are routine pacing; a long one deserves a line of its own.
      const line = `Waiting ${(waitMs / 1000).toFixed(1)} s before the next request: ${message}`
      if (waitMs >= 1000) log.info(line)
      else log.debug(line)
    },
    onRetry: ({ label, attempt, delayMs, reason }) =>
      log.warn(
        `Retrying ${label} in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}): ${reason}`,
      ),
    debug: (message) => log.debug(message),
  })
}
