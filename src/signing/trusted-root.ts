import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

import type { TrustedRoot } from '@sigstore/protobuf-specs'
import seeds from '@sigstore/tuf/seeds.json' with { type: 'json' }
import { BaseFetcher, Updater } from 'tuf-js'
import { DownloadHTTPError } from 'tuf-js/dist/error.js'

import { ReleaseError } from '../errors.js'
import type { Transport } from '../http/types.js'
import { parseTrustedRoot } from './verify-bundle.js'

/** Sigstore's public TUF repository, which serves the public instance's trusted_root.json. */
export const PUBLIC_TUF_URL = 'https://tuf-repo-cdn.sigstore.dev'
const TRUSTED_ROOT_TARGET = 'trusted_root.json'

/** A trusted_root.json file (`trusted_root`), for a private Sigstore deployment. */
export async function readTrustedRootFile(file: string): Promise<TrustedRoot> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'trusted_root',
      message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      hint: "Give the path of the Sigstore instance's trusted_root.json (`cosign trusted-root create` writes one).",
    })
  }
  try {
    const root = parseTrustedRoot(JSON.parse(text))
    if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0) {
      throw new Error('it lists no certificate authority or no transparency log')
    }
    return root
  } catch (error) {
    throw new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'trusted_root',
      message: `${file} is not a Sigstore trusted root: ${error instanceof Error ? error.message : String(error)}.`,
      hint: 'Give a trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json).',
    })
  }
}

/**
 * The public instance's trusted root, through TUF as every Sigstore client gets it: the root
 * of trust shipped with @sigstore/tuf, refreshed from Sigstore's TUF repository (through the
 * tool's transport) and cached in `cacheDir`.
 */
export async function fetchPublicTrustedRoot(
  http: Transport,
  cacheDir: string,
): Promise<TrustedRoot> {
  const metadataDir = path.join(cacheDir, encodeURIComponent(new URL(PUBLIC_TUF_URL).host))
  const targetDir = path.join(metadataDir, 'targets')
  await mkdir(targetDir, { recursive: true })
  const rootFile = path.join(metadataDir, 'root.json')
  const seed = (seeds as Record<string, { 'root.json': string } | undefined>)[PUBLIC_TUF_URL]
  if (!existsSync(rootFile) && seed !== undefined) {
    await writeFile(rootFile, Buffer.from(seed['root.json'], 'base64'))
  }
  const updater = new Updater({
    metadataBaseUrl: PUBLIC_TUF_URL,
    targetBaseUrl: `${PUBLIC_TUF_URL}/targets`,
    metadataDir,
    targetDir,
    fetcher: new TransportFetcher(http),
  })
  try {
    const info = await updater.getTargetInfo(TRUSTED_ROOT_TARGET)
    if (info === undefined) throw new Error(`the repository has no ${TRUSTED_ROOT_TARGET}`)
    const file = (await updater.findCachedTarget(info)) ?? (await updater.downloadTarget(info))
    return parseTrustedRoot(JSON.parse(await readFile(file, 'utf8')))
  } catch (error) {
    throw new ReleaseError({
      code: 'NETWORK',
      input: 'trusted_root',
      message: `Could not get the public Sigstore trusted root from ${PUBLIC_TUF_URL}: ${error instanceof Error ? error.message.replace(/\.$/, '') : String(error)}.`,
      hint: 'Check the network (HTTPS_PROXY is honoured), or give --trusted_root a trusted_root.json.',
      cause: error,
    })
  }
}

/** tuf-js downloads through the tool's transport: its proxies, CA bundle and retry policy. */
class TransportFetcher extends BaseFetcher {
  constructor(private readonly http: Transport) {
    super()
  }

  override async fetch(url: string): Promise<NodeJS.ReadableStream> {
    const response = await this.http.stream({
      method: 'GET',
      url,
      // The updater probes for the next root version and stops at 403/404.
      acceptStatus: [403, 404],
      label: `read ${url.slice(url.lastIndexOf('/') + 1)} from Sigstore's TUF repository`,
    })
    if (response.status !== 200) {
      response.body.resume()
      throw new DownloadHTTPError(`${url} answered ${response.status}`, response.status)
    }
    return response.body
  }
}
