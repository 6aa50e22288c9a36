import { ReleaseError } from '../errors.js'
import { hasLinks, type LinkSpec, type RemoteAsset, type RemoteLink } from '../forges/forge.js'
import type { ExternalLink } from '../plan/domain.js'
import type { LinkTarget } from '../plan/steps.js'
import { reconcileLinks } from '../plan/reconcile.js'
import { confirmWrite } from './confirm-write.js'
import { mapLimit } from './map-limit.js'
import { requireRelease, type RunContext, type RunState } from './run-context.js'

/** Links written at once; each is a small JSON request. */
const LINK_PARALLELISM = 4

/** The link step: makes the release carry `target` exactly once, as it should be. */
export async function ensureLink(
  context: RunContext,
  state: RunState,
  target: LinkTarget,
): Promise<void> {
  const spec = resolveLink(state, target)
  if (target.existing !== undefined) {
    if (sameLink(spec, target.existing)) return
    await updateLink(context, state, spec, target.existing)
    return
  }
  await createLink(context, state, spec)
}

/**
 * Makes the release carry each desired link exactly once, from the links it holds now: used
 * where a release another job created is adopted, and for SHA256SUMS and the evidence.
 */
export async function ensureLinks(
  context: RunContext,
  state: RunState,
  desired: readonly LinkSpec[],
  current: readonly RemoteLink[],
): Promise<void> {
  const changes = reconcileLinks(desired, current)
  await mapLimit(changes.update, LINK_PARALLELISM, ({ link, existing }) =>
    updateLink(context, state, link, existing),
  )
  await mapLimit(changes.create, LINK_PARALLELISM, (link) => createLink(context, state, link))
}

/** Every link a new release of this plan carries: its files' and the external ones. */
export function desiredLinks(context: RunContext, state: RunState): LinkSpec[] {
  return [
    ...context.plan.files.flatMap((file) => {
      const asset = state.stored.get(file.name)
      return asset === undefined ? [] : [linkSpec(asset, file.linkType, file.directAssetPath)]
    }),
    ...context.plan.externalLinks.map(externalLinkSpec),
  ]
}

export function linkSpec(
  asset: RemoteAsset,
  linkType: LinkSpec['linkType'],
  directAssetPath: string | undefined,
): LinkSpec {
  return {
    name: asset.name,
    url: asset.url,
    linkType,
    ...(directAssetPath === undefined ? {} : { directAssetPath }),
  }
}

export function externalLinkSpec(link: ExternalLink): LinkSpec {
  return {
    name: link.name,
    url: link.url,
    linkType: link.linkType,
    ...(link.directAssetPath === undefined ? {} : { directAssetPath: link.directAssetPath }),
  }
}

export function linksOf(assets: readonly RemoteAsset[]): RemoteLink[] {
  return assets.flatMap((a) => (a.link === undefined ? [] : [a.link]))
}

async function createLink(context: RunContext, state: RunState, link: LinkSpec): Promise<void> {
  const forge = linkingForge(context)
  const release = requireRelease(state, `link ${link.name}`)
  context.log.info(`Linking ${link.name} → ${link.url}`)
  const result = await confirmWrite<RemoteLink>(
    {
      what: `link ${link.name}`,
      write: () => forge.createLink(release, link),
      readBack: async () => {
        const found = await forge.findLink(release, link)
        if (found === undefined) return { kind: 'absent' }
        return sameLink(link, found)
          ? { kind: 'landed', value: found }
          : { kind: 'other', value: found }
      },
    },
    context.waits,
  )
  state.writes++
  // Another job linked this name, URL or path meanwhile: bring that link in line with ours.
  if (result.how === 'other') await updateLink(context, state, link, result.value)
}

async function updateLink(
  context: RunContext,
  state: RunState,
  link: LinkSpec,
  existing: RemoteLink,
): Promise<void> {
  const forge = linkingForge(context)
  context.log.info(`Updating the link ${link.name} → ${link.url}`)
  await forge.updateLink(requireRelease(state, `link ${link.name}`), link, existing)
  state.writes++
}

function resolveLink(state: RunState, target: LinkTarget): LinkSpec {
  const url = target.url ?? state.stored.get(target.name)?.url
  if (url === undefined) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `The link ${target.name} has no URL: its file was neither stored nor kept`,
    })
  }
  return {
    name: target.name,
    url,
    linkType: target.linkType,
    ...(target.directAssetPath === undefined ? {} : { directAssetPath: target.directAssetPath }),
  }
}

function linkingForge(context: RunContext) {
  const { forge } = context
  if (!hasLinks(forge)) {
    throw new ReleaseError({
      code: 'INTERNAL',
      message: `${forge.platform} has no release links of their own`,
    })
  }
  return forge
}

function sameLink(link: LinkSpec, remote: RemoteLink): boolean {
  return (
    link.name === remote.name &&
    link.url === remote.url &&
    link.linkType === remote.linkType &&
    (link.directAssetPath ?? undefined) === (remote.directAssetPath ?? undefined)
  )
}
