import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'

import { discoverAssets } from '../assets/discover-assets.js'
import { InputErrors, type ReleaseError, inputError } from '../errors.js'
import type { Logger } from '../log.js'
import type { AssetRules } from '../assets/asset-rules.js'
import type { LocalFile } from '../assets/local-file.js'
import type { ReleasePlan } from '../plan/release-plan.js'
import { inputApplies } from '../settings/inputs.js'
import type { Settings } from '../settings/settings.js'
import { BUNDLE_NAMES, DERIVED_NAMES, STATEMENT_NAMES } from '../plan/derived-names.js'

/**
 * SPEC step 2: reads the description file, finds the asset files and checks that they can be
 * read. Every problem is reported together, before any request. The files are hashed once the
 * forge's side is known (main.ts): before the upload where there is something to compare them
 * with, and while they upload everywhere else.
 */
export async function preparePlan(
  settings: Settings,
  rules: AssetRules,
  log: Logger,
): Promise<ReleasePlan<LocalFile>> {
  const problems: ReleaseError[] = []
  let description = settings.description
  if (settings.descriptionFile !== undefined) {
    const file = path.resolve(settings.workingDirectory, settings.descriptionFile)
    try {
      description = await readFile(file, 'utf8')
    } catch (error) {
      problems.push(
        inputError(
          'description_file',
          `cannot read ${settings.descriptionFile} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
          'Point it at an existing, readable file relative to the working directory, or use `description`.',
        ),
      )
    }
  }

  if (settings.outputsFile !== undefined) {
    // found only when the outputs were written, this failed a run that had
    // already published everything, with a bare EISDIR naming no input.
    const unusable = await checkOutputsFile(
      path.resolve(settings.workingDirectory, settings.outputsFile),
    )
    if (unusable !== undefined) {
      problems.push(
        inputError(
          'outputs_file',
          `${JSON.stringify(settings.outputsFile)} ${unusable}.`,
          'Give the path of a file for the dotenv report, relative to the working directory (for example release.env).',
        ),
      )
    }
  }

  const discovered = await discoverAssets(settings.assets, {
    cwd: settings.workingDirectory,
    workspace: settings.workspace,
    followSymlinks: settings.followSymlinks,
    failOnUnmatched: settings.failOnUnmatchedAssets,
    rules,
    defaultLinkType: settings.assetLinkType,
  })
  problems.push(...discovered.problems)
  for (const warning of discovered.warnings) log.warn(warning)

  for (const file of discovered.files) {
    if (DERIVED_NAMES.includes(file.name) && (settings.checksums || settings.evidence)) {
      problems.push(
        inputError(
          'assets',
          `'${file.name}' is the name of a file forge-release makes itself.`,
          'Rename the file with a YAML `name`, or turn off `checksums`/`evidence`.',
        ),
      )
    }
  }
  problems.push(...checkAssetCount(discovered.files.length, settings, rules))
  if (problems.length > 0) throw new InputErrors(problems)

  return {
    platform: settings.platform,
    fields: {
      tagName: settings.tagName,
      name: settings.name,
      ...(description === undefined ? {} : { description }),
      ...(settings.milestones === undefined ? {} : { milestones: settings.milestones }),
      ...(settings.releasedAt === undefined ? {} : { releasedAt: settings.releasedAt }),
      ...(settings.ref === undefined ? {} : { ref: settings.ref }),
      ...(settings.tagMessage === undefined ? {} : { tagMessage: settings.tagMessage }),
      ...(settings.platform === 'github'
        ? {
            draft: settings.draft,
            prerelease: settings.prerelease,
            makeLatest: settings.makeLatest,
            generateNotes: settings.generateNotes,
          }
        : settings.platform === 'gitea'
          ? { draft: settings.draft, prerelease: settings.prerelease }
          : {}),
      ...(settings.platform === 'gongfeng' && settings.labels.length > 0
        ? { labels: settings.labels }
        : {}),
    },
    refGivenExplicitly: settings.refGivenExplicitly,
    files: discovered.files,
    externalLinks: settings.assetLinks,
    ifReleaseExists: settings.ifReleaseExists,
    ifAssetExists: settings.ifAssetExists,
    given: {
      // Gongfeng keeps no title to set: a name there would be compared with the tag every run.
      name: inputApplies('name', settings.platform),
      description: description !== undefined,
      milestones: settings.milestones !== undefined,
      releasedAt: settings.releasedAt !== undefined,
    },
  }
}

/**
 * Renames planned files to the names the forge will store them under, so that SHA256SUMS, the
 * evidence and re-runs all speak of the names users will see. Two files that the forge would
 * store under one name are an input error, found before any write.
 */
export function applyStoredNames<F extends LocalFile>(
  plan: ReleasePlan<F>,
  storedName: (name: string) => string,
  log: Logger,
): ReleasePlan<F> {
  const seen = new Map<string, string>()
  const problems: ReleaseError[] = []
  const files = plan.files.map((file) => {
    const name = storedName(file.name)
    const other = seen.get(name)
    if (other !== undefined) {
      problems.push(
        inputError(
          'assets',
          `'${other}' and '${file.name}' would both be stored as '${name}' on ${plan.platform}.`,
          'Give one of them another name with a YAML `name`.',
        ),
      )
    }
    seen.set(name, file.name)
    if (name === file.name) return file
    log.info(
      `${file.name} will be stored as ${name} (${plan.platform} replaces special characters in file names)`,
    )
    return { ...file, name, originalName: file.name }
  })
  if (problems.length > 0) throw new InputErrors(problems)
  return { ...plan, files }
}

/**
 * More files than one release of the forge may hold: SHA256SUMS, the statements and, when the
 * run signs, their bundles count too.
 */
function checkAssetCount(files: number, settings: Settings, rules: AssetRules): ReleaseError[] {
  const derived =
    (settings.checksums ? 1 : 0) +
    (settings.evidence ? STATEMENT_NAMES.length : 0) +
    (settings.evidence && settings.signing !== undefined ? BUNDLE_NAMES.length : 0)
  if (rules.maxAssets === undefined || files + derived <= rules.maxAssets) return []
  return [
    inputError(
      'assets',
      `${files} files${derived > 0 ? ` and ${derived} made by forge-release` : ''} would be published, but a release on ${settings.platform} holds at most ${rules.maxAssets}.`,
      'Publish fewer files: bundle them in archives, or narrow the globs.',
    ),
  ]
}

/** Why the dotenv report cannot be written to `file`, or undefined (a missing file is fine). */
async function checkOutputsFile(file: string): Promise<string | undefined> {
  try {
    return (await stat(file)).isDirectory() ? 'is a directory' : undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? undefined : `cannot be written (${code ?? String(error)})`
  }
}
