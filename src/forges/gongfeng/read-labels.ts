/**
 * Release labels in whichever shape the server answers with: the docs show `labels` only as a
 * request parameter ("以,分隔"), not in the release object, so strings, `{name}`/`{title}`
 * objects and one comma-separated string are all read. Undefined when the server says nothing,
 * so that labels are then never reported as changed.
 */
export function readLabels(value: unknown): string[] | undefined {
  if (value === undefined) return undefined
  if (value === null) return []
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== '')
  }
  if (!Array.isArray(value)) return undefined
  return value.flatMap((item: unknown) => {
    if (typeof item === 'string') return [item]
    if (typeof item === 'object' && item !== null) {
      const { name, title } = item as { name?: unknown; title?: unknown }
      const text = typeof name === 'string' ? name : title
      return typeof text === 'string' ? [text] : []
    }
    return []
  })
}
