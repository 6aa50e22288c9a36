import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

import type { PublishedAsset, PublishedBundle } from '../engine/publish.js'
import type { RemoteRelease } from '../forges/forge.js'
import type { Step } from '../plan/steps.js'
import { writeDotenv } from '../runtime/dotenv.js'
import type { OutputValues, Runtime } from '../runtime/runtime.js'
import type { Settings } from '../settings/settings.js'
import { CHECKSUMS_NAME, EVIDENCE_NAME, PROVENANCE_NAME } from '../plan/derived-names.js'
import { describeIdentity } from '../signing/identity-policy.js'
import { formatBytes } from '../assets/asset-size.js'

export type { PublishedAsset }

export interface ReportInput {
  readonly release: RemoteRelease
  readonly created: boolean
  readonly assets: readonly PublishedAsset[]
  readonly outDir: string
  readonly evidenceFile?: string
  readonly evidenceSha?: string
  readonly provenanceFile?: string
  readonly bundles?: readonly PublishedBundle[]
}

export interface RunResult {
  readonly outputs: OutputValues
  /** Set on a dry run: the write requests that would have been made, and no outputs. */
  readonly plannedRequests?: readonly string[]
  /** Set on a dry run: the step list the executor would have run. */
  readonly plannedSteps?: readonly Step[]
}

/** SPEC step 6: outputs for later steps, the dotenv report and the summary table. */
export async function reportResult(
  runtime: Runtime,
  settings: Settings,
  input: ReportInput,
): Promise<RunResult> {
  return runtime.log.group('Writing outputs', async () => {
    const assets = [...input.assets].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )
    const assetsJson = JSON.stringify(
      assets.map((a) => ({
        name: a.name,
        original_name: a.originalName,
        label: a.label,
        url: a.url,
        direct_asset_url: a.directAssetUrl,
        link_type: a.linkType,
        size: a.size,
        sha256: a.sha256,
      })),
    )
    await mkdir(input.outDir, { recursive: true })
    const assetsFile = path.join(input.outDir, 'assets.json')
    await writeFile(assetsFile, `${assetsJson}\n`)
    const checksums = assets.find((a) => a.name === CHECKSUMS_NAME)
    const outputs: Record<string, string> = {
      release_url: input.release.webUrl,
      tag_name: input.release.tagName,
      commit_sha: input.release.commitSha ?? '',
      created: String(input.created),
      assets: assetsJson,
      assets_file: assetsFile,
      evidence_file: input.evidenceFile ?? '',
      evidence_sha: input.evidenceSha ?? '',
      checksums_url: checksums?.url ?? '',
      provenance_file: input.provenanceFile ?? '',
      evidence_bundle_url: bundleOf(input, EVIDENCE_NAME)?.url ?? '',
      provenance_bundle_url: bundleOf(input, PROVENANCE_NAME)?.url ?? '',
      certificate_identity: signerOf(input)?.subject ?? '',
      certificate_oidc_issuer: signerOf(input)?.issuer ?? '',
    }
    if (settings.platform === 'github') {
      outputs.release_id = input.release.id ?? ''
      outputs.upload_url = input.release.uploadUrl ?? ''
    }
    await runtime.writeOutputs(outputs)
    if (settings.outputsFile !== undefined) {
      const file = path.resolve(settings.workingDirectory, settings.outputsFile)
      await writeDotenv(file, outputs, runtime.log)
      runtime.log.info(`Wrote the dotenv report ${settings.outputsFile}`)
    }
    await runtime.writeSummary(renderSummary(input, assets))
    return { outputs }
  })
}

function bundleOf(input: ReportInput, statement: string): PublishedBundle | undefined {
  return input.bundles?.find((b) => b.statement === statement)
}

/** The identity that signed the evidence (both statements are signed in the same run). */
function signerOf(input: ReportInput): PublishedBundle['identity'] {
  return (bundleOf(input, EVIDENCE_NAME) ?? input.bundles?.[0])?.identity
}

function renderSummary(input: ReportInput, assets: readonly PublishedAsset[]): string {
  const { release } = input
  const signer = signerOf(input)
  const lines = [
    `### Release ${escapeCell(release.name)} (${escapeCell(release.tagName)})`,
    '',
    `${input.created ? 'Created' : 'Updated'}: ${release.webUrl}`,
    '',
    '| asset | size | sha256 | link |',
    '|---|---:|---|---|',
    ...assets.map(
      (a) =>
        `| ${escapeCell(a.name)} | ${formatBytes(a.size)} | \`${a.sha256.slice(0, 12)}\` | ${escapeCell(a.directAssetUrl)} |`,
    ),
    ...(signer === undefined
      ? []
      : ['', `Signed (Sigstore) by ${escapeCell(describeIdentity(signer))}.`]),
  ]
  return lines.join('\n')
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')
}
