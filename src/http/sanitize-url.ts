import { redact } from '../secrets.js'

/** Query parameters GitLab, Gongfeng and OAuth accept a token in. */
const CREDENTIAL_PARAMS = new Set(['private_token', 'job_token', 'access_token', 'token'])

/**
 * A URL fit for messages and logs: user-info and token query parameters removed, then any
 * registered secret redacted (a token can also hide in a path or another parameter).
 */
export function sanitizeUrl(url: string | URL): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return redact(String(url))
  }
  parsed.username = ''
  parsed.password = ''
  // Deleting re-serialises the whole query, so only touch it when there is something to remove.
  for (const name of [...parsed.searchParams.keys()]) {
    if (CREDENTIAL_PARAMS.has(name.toLowerCase())) parsed.searchParams.delete(name)
  }
  return redact(parsed.toString())
}
