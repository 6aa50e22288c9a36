import { defaultDirectAssetPath } from '../assets/asset-name.js'
import type { Forge, LinkSpec, RemoteAsset, RemoteRelease } from '../forges/forge.js'
import type { Logger } from '../log.js'
import { reconcileLinks } from '../plan/reconcile.js'
import type { RemoteLink } from '../plan/remote.js'
import type { ExternalLink, LinkType } from '../settings/settings.js'
import { mapLimit } from './map-limit.js'

export function linkForStoredAsset(
  forge: Forge,
  asset: RemoteAsset,
  linkType: LinkType,
  directAssetPath: string | undefined,
): LinkSpec {
  // `/<name>` only when GitLab accepts it as a link path. A name like
  // `app:v1.bin` (fine for project uploads) made an invalid default that GitLab refuses, failing
  // the whole release create after planning had already warned the link gets no such path.
  const path = directAssetPath ?? defaultDirectAssetPath(asset.name)
  return {
    name: asset.name,
    url: forge.linkUrlFor(asset),
    linkType,
    ...(path === undefined ? {} : { directAssetPath: path }),
  }
}

export function linkForExternal(link: ExternalLink): LinkSpec {
  return {
    name: link.name,
    url: link.url,
    linkType: link.linkType,
    ...(link.directAssetPath === undefined ? {} : { directAssetPath: link.directAssetPath }),
  }
}

/**
 * Makes the release carry each desired link exactly once (GitLab). Existing links are read
 * first, so a re-run creates nothing and a link another job made is updated, not duplicated.
 */
export async function linkAssets(
  forge: Forge,
  release: RemoteRelease,
  desired: readonly LinkSpec[],
  currentLinks: readonly RemoteLink[],
  log: Logger,
): Promise<number> {
  const changes = reconcileLinks(desired, currentLinks)
  await mapLimit(changes.update, 4, async ({ link, existing }) => {
    log.info(`Updating the link ${link.name} → ${link.url}`)
    await forge.upsertLink(release, link, existing)
  })
  await mapLimit(changes.create, 4, async (link) => {
    log.info(`Linking ${link.name} → ${link.url}`)
    await forge.upsertLink(release, link, undefined)
  })
  return changes.create.length + changes.update.length
}

export function linksOf(assets: readonly RemoteAsset[]): RemoteLink[] {
  return assets.flatMap((a) => (a.link === undefined ? [] : [a.link]))
}
