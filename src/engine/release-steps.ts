import { plural } from '../plural.js'
import { hasDrafts, hasLinks, type RemoteRelease } from '../forges/forge.js'
import { changedFields } from '../plan/reconcile.js'
import { confirmWrite } from './confirm-write.js'
import { desiredLinks, ensureLinks, linksOf } from './link-assets.js'
import { requireRelease, type RunContext, type RunState } from './run-context.js'

/**
 * The create step. A create whose answer was lost is read back; a release another job created
 * meanwhile is adopted and brought in line with the plan. Where every job's release starts as
 * a hidden draft (GitHub), jobs of a build matrix may each create one: each then reads which
 * release is canonical, and a job whose draft lost deletes it and carries on with the winner.
 */
export async function createRelease(
  context: RunContext,
  state: RunState,
  withLinks: boolean,
): Promise<void> {
  const { forge, log, createFields } = context
  const { tagName } = createFields
  const links = withLinks ? desiredLinks(context, state) : []
  const result = await confirmWrite<RemoteRelease>(
    {
      what: `create release ${tagName}`,
      write: () => forge.createRelease(createFields, links),
      readBack: async ({ outcome }) => {
        const found = await forge.findRelease(tagName)
        if (found === undefined) return { kind: 'absent' }
        const ours = outcome === 'unknown' && (found.draft || !hasDrafts(forge))
        const linked =
          ours &&
          (await carriesLinks(
            context,
            found,
            links.map((l) => l.name),
          ))
        return ours && linked ? { kind: 'landed', value: found } : { kind: 'other', value: found }
      },
    },
    context.waits,
  )
  state.writes++
  if (result.how === 'written' && hasDrafts(forge)) {
    state.release = await settleDraftRace(context, result.value)
    state.created = state.release === result.value
  } else {
    state.release = result.value
    state.created = result.how !== 'other'
  }
  if (state.created) {
    log.info(
      `Created release ${tagName}${withLinks ? ` with ${plural(links.length, 'link')}` : ''}`,
    )
    return
  }
  log.info(`Release ${tagName} was created by another job meanwhile; adding to it`)
  await updateRelease(context, state)
  if (withLinks && hasLinks(forge)) {
    const current = linksOf(await forge.listAssets(state.release, tagName))
    await ensureLinks(context, state, links, current)
  }
}

/** The update step, and the check after adopting another job's release: fields in line with the plan. */
export async function updateRelease(context: RunContext, state: RunState): Promise<void> {
  const release = requireRelease(state, 'update the release')
  const changed = changedFields(context.plan, release)
  if (changed.length === 0) return
  context.log.info(`Updating ${changed.join(', ')} of release ${release.tagName}`)
  state.release = await context.forge.updateRelease(release, context.plan.fields)
  state.writes++
}

/** The publish step: a draft becomes the published release (publishing twice changes nothing). */
export async function publishRelease(context: RunContext, state: RunState): Promise<void> {
  const { forge } = context
  const release = requireRelease(state, 'publish the release')
  if (!release.draft || !hasDrafts(forge)) return
  state.release = await forge.publishRelease(release, context.plan.fields)
  // Once published, the release is the canonical one: a job that creates a draft now settles
  // on it, so an empty duplicate draft still there is an orphan of a lost answer.
  for (const orphan of await forge.findEmptyDuplicates(state.release)) {
    context.log.info(`Removing empty duplicate draft ${orphan.id ?? '?'} of ${orphan.tagName}`)
    await forge.deleteRelease(orphan)
  }
}

async function settleDraftRace(context: RunContext, ours: RemoteRelease): Promise<RemoteRelease> {
  const { forge, log } = context
  if (!hasDrafts(forge)) return ours
  const canonical = await forge.findRelease(ours.tagName)
  if (canonical === undefined || canonical.id === ours.id) return ours
  log.info(
    `Another job created release ${ours.tagName} at the same time (id ${canonical.id ?? '?'}); removing this job's duplicate draft ${ours.id ?? '?'}`,
  )
  await forge.deleteRelease(ours)
  return canonical
}

async function carriesLinks(
  context: RunContext,
  release: RemoteRelease,
  names: readonly string[],
): Promise<boolean> {
  if (names.length === 0 || !hasLinks(context.forge)) return true
  const linked = new Set(
    linksOf(await context.forge.listAssets(release, release.tagName)).map((l) => l.name),
  )
  return names.every((name) => linked.has(name))
}
