/**
 * `Releases::Link` model validations (app/models/releases/link.rb) and the release-level
 * duplicates check (app/validators/nested_attributes_duplicates_validator.rb), in Rails' order.
 */
import type { LinkType, ReleaseLink } from './state.js'
import { FILEPATH_MAX_LENGTH, FILEPATH_REGEX, isAllowedLinkUrl } from './validation.js'

export interface LinkInput {
  readonly name: string
  readonly url: string
  readonly filepath: string | null
  readonly linkType: LinkType
}

export interface LinkError {
  readonly attribute: 'url' | 'name' | 'filepath'
  readonly message: string
}

/**
 * Errors for one link. `siblings` are the release's other saved links, for the uniqueness
 * validators (which only see saved rows: links created together in one release request are
 * compared by the duplicates validator instead).
 */
export const validateLink = (link: LinkInput, siblings: readonly ReleaseLink[]): LinkError[] => {
  const errors: LinkError[] = []
  const url = link.url.trim()
  if (url === '') {
    errors.push({ attribute: 'url', message: "can't be blank" })
    errors.push({ attribute: 'url', message: 'must be a valid URL' })
  } else if (!isAllowedLinkUrl(url)) {
    errors.push({
      attribute: 'url',
      message: 'is blocked: Only allowed schemes are http, https, ftp',
    })
  }
  if (url !== '' && siblings.some((s) => s.url === url)) {
    errors.push({ attribute: 'url', message: 'has already been taken' })
  }
  if (link.name.trim() === '') errors.push({ attribute: 'name', message: "can't be blank" })
  if (siblings.some((s) => s.name === link.name)) {
    errors.push({ attribute: 'name', message: 'has already been taken' })
  }
  const filepath = link.filepath
  if (filepath !== null && filepath !== '') {
    if (siblings.some((s) => s.filepath === filepath)) {
      errors.push({ attribute: 'filepath', message: 'has already been taken' })
    }
    if (!FILEPATH_REGEX.test(filepath)) {
      errors.push({ attribute: 'filepath', message: 'is in an invalid format' })
    }
    if (filepath.length > FILEPATH_MAX_LENGTH) {
      errors.push({
        attribute: 'filepath',
        message: `is too long (maximum is ${FILEPATH_MAX_LENGTH} characters)`,
      })
    }
  }
  return errors
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** Full messages as the links API returns them: `["Url has already been taken"]`. */
export const fullMessages = (errors: readonly LinkError[]): string[] =>
  errors.map((e) => `${capitalize(e.attribute)} ${e.message}`)

/** Full messages of nested links inside a release: `Links url is blocked: …`. */
export const nestedMessages = (errors: readonly LinkError[]): string[] =>
  errors.map((e) => `Links ${e.attribute} ${e.message}`)

/** `Links have duplicate values (a, b) for #<Release:0x…> scope`, one per duplicated attribute. */
export const duplicateMessages = (links: readonly LinkInput[], releaseLabel: string): string[] => {
  const messages: string[] = []
  for (const attribute of ['name', 'url', 'filepath'] as const) {
    const counts = new Map<string, number>()
    for (const link of links) {
      const value = attribute === 'url' ? link.url.trim() : link[attribute]
      if (value === null || value === '') continue
      counts.set(value, (counts.get(value) ?? 0) + 1)
    }
    const dupes = [...counts].filter(([, n]) => n > 1).map(([v]) => v)
    if (dupes.length > 0) {
      messages.push(`Links have duplicate values (${dupes.join(', ')}) for ${releaseLabel} scope`)
    }
  }
  return messages
}
