/**
 * Brace expansion for asset patterns (`dist/*.{zip,tar.gz}` → two patterns), as in the shell
 * and in most glob tools. @actions/glob turns it off (minimatch `nobrace`), so it happens here,
 * before the patterns reach it. A `{` without a top-level comma stays literal, and `\{` escapes.
 */
const MAX_EXPANSIONS = 1000

export function expandBraces(pattern: string): string[] {
  const results: string[] = []
  expandInto(pattern, results)
  return results
}

function expandInto(pattern: string, results: string[]): void {
  const group = findGroup(pattern)
  if (group === undefined) {
    results.push(pattern)
    return
  }
  const head = pattern.slice(0, group.open)
  const tail = pattern.slice(group.close + 1)
  for (const alternative of group.alternatives) {
    if (results.length >= MAX_EXPANSIONS) {
      throw new RangeError(
        `Pattern ${JSON.stringify(pattern)} expands to more than ${MAX_EXPANSIONS} patterns`,
      )
    }
    expandInto(`${head}${alternative}${tail}`, results)
  }
}

interface BraceGroup {
  readonly open: number
  readonly close: number
  readonly alternatives: readonly string[]
}

/** The first `{…}` group with a comma at its own nesting level. */
function findGroup(pattern: string): BraceGroup | undefined {
  for (let open = 0; open < pattern.length; open++) {
    const c = pattern[open]
    if (c === '\\') {
      open++
      continue
    }
    if (c !== '{') continue
    const group = readGroup(pattern, open)
    if (group !== undefined) return group
  }
  return undefined
}

function readGroup(pattern: string, open: number): BraceGroup | undefined {
  let depth = 0
  let start = open + 1
  const alternatives: string[] = []
  for (let i = open + 1; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') {
      i++
    } else if (c === '{') {
      depth++
    } else if (c === '}' && depth > 0) {
      depth--
    } else if (c === ',' && depth === 0) {
      alternatives.push(pattern.slice(start, i))
      start = i + 1
    } else if (c === '}') {
      if (alternatives.length === 0) return undefined
      alternatives.push(pattern.slice(start, i))
      return { open, close: i, alternatives }
    }
  }
  return undefined
}
