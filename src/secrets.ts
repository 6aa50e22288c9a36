/**
 * Redacts registered secrets from any text before it is printed or stored. The token is
 * registered once at start-up; its URL-encoded and base64 forms are redacted too, because
 * they appear in URLs and Basic auth headers.
 */
const MASK = '***'
const secrets = new Set<string>()

export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < 4) return
  for (const form of [
    value,
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
    Buffer.from(`gitlab-ci-token:${value}`).toString('base64'),
  ]) {
    secrets.add(form)
  }
}

export function redact(text: string): string {
  let result = text
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(MASK)
  }
  return result
}
