/**
 * The elements of a JSON array, as text, one at a time, without parsing them: a caller that
 * wants few of many large elements (GitHub's list of releases, each with all its assets) parses
 * only those, instead of building objects for the whole page.
 */
export function* jsonArrayElements(text: string): Generator<string> {
  let depth = 0
  let start = -1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
      continue
    }
    if (c === QUOTE) {
      inString = true
      if (depth === 1 && start < 0) start = i
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (depth === 1 && start < 0) start = i
      depth++
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--
      if (depth === 0 && start >= 0) yield text.slice(start, i).trim()
      if (depth === 0) start = -1
    } else if (c === COMMA && depth === 1) {
      if (start >= 0) yield text.slice(start, i).trim()
      start = -1
    } else if (depth === 1 && start < 0 && !isSpace(c)) {
      start = i
    }
  }
  if (depth !== 0 || inString) throw new SyntaxError('unterminated JSON array')
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}
