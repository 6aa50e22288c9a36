/**
 * Breaks text into lines of at most `width` characters at spaces, each prefixed with `indent`.
 * A word longer than the line (a URL) gets a line of its own rather than being cut.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const room = Math.max(width - indent.length, 10)
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line === '') line = word
      else if (line.length + 1 + word.length <= room) line = `${line} ${word}`
      else {
        lines.push(`${indent}${line}`)
        line = word
      }
    }
    lines.push(`${indent}${line}`)
  }
  return lines
}
