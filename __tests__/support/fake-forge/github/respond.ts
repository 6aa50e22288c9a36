/**
 * GitHub's error bodies (docs "Troubleshooting the REST API"): `{"message", "documentation_url",
 * "status"}`, and for validation `{"message":"Validation Failed","errors":[{resource, code,
 * field}]}`. Newer servers add `"status"` as a string; the 422 bodies quoted in API-NOTES §3.2/3.3
 * (from issue reports) predate it, so validation errors are sent in that older, documented form.
 */
import type { Exchange, HeaderMap } from '../exchange.js'

export const DOCS = 'https://docs.github.com/rest'

export const RELEASE_DOCS = 'https://docs.github.com/rest/releases/releases#create-a-release'
export const ASSET_DOCS = 'https://docs.github.com/rest/releases/assets#upload-a-release-asset'

export const apiError = (
  ex: Exchange,
  status: number,
  message: string,
  headers: HeaderMap = {},
  documentationUrl = DOCS,
): Promise<void> =>
  ex.json(status, { message, documentation_url: documentationUrl, status: String(status) }, headers)

export const notFound = (ex: Exchange): Promise<void> => apiError(ex, 404, 'Not Found')

export const badCredentials = (ex: Exchange): Promise<void> => apiError(ex, 401, 'Bad credentials')

export const requiresAuthentication = (ex: Exchange): Promise<void> =>
  apiError(ex, 401, 'Requires authentication')

/** A token without the permission: the docs' message for integrations, plus the header naming it. */
export const notAccessible = (ex: Exchange): Promise<void> =>
  apiError(ex, 403, 'Resource not accessible by integration', {
    'x-accepted-github-permissions': 'contents=write',
  })

export interface ValidationError {
  readonly resource: string
  readonly code: string
  readonly field?: string
  readonly message?: string
}

export const validationFailed = (
  ex: Exchange,
  errors: readonly ValidationError[],
  documentationUrl = RELEASE_DOCS,
): Promise<void> =>
  ex.json(422, { message: 'Validation Failed', errors, documentation_url: documentationUrl })

/** Schema validation of a request body: `Invalid request.\n\n<reason>` (docs: 422 "Invalid request"). */
export const invalidRequest = (ex: Exchange, reason: string): Promise<void> =>
  apiError(ex, 422, `Invalid request.\n\n${reason}`)

/** The rejection for a request without User-Agent (docs: "User agent required"), as plain text. */
export const USER_AGENT_REQUIRED =
  'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.'

export const SECONDARY_RATE_LIMIT =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

export const secondaryRateLimitDocs =
  'https://docs.github.com/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits'
