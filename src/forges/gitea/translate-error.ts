import { ReleaseError } from '../../errors.js'
import { HttpError } from '../../http/http-error.js'
import type { ReleaseFields, UploadFile } from '../forge.js'

/**
 * Forgejo/Gitea answer errors as `{"message": …, "url": …}` (services/context/api.go); the
 * status says what happened, and the message is kept in what the user reads.
 */

export function isStatus(error: unknown, ...statuses: number[]): error is HttpError {
  return error instanceof HttpError && statuses.includes(error.status)
}

export function translateAccessError(error: unknown, repository: string): unknown {
  if (!(error instanceof HttpError)) return error
  if (error.status === 401) {
    return new ReleaseError({
      code: 'AUTH',
      input: 'token',
      message: `Forgejo/Gitea did not accept the token (401 Unauthorized: ${error.serverMessage ?? 'no message'}).`,
      hint: "Check 'token': an access token of a user who may write to the repository, or the workflow's own token (${{ github.token }}) in Forgejo/Gitea Actions.",
      cause: error,
    })
  }
  if (error.status === 403) {
    return new ReleaseError({
      code: 'FORBIDDEN',
      input: 'token',
      message: `Forgejo/Gitea refused ${error.method} ${error.url} for ${repository} (403 Forbidden: ${error.serverMessage ?? 'no message'}).`,
      hint: 'The token needs the write:repository scope, and its user write access to the repository (in Actions: a workflow whose permissions do not restrict contents to read).',
      cause: error,
    })
  }
  return error
}

export function translateReleaseError(
  error: unknown,
  fields: ReleaseFields,
  repository: string,
): unknown {
  if (!(error instanceof HttpError)) return error
  const message = error.serverMessage ?? error.message
  if (error.status === 404 && /target/i.test(message)) {
    return new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'ref',
      message: `Forgejo/Gitea cannot create tag '${fields.tagName}' from '${fields.ref ?? 'the default branch'}': ${message}`,
      hint: "Set 'ref' to an existing commit SHA, branch or tag of the repository.",
      cause: error,
    })
  }
  if (error.status === 422 && /protected/i.test(message)) {
    return new ReleaseError({
      code: 'FORBIDDEN',
      input: 'tag_name',
      message: `Tag '${fields.tagName}' is protected on ${repository}, and the token's user may not create it: ${message}`,
      hint: 'Push the tag first, or allow this user (or the Actions bot) in the protected tag rule.',
      cause: error,
    })
  }
  if (error.status === 422 || error.status === 400) {
    return new ReleaseError({
      code: 'INVALID_INPUT',
      input: /tag/i.test(message) ? 'tag_name' : 'name',
      message: `Forgejo/Gitea refused release '${fields.tagName}': ${message}`,
      hint: 'Use a valid git tag name and a non-empty release name.',
      cause: error,
    })
  }
  if (error.status === 404) {
    return new ReleaseError({
      code: 'NOT_FOUND',
      input: 'project',
      message: `Forgejo/Gitea answered 404 for the releases of ${repository}: ${message}`,
      hint: "Check 'project' (owner/repo) and that the repository has releases enabled.",
      cause: error,
    })
  }
  return translateAccessError(error, repository)
}

export function translateUploadError(
  error: unknown,
  file: Pick<UploadFile, 'name' | 'size'>,
  repository: string,
): unknown {
  if (!(error instanceof HttpError)) return error
  const message = error.serverMessage ?? error.message
  if (error.status === 413) {
    return new ReleaseError({
      code: 'ASSET_TOO_LARGE',
      input: 'assets',
      message: `Forgejo/Gitea refused ${file.name} (${file.size} bytes) as too large: ${message}`,
      hint: "The server's release attachment limit (its reverse proxy's body size, a quota, or the attachment size setting) is below this file: split it, or ask the administrator to raise the limit.",
      cause: error,
    })
  }
  if (error.status === 400 && /not allowed|type/i.test(message)) {
    return new ReleaseError({
      code: 'ASSET_INVALID',
      input: 'assets',
      message: `Forgejo/Gitea does not accept ${file.name} as a release attachment: ${message}`,
      hint: 'The instance limits release files to the types in [repository.release] ALLOWED_TYPES: rename or pack the file as an allowed type, or ask the administrator to allow it.',
      cause: error,
    })
  }
  if (error.status === 404 && /not enabled/i.test(message)) return attachmentsDisabled(repository)
  return translateAccessError(error, repository)
}

export function attachmentsDisabled(repository: string, cause?: unknown): ReleaseError {
  return new ReleaseError({
    code: 'UNSUPPORTED',
    input: 'assets',
    message: `This Forgejo/Gitea instance has attachments turned off ([attachment] ENABLED = false), so no file can be added to the releases of ${repository}.`,
    hint: 'Ask the administrator to enable attachments, or publish without files: no assets, and checksums: false and evidence: false.',
    ...(cause === undefined ? {} : { cause }),
  })
}
