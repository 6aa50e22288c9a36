import { ReleaseError } from '../errors.js'
import type { Transport } from '../http/types.js'
import type { Logger } from '../log.js'
import type { Settings } from '../settings/settings.js'
import type { Forge } from './forge.js'
import { GitLabForge } from './gitlab/gitlab-forge.js'

export interface ForgeFactoryOptions {
  readonly sleep?: (ms: number) => Promise<void>
}

export function createForge(
  settings: Settings,
  http: Transport,
  log: Logger,
  options: ForgeFactoryOptions = {},
): Forge {
  switch (settings.platform) {
    case 'gitlab':
      return new GitLabForge(
        {
          apiUrl: settings.apiUrl,
          project: settings.project,
          uploadTo: settings.uploadTo,
          packageName: settings.packageName,
          packageVersion: settings.packageVersion,
          usesJobToken: settings.tokenType === 'job',
          ...(settings.ci.serverVersion === undefined
            ? {}
            : { serverVersion: settings.ci.serverVersion }),
          ...(settings.ci.serverUrl === undefined ? {} : { serverUrl: settings.ci.serverUrl }),
          ...(settings.ci.projectUrl === undefined ? {} : { projectUrl: settings.ci.projectUrl }),
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        },
        http,
        log,
      )
    default:
      throw new ReleaseError({
        code: 'UNSUPPORTED',
        input: 'platform',
        message: `Publishing to ${settings.platform} is not available in this build.`,
      })
  }
}

/** Headers that carry the token, per token type. */
export function credentialHeaders(settings: Settings): Record<string, string> {
  switch (settings.tokenType) {
    case 'private':
      return { 'PRIVATE-TOKEN': settings.token }
    case 'job':
      return { 'JOB-TOKEN': settings.token }
    case 'bearer':
      return { Authorization: `Bearer ${settings.token}` }
  }
}
