import { ReleaseError } from '../../errors.js'
import { HttpError } from '../../http/http-error.js'
import type { ReleaseFields, UploadFile } from '../forge.js'

/**
 * Gongfeng documents no error bodies besides 401 (API-NOTES §2.1); like GitLab it answers
 * `{"message": …}`, so failures are recognised by status first and by the words of the message
 * only to name the input that caused them.
 */

/** "Already exists" of a release, tag or attachment: 409 per the status table, 400/422 from older servers. */
export function isConflict(error: unknown): error is HttpError {
  if (!(error instanceof HttpError)) return false
  if (error.status === 409) return true
  return (
    (error.status === 400 || error.status === 422) &&
    /already exists?|已存在|已经存在/i.test(error.serverMessage ?? '')
  )
}

/** The 200M attachment limit: 413 from the front proxy, or 400 naming the size from the application. */
export function isTooLarge(error: unknown): error is HttpError {
  if (!(error instanceof HttpError)) return false
  if (error.status === 413) return true
  return error.status === 400 && /too large|exceed|超过|200\s?M/i.test(error.serverMessage ?? '')
}

export function translateAccessError(error: unknown): unknown {
  if (!(error instanceof HttpError)) return error
  if (error.status === 401) {
    return new ReleaseError({
      code: 'AUTH',
      input: 'token',
      message: 'Gongfeng did not accept the token (401 Unauthorized).',
      hint: "Check 'token': it must be a valid Gongfeng personal access token, sent as PRIVATE-TOKEN (token_type private or auto).",
      cause: error,
    })
  }
  if (error.status === 403) {
    return new ReleaseError({
      code: 'FORBIDDEN',
      input: 'token',
      message: `Gongfeng refused ${error.method} ${error.url} (403 Forbidden).`,
      hint: "The token's user needs at least the Developer role in the project to create releases and upload attachments.",
      cause: error,
    })
  }
  return error
}

export function translateReleaseError(error: unknown, fields: ReleaseFields): unknown {
  if (!(error instanceof HttpError)) return error
  const message = error.serverMessage ?? ''
  if (error.status === 400 || error.status === 422) {
    if (/start_point|ref\b/i.test(message)) {
      if (fields.ref === undefined) {
        return new ReleaseError({
          code: 'TAG_MISSING',
          input: 'ref',
          message: `Tag '${fields.tagName}' does not exist and no ref was given to create it from.`,
          hint: "Set 'ref' to the commit, branch or tag to create the tag from, or push the tag first.",
          cause: error,
        })
      }
      return new ReleaseError({
        code: 'INVALID_INPUT',
        input: 'ref',
        message: `Gongfeng cannot create tag '${fields.tagName}' from '${fields.ref}': ${message}`,
        hint: "Set 'ref' to an existing commit SHA, branch or tag.",
        cause: error,
      })
    }
    if (/label/i.test(message)) {
      return new ReleaseError({
        code: 'INVALID_INPUT',
        input: 'labels',
        message: `Gongfeng refused the labels: ${message}`,
        hint: 'Give at most 10 labels, comma-separated.',
        cause: error,
      })
    }
    if (/tag/i.test(message)) {
      return new ReleaseError({
        code: 'INVALID_INPUT',
        input: 'tag_name',
        message: `Gongfeng refused tag '${fields.tagName}': ${message}`,
        hint: 'Use a valid git tag name.',
        cause: error,
      })
    }
  }
  if (error.status === 404) {
    return new ReleaseError({
      code: 'NOT_FOUND',
      input: 'project',
      message: `Gongfeng answered 404 for the releases of the project: ${message}`,
      hint: "Check 'project' (numeric id or full path) and that the token's user is a member of it.",
      cause: error,
    })
  }
  return translateAccessError(error)
}

export function translateUploadError(error: unknown, file: UploadFile): unknown {
  if (isTooLarge(error)) {
    return new ReleaseError({
      code: 'ASSET_TOO_LARGE',
      input: 'assets',
      message: `Gongfeng refused ${file.name} (${file.size} bytes) as too large: attachments are limited to 200 MB.`,
      hint: 'Split the file, or publish it elsewhere and link it from the release notes.',
      cause: error,
    })
  }
  if (error instanceof HttpError && error.status === 400) {
    return new ReleaseError({
      code: 'ASSET_INVALID',
      input: 'assets',
      message: `Gongfeng refused the attachment ${file.name}: ${error.serverMessage ?? error.message}`,
      hint: 'Rename the file (letters, digits, ".", "_" and "-" are always kept) or check its content.',
      cause: error,
    })
  }
  return translateAccessError(error)
}
