import path from 'node:path'

import { ReleaseError } from './errors.js'
import { createForge, credentialHeaders, credentialOrigins } from './forges/create-forge.js'
import type { Forge, LinkSpec, RemoteAsset, RemoteRelease } from './forges/forge.js'
import { createTransport } from './http/transport.js'
import type { Transport } from './http/types.js'
import { changedFields, filesToHashFirst, reconcile } from './plan/reconcile.js'
import type { LocalFile } from './assets/local-file.js'
import type { PlannedFile, ReleasePlan } from './plan/release-plan.js'
import type { Runtime } from './runtime/runtime.js'
import { registerSecret } from './secrets.js'
import { readSettings } from './settings/read-settings.js'
import type { Settings } from './settings/settings.js'
import { publishDerivedAssets } from './steps/derived-assets.js'
import { DERIVED_NAMES } from './steps/derived-names.js'
import { linkAssets, linkForExternal, linkForStoredAsset, linksOf } from './steps/link-assets.js'
import { applyStoredNames, preparePlan } from './steps/prepare-plan.js'
import { addShasFromChecksums } from './steps/read-remote.js'
import { reportResult, type PublishedAsset, type RunResult } from './steps/report.js'
import { toUploadFile, uploadAssets, withHashes } from './steps/upload-assets.js'
import { verifyAssets } from './steps/verify-assets.js'

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
]

export interface RunDependencies {
  readonly runtime: Runtime
  /** Replaces the forge adapter (orchestration tests use an in-memory forge). */
  readonly forge?: (settings: Settings, transport: Transport) => Forge
  readonly now?: () => Date
  readonly sleep?: (ms: number) => Promise<void>
}

/** The SPEC's six steps, in order, one log group each. */
export async function run(deps: RunDependencies): Promise<RunResult> {
  const { runtime } = deps
  const log = runtime.log
  const now = deps.now ?? (() => new Date())
  const sleep =
    deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  // Everything printed passes through redact(). The tokens are not announced with GitHub's
  // ::add-mask:: because that command itself would put them on stdout; GitHub masks secrets
  // and github.token in its logs on its own.
  for (const name of TOKEN_VARIABLES) registerSecret(runtime.env[name])

  const settings = await log.group('Reading inputs', () => {
    const result = readSettings(runtime.env, { cwd: runtime.cwd })
    registerSecret(result.token)
    for (const notice of result.notices) log.info(notice)
    for (const warning of result.warnings) log.warn(warning)
    log.info(
      `Publishing ${result.tagName} to ${result.platform} project ${result.project} (${result.apiUrl})`,
    )
    return Promise.resolve(result)
  })

  const transport = createTransport({
    credentials: {
      headers: credentialHeaders(settings),
      origins: credentialOrigins(settings),
    },
    retries: settings.retries,
    timeoutMs: settings.timeoutSeconds * 1000,
    ...(settings.caFile === undefined ? {} : { caFile: settings.caFile }),
    // Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and NODE_EXTRA_CA_CERTS come from the runtime's
    // environment like every other setting, not from process.env behind its back.
    env: runtime.env,
    userAgent: `forge-release/${VERSION}`,
    connections: Math.max(8, settings.maxParallelUploads * 2),
    sleep,
    onRetry: ({ label, attempt, delayMs, reason }) =>
      log.warn(
        `Retrying ${label} in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}): ${reason}`,
      ),
    debug: (message) => log.debug(message),
  })
  try {
    const forge =
      deps.forge?.(settings, transport) ?? createForge(settings, transport, log, { sleep })
    const plan = await log.group('Planning the release', async () => {
      const result = applyStoredNames(
        await preparePlan(settings, log),
        (name) => forge.storedName(name),
        log,
      )
      log.info(`${result.files.length} file${result.files.length === 1 ? '' : 's'} to publish`)
      for (const file of result.files) log.info(`  ${file.name}  ${file.size} bytes`)
      return result
    })
    return await publish(settings, plan, forge, runtime, now, sleep)
  } finally {
    await transport.close()
  }
}

async function publish(
  settings: Settings,
  plan: ReleasePlan<LocalFile>,
  forge: Forge,
  runtime: Runtime,
  now: () => Date,
  sleep: (ms: number) => Promise<void>,
): Promise<RunResult> {
  const log = runtime.log
  const outDir = path.join(settings.workingDirectory, '.forge-release')
  const { tagName } = plan.fields

  const state = await log.group(`Ensuring release ${tagName}`, async () => {
    await forge.connect()
    const existing = await forge.findRelease(tagName)
    let createFirst = false
    if (existing === undefined) {
      const tag = await forge.findTag(tagName)
      if (tag.state === 'missing' && plan.fields.ref === undefined) {
        throw new ReleaseError({
          code: 'TAG_MISSING',
          input: 'ref',
          message: `Tag '${tagName}' does not exist and no ref was given to create it from.`,
          hint: "Set 'ref' to the commit, branch or tag to create the tag from, or push the tag first.",
        })
      }
      if (tag.state === 'exists') warnOnOtherCommit(plan, tag.commitSha, log)
      // Without a ref and without a way to see tags, creating the release first is how we learn
      // whether the tag exists, before anything is uploaded.
      createFirst = tag.state === 'unknown' && plan.fields.ref === undefined
      log.info(`Release ${tagName} does not exist yet; it will be created`)
    } else {
      if (existing.commitSha !== undefined) warnOnOtherCommit(plan, existing.commitSha, log)
      log.info(`Release ${tagName} exists (${existing.webUrl})`)
    }
    const listed = await forge.listAssets(existing, tagName)
    const { assets: remote } = await addShasFromChecksums(forge, listed)
    // Only files the forge may already hold need their hash to be decided on; the others are
    // hashed from the bytes their upload reads.
    const hashedFirst = new Map(
      (await withHashes(filesToHashFirst(plan.files, remote))).map((f) => [f.name, f.sha256]),
    )
    const files = plan.files.map((f) => {
      const sha256 = hashedFirst.get(f.name)
      return sha256 === undefined ? f : { ...f, sha256 }
    })
    const decision = reconcile({ ...plan, files }, existing, remote)
    return { existing, remote, decision, createFirst, files }
  })

  const { existing, decision } = state
  if (decision.release.kind === 'skip' && existing !== undefined) {
    log.info(`Release ${tagName} exists and if_release_exists is 'skip': nothing to do`)
    return reportResult(runtime, settings, {
      release: existing,
      created: false,
      assets: publishedFrom(state.remote, await withHashes(state.files)),
      outDir,
    })
  }

  if (settings.dryRun) {
    return log.group('Dry run: requests that would be made', () => {
      const lines = describePlan(forge, plan, state)
      for (const line of lines) log.info(line)
      log.info(
        `Dry run: ${lines.length} write request${lines.length === 1 ? '' : 's'} planned; nothing was changed`,
      )
      return Promise.resolve({ outputs: {}, plannedRequests: lines })
    })
  }

  let release = existing
  let created = false
  // Writes this run made (files stored, links made or changed, the release created or
  // updated): a run that made none has published nothing, so there is nothing to verify.
  let writes = decision.assets.filter((d) => d.kind === 'upload' || d.kind === 'replace').length
  const releaseFields = {
    ...plan.fields,
    ...(forge.capabilities.draftUntilPublished ? { draft: true } : {}),
  }
  if (release === undefined && (forge.capabilities.releaseBeforeUpload || state.createFirst)) {
    const result = await log.group(`Creating release ${tagName}`, () =>
      forge.createRelease(releaseFields, []),
    )
    release = result.release
    created = result.created
  }

  const { stored, uploadedShas } = await log.group('Uploading assets', () =>
    uploadAssets(forge, release, decision.assets, {
      maxParallel: settings.maxParallelUploads,
      log,
      progressIntervalMs: runtime.progressIntervalMs,
    }),
  )

  const fileLinks: LinkSpec[] = forge.capabilities.separateLinks
    ? [
        ...plan.files.flatMap((file) => {
          const asset = stored.get(file.name)
          return asset === undefined
            ? []
            : [linkForStoredAsset(forge, asset, file.linkType, file.directAssetPath)]
        }),
        ...plan.externalLinks.map(linkForExternal),
      ]
    : []

  release = await log.group(`Writing release ${tagName}`, async () => {
    let current = release
    if (current === undefined) {
      const result = await forge.createRelease(releaseFields, fileLinks)
      created = result.created
      if (result.created) {
        log.info(`Created release ${tagName} with ${fileLinks.length} links`)
        return result.release
      }
      log.info(`Release ${tagName} was created by another job meanwhile; adding to it`)
      current = result.release
    }
    // The release may be older than this run, or another job's: bring its fields in line too.
    const changed = changedFields(plan, current)
    if (changed.length > 0) {
      log.info(`Updating ${changed.join(', ')} of release ${tagName}`)
      current = await forge.updateRelease(current, plan.fields)
      writes++
    } else if (existing !== undefined) {
      log.info(`Release ${tagName} already has the given name, description and milestones`)
    }
    if (forge.capabilities.separateLinks) {
      const assets = await forge.listAssets(current, tagName)
      const linked = await linkAssets(forge, current, fileLinks, linksOf(assets), log)
      writes += linked
      if (linked === 0) log.info('Every link is already in place')
    }
    return current
  })
  const publishedRelease: RemoteRelease = release
  const hashed: ReleasePlan = { ...plan, files: await withHashes(state.files, uploadedShas) }

  const linkDerived = async (
    asset: RemoteAsset,
    current: readonly RemoteAsset[],
  ): Promise<void> => {
    if (!forge.capabilities.separateLinks) return
    writes += await linkAssets(
      forge,
      publishedRelease,
      [linkForStoredAsset(forge, asset, 'other', undefined)],
      linksOf(current),
      log,
    )
  }

  const derived = await log.group('Collecting evidence', async () => {
    const result =
      settings.checksums || settings.evidence
        ? await publishDerivedAssets({
            forge,
            release: publishedRelease,
            plan: hashed,
            checksums: settings.checksums,
            evidence: settings.evidence,
            ci: settings.ci,
            outDir,
            log,
            now,
            sleep,
            afterStore: linkDerived,
            stored,
          })
        : { assets: [], uploads: 0 }
    let serverEvidenceSha: string | undefined
    if (settings.evidence && forge.capabilities.serverEvidence) {
      const changedSomething =
        created ||
        decision.release.kind === 'update' ||
        decision.assets.some((d) => d.kind === 'upload' || d.kind === 'replace')
      const hasEvidence = (publishedRelease.serverEvidenceShas ?? []).length > 0
      if (changedSomething || !hasEvidence) {
        const evidence = await forge.collectServerEvidence(publishedRelease)
        if (evidence.message !== undefined) log.warn(evidence.message)
        serverEvidenceSha = evidence.sha
      } else {
        serverEvidenceSha = publishedRelease.serverEvidenceShas?.[0]
        log.info('The release is unchanged; keeping the evidence GitLab already collected')
      }
    }
    return { ...result, serverEvidenceSha }
  })

  const everyAsset = derived.assets.length > 0 ? derived.assets : [...stored.values()]
  writes += derived.uploads + (created ? 1 : 0)
  if (settings.verify && writes === 0) {
    log.info(
      'Nothing was published by this run; its assets were verified by the run that published them',
    )
  } else if (settings.verify) {
    await log.group('Verifying assets', () => {
      const sizes = new Map(plan.files.map((f) => [f.name, f.size]))
      const expected = everyAsset
        .filter((a) => sizes.has(a.name) || DERIVED_NAMES.includes(a.name))
        .map((asset) => {
          const size = sizes.get(asset.name) ?? asset.size ?? 0
          if (!DERIVED_NAMES.includes(asset.name)) return { asset, size }
          // in a build matrix another job may rewrite SHA256SUMS and the
          // evidence after this one wrote them (GitHub and Gongfeng replace them under a new id
          // or after a delete); a failed check of a file replaced since is that job's to make.
          const replacedSince = async (): Promise<boolean> => {
            const now = (await forge.listAssets(publishedRelease, tagName)).find(
              (a) => a.name === asset.name && a.stored,
            )
            if (now === undefined) return true
            // A new version has a new id where the forge has ids; elsewhere only its size tells.
            return asset.handle === undefined
              ? now.size !== size
              : JSON.stringify(now.handle) !== JSON.stringify(asset.handle)
          }
          return { asset, size, replacedSince }
        })
      return verifyAssets(forge, publishedRelease, expected, log)
    })
  }

  let finalRelease = publishedRelease
  if (publishedRelease.draft && !settings.draft) {
    finalRelease = await log.group(`Publishing release ${tagName}`, () =>
      forge.publishRelease(publishedRelease, plan.fields),
    )
  }

  return reportResult(runtime, settings, {
    release: finalRelease,
    created,
    assets: publishedFrom(everyAsset, hashed.files),
    outDir,
    ...(derived.evidenceFile === undefined ? {} : { evidenceFile: derived.evidenceFile }),
    ...(derived.serverEvidenceSha !== undefined
      ? { evidenceSha: derived.serverEvidenceSha }
      : derived.evidenceSha === undefined
        ? {}
        : { evidenceSha: derived.evidenceSha }),
  })
}

function warnOnOtherCommit(
  plan: ReleasePlan<LocalFile>,
  commit: string,
  log: Runtime['log'],
): void {
  const ref = plan.fields.ref
  if (!plan.refGivenExplicitly || ref === undefined || !/^[0-9a-f]{7,64}$/i.test(ref)) return
  if (!commit.toLowerCase().startsWith(ref.toLowerCase())) {
    log.warn(
      `Tag ${plan.fields.tagName} already points at ${commit}, not at the given ref ${ref}; the release uses the tag's commit`,
    )
  }
}

function describePlan(
  forge: Forge,
  plan: ReleasePlan<LocalFile>,
  state: {
    existing: RemoteRelease | undefined
    decision: ReturnType<typeof reconcile>
    createFirst: boolean
  },
): string[] {
  const lines: string[] = []
  const { decision } = state
  const fields = plan.fields
  if (
    state.existing === undefined &&
    (forge.capabilities.releaseBeforeUpload || state.createFirst)
  ) {
    lines.push(...forge.describe({ kind: 'create-release', fields, links: [] }))
  }
  for (const asset of decision.assets) {
    if (asset.kind === 'upload' || asset.kind === 'replace') {
      lines.push(
        ...forge.describe({
          kind: 'upload',
          file: toUploadFile(asset.file),
          ...(asset.kind === 'replace' ? { replacing: asset.existing } : {}),
        }),
      )
    }
  }
  if (
    state.existing === undefined &&
    !forge.capabilities.releaseBeforeUpload &&
    !state.createFirst
  ) {
    lines.push(
      ...forge.describe({
        kind: 'create-release',
        fields,
        links: plan.externalLinks.map(linkForExternal),
      }),
    )
  } else if (decision.release.kind === 'update') {
    lines.push(...forge.describe({ kind: 'update-release', fields }))
  }
  if (
    forge.capabilities.draftUntilPublished &&
    state.existing === undefined &&
    plan.fields.draft !== true
  ) {
    lines.push(...forge.describe({ kind: 'publish-release' }))
  }
  return lines
}

function publishedFrom(
  assets: readonly RemoteAsset[],
  files: readonly PlannedFile[],
): PublishedAsset[] {
  const planned = new Map(files.map((f) => [f.name, f]))
  return assets
    .filter((a) => a.stored)
    .map((a) => {
      const local = planned.get(a.name)
      return {
        name: a.name,
        url: a.url,
        directAssetUrl: a.directAssetUrl ?? a.url,
        linkType: a.link?.linkType ?? local?.linkType ?? 'other',
        size: a.size ?? local?.size ?? 0,
        sha256: a.sha256 ?? local?.sha256 ?? '',
      }
    })
}
