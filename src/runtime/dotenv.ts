import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

import type { Logger } from '../log.js'
import { redact } from '../secrets.js'
import type { OutputValues } from './runtime.js'

/** GitLab's defaults for artifacts:reports:dotenv (ci_dotenv_variables, ci_dotenv_size). */
export const DOTENV_MAX_VARIABLES = 20
export const DOTENV_MAX_BYTES = 5 * 1024

/**
 * Renders outputs as RELEASE_<NAME>=value lines within GitLab's limits. A value that does not
 * fit (in practice the assets JSON of a long list) is left out with a warning; the assets file
 * path is always there so later jobs can read the full list.
 */
export function renderDotenv(outputs: OutputValues, log?: Logger): string {
  const lines: string[] = []
  let bytes = 0
  const entries = Object.entries(outputs).filter(([, value]) => value !== '')
  // The assets JSON goes last so that, when something must give, it is the one left out.
  entries.sort(([a], [b]) => Number(a === 'assets') - Number(b === 'assets'))
  for (const [name, raw] of entries) {
    const value = redact(raw).replace(/\r?\n/g, ' ')
    const line = `RELEASE_${name.toUpperCase()}=${value}\n`
    const size = Buffer.byteLength(line)
    if (lines.length >= DOTENV_MAX_VARIABLES || bytes + size >= DOTENV_MAX_BYTES) {
      log?.warn(
        `RELEASE_${name.toUpperCase()} is left out of the dotenv report: GitLab takes at most ${DOTENV_MAX_VARIABLES} variables and under 5 KB. Read RELEASE_ASSETS_FILE instead.`,
      )
      continue
    }
    lines.push(line)
    bytes += size
  }
  return lines.join('')
}

export async function writeDotenv(
  file: string,
  outputs: OutputValues,
  log?: Logger,
): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true })
  await writeFile(file, renderDotenv(outputs, log))
}
