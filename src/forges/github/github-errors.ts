import { ReleaseError } from '../../errors.js'
import { HttpError } from '../../http/http-error.js'
import { redact } from '../../secrets.js'

/**
 * The error to report for a failed Octokit call. Our fetch throws the transport's errors
 * (HttpError, NetworkError, OutcomeUnknownError: method, status, token-free URL, the server's
 * message, never headers); Octokit wraps them in a RequestError that carries the request
 * options, headers included, so only the cause travels on.
 */
export function unwrapOctokitError(error: unknown): unknown {
  if (error instanceof ReleaseError) return error
  if (typeof error === 'object' && error !== null) {
    const cause = (error as { cause?: unknown }).cause
    if (cause instanceof ReleaseError) return cause
  }
  const message = error instanceof Error ? error.message : String(error)
  return new ReleaseError({
    code: 'INTERNAL',
    message: `A GitHub request failed: ${redact(message)}`,
  })
}

export interface ValidationErrorMatch {
  readonly resource: string
  readonly code: string
  readonly field?: string
}

/** Whether `error` is GitHub's 422 `Validation Failed` naming this resource, code and field. */
export function isValidationError(error: unknown, match: ValidationErrorMatch): boolean {
  if (!(error instanceof HttpError) || error.status !== 422) return false
  const errors = (error.body as { errors?: unknown } | undefined)?.errors
  if (!Array.isArray(errors)) return false
  return errors.some((item: unknown) => {
    if (typeof item !== 'object' || item === null) return false
    const { resource, code, field } = item as Record<string, unknown>
    return (
      resource === match.resource &&
      code === match.code &&
      (match.field === undefined || field === match.field)
    )
  })
}

export function isHttpStatus(error: unknown, ...statuses: number[]): error is HttpError {
  return error instanceof HttpError && statuses.includes(error.status)
}

/** Failures every GitHub call can meet, with the input that fixes them. */
export function translateCommonError(error: unknown, repository: string): unknown {
  if (!(error instanceof HttpError)) return error
  if (error.status === 401) {
    return new ReleaseError({
      code: 'AUTH',
      input: 'token',
      message: `GitHub did not accept the token (401 ${error.serverMessage ?? 'Unauthorized'}).`,
      hint: "Check 'token': a GITHUB_TOKEN of this workflow or a personal access token that is valid for api_url.",
      cause: error,
    })
  }
  if (error.status === 403) {
    return new ReleaseError({
      code: 'FORBIDDEN',
      input: 'token',
      message: `GitHub refused ${error.method} ${error.url}: ${error.serverMessage ?? '403 Forbidden'}.`,
      hint: `The token needs write access to the contents of ${repository}: in a workflow set 'permissions: contents: write'; a fine-grained token needs Contents: read and write.`,
      cause: error,
    })
  }
  return error
}
