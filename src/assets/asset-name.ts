import { ReleaseError } from '../errors.js'

/**
 * The upload names and link paths every forge refuses; each forge's own rules are in its
 * adapter folder (for example GitLab's generic package names).
 *
 * Renames are not done here: GitHub silently renames assets with special characters or
 * leading/trailing dots, and Gongfeng filters special characters from attachment names; the
 * adapters read the name the server answers with. These rules only reject what no forge stores
 * as given (or what GitLab's generic packages reject outright).
 */

/** GitLab `Releases::Link::FILEPATH_REGEX` (API-NOTES §1.3), `\A…\z` written as `^…$`. */
export const LINK_FILEPATH = /^\/[^/](?!.*\/\/.*)[-.\w/]+[\da-zA-Z]+$/

export const MAX_NAME_BYTES = 255
export const MAX_DIRECT_ASSET_PATH_LENGTH = 128

export const RENAME_HINT =
  "Rename the file, or give it another upload name with a YAML `name` in 'assets'."

// C0 controls, DEL and C1 controls: invisible in logs and rejected or mangled by the servers.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/** Problems with an upload name that no forge accepts (code ASSET_INVALID, input `assets`). */
export function checkAssetName(name: string): ReleaseError[] {
  const shown = JSON.stringify(name)
  if (name.length === 0) return [nameError('An upload name is empty.', RENAME_HINT)]
  if (name === '.' || name === '..') {
    return [nameError(`Upload name ${shown} is not a file name.`, RENAME_HINT)]
  }
  const problems: ReleaseError[] = []
  if (/[/\\]/.test(name)) {
    problems.push(
      nameError(`Upload name ${shown} contains a path separator ('/' or '\\').`, RENAME_HINT),
    )
  }
  if (CONTROL.test(name)) {
    problems.push(nameError(`Upload name ${shown} contains a control character.`, RENAME_HINT))
  }
  if (/^\s|\s$/.test(name)) {
    problems.push(nameError(`Upload name ${shown} starts or ends with whitespace.`, RENAME_HINT))
  }
  const bytes = Buffer.byteLength(name, 'utf8')
  if (bytes > MAX_NAME_BYTES) {
    problems.push(
      nameError(
        `Upload name ${shown} is ${bytes} bytes long; at most ${MAX_NAME_BYTES} are allowed.`,
        RENAME_HINT,
      ),
    )
  }
  return problems
}

/**
 * Checks an explicit `direct_asset_path` the way GitLab validates a link's filepath. `input` is
 * the input the path came from (`assets` or `asset_links`).
 */
export function checkDirectAssetPath(path: string, input = 'assets'): ReleaseError[] {
  const shown = JSON.stringify(path)
  const problems: ReleaseError[] = []
  if (path.length > MAX_DIRECT_ASSET_PATH_LENGTH) {
    problems.push(
      nameError(
        `direct_asset_path ${shown} is ${path.length} characters long; GitLab allows at most ${MAX_DIRECT_ASSET_PATH_LENGTH}.`,
        'Use a shorter path.',
        input,
      ),
    )
  }
  // GitLab's regex lets `/bin/../../x` through, but the path is part of a
  // URL (…/-/releases/<tag>/downloads<path>) that clients resolve before GitLab sees it, so the
  // permanent link would point outside the release's downloads.
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    problems.push(
      nameError(
        `direct_asset_path ${shown} has a '.' or '..' segment.`,
        'Use a plain path without . or .. segments, for example /bin/app-linux-amd64.',
        input,
      ),
    )
  }
  if (!LINK_FILEPATH.test(path)) {
    problems.push(
      nameError(
        `direct_asset_path ${shown} is not a valid GitLab link path.`,
        "It must start with '/', use only letters, digits, '-', '.', '_' and '/', contain no '//', end with a letter or digit and be at least 4 characters long (for example /bin/app-linux-amd64).",
        input,
      ),
    )
  }
  return problems
}

/** The link path GitLab gets when none is given; undefined when `/<name>` would be rejected. */
export function defaultDirectAssetPath(name: string): string | undefined {
  const path = `/${name}`
  return checkDirectAssetPath(path).length === 0 ? path : undefined
}

function nameError(message: string, hint: string, input = 'assets'): ReleaseError {
  return new ReleaseError({ code: 'ASSET_INVALID', input, message, hint })
}
