/**
 * SHA256SUMS in the format `sha256sum -c` reads: `<hex>  <name>` per line, sorted by name.
 * Names holding a backslash, LF or CR are escaped the way GNU coreutils (9.x) writes them: the
 * line starts with `\` and the name has `\\`, `\n`, `\r` in their place.
 */
export interface Sha256Entry {
  readonly name: string
  readonly sha256: string
}

const HEX64 = /^[0-9a-fA-F]{64}$/

export function renderSha256Sums(entries: readonly Sha256Entry[]): string {
  const sorted = [...entries].sort((a, b) =>
    Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')),
  )
  return sorted
    .map(({ name, sha256 }) => {
      if (!HEX64.test(sha256)) throw new RangeError(`Not a sha256 hex digest for ${name}`)
      const escaped = /[\\\n\r]/.test(name)
      const shown = escaped
        ? name.replace(/[\\\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\r'))
        : name
      return `${escaped ? '\\' : ''}${sha256.toLowerCase()}  ${shown}\n`
    })
    .join('')
}

// `s`: a name may hold U+2028/U+2029, which `.` would not match otherwise.
const LINE = /^(\\?)([0-9a-fA-F]{64}) [ *](.+)$/s
const TAGGED = /^(\\?)SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/s

/**
 * Reads a SHA256SUMS file (text or `*` binary markers, or the BSD `--tag` form) into
 * name → lower-case hex. Lines that are neither are skipped, as `sha256sum -c` skips them.
 */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>()
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    const plain = LINE.exec(line)
    const tagged = plain === null ? TAGGED.exec(line) : null
    const escapedMark = plain?.[1] ?? tagged?.[1]
    const hex = plain?.[2] ?? tagged?.[3]
    const shown = plain?.[3] ?? tagged?.[2]
    if (hex === undefined || shown === undefined) continue
    const name = escapedMark === '\\' ? unescapeName(shown) : shown
    if (name !== undefined) sums.set(name, hex.toLowerCase())
  }
  return sums
}

function unescapeName(shown: string): string | undefined {
  let name = ''
  for (let i = 0; i < shown.length; i++) {
    const c = shown[i]
    if (c !== '\\') {
      name += c
      continue
    }
    const next = shown[++i]
    if (next === '\\') name += '\\'
    else if (next === 'n') name += '\n'
    else if (next === 'r') name += '\r'
    // coreutils rejects any other escape as an improperly formatted line.
    else return undefined
  }
  return name
}
