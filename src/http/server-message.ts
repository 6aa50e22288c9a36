import { redact } from '../secrets.js'

const MAX_LENGTH = 500

/**
 * The human part of an API error body, on one line:
 * - GitLab/Gongfeng `{"message": …}` where message is a string, an array, or an object of
 *   arrays (`{"name":["has already been taken"]}` → `name has already been taken`);
 * - Grape's `{"error": "…", "error_description": "…"}`;
 * - GitHub's `{"message": "Validation Failed", "errors": [{resource, field, code}]}` →
 *   `Validation Failed: ReleaseAsset.name already exists`;
 * - any other text body (GitLab's text/plain `Retry later`, an HTML proxy page) as trimmed text.
 * Returns undefined for an empty body. The result is redacted and bounded.
 */
export function renderServerMessage(body: unknown): string | undefined {
  const rendered = renderBody(body)
  if (rendered === undefined) return undefined
  const oneLine = rendered.replace(/\s+/g, ' ').trim()
  if (oneLine === '') return undefined
  const bounded = oneLine.length > MAX_LENGTH ? `${oneLine.slice(0, MAX_LENGTH)}…` : oneLine
  return redact(bounded)
}

function renderBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return looksLikeHtml(body) ? stripHtml(body) : body
  if (!isRecord(body)) return renderValue(body)
  const parts: string[] = []
  const message = body['message'] ?? body['error']
  if (message !== undefined) parts.push(renderValue(message))
  const description = body['error_description']
  if (typeof description === 'string') parts.push(description)
  const errors = body['errors']
  if (errors !== undefined) parts.push(renderValue(errors, renderGitHubError))
  if (parts.length === 0) return renderValue(body)
  return parts.filter((part) => part !== '').join(': ')
}

function renderValue(value: unknown, renderItem: (item: unknown) => string = renderValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.map((item) => renderItem(item)).join('; ')
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([key, entry]) => {
        const text = Array.isArray(entry)
          ? entry.map((item) => renderValue(item)).join(', ')
          : renderValue(entry)
        // GitLab validation errors read as sentences: `name has already been taken`.
        return key === 'base' || key === 'error' || key === 'message' ? text : `${key} ${text}`
      })
      .join('; ')
  }
  return ''
}

function renderGitHubError(item: unknown): string {
  if (!isRecord(item)) return renderValue(item)
  if (typeof item['message'] === 'string') return item['message']
  const resource = typeof item['resource'] === 'string' ? item['resource'] : undefined
  const field = typeof item['field'] === 'string' ? item['field'] : undefined
  const code = typeof item['code'] === 'string' ? item['code'].replace(/_/g, ' ') : undefined
  const subject = [resource, field].filter((part) => part !== undefined).join('.')
  return [subject, code].filter((part) => part !== undefined && part !== '').join(' ')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function looksLikeHtml(text: string): boolean {
  return /^\s*<(!doctype|html|head|body)/i.test(text)
}

function stripHtml(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]
  if (title !== undefined && title.trim() !== '') return title
  return html.replace(/<[^>]*>/g, ' ')
}
