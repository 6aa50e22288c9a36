/**
 * The elements of a JSON array read from a byte stream, each as its own JSON text (UTF-8 bytes),
 * without parsing them: a caller that wants few of many large elements (GitHub's list of
 * releases, each with all its assets) parses only those. An element's bytes are held only until
 * it ends, so a page of releases never sits in memory whole. With `needles`, only elements that
 * contain one of them are given, and the others are never copied out of the stream's chunks.
 */
export async function* jsonArrayElements(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  needles: readonly Buffer[] = [],
): AsyncGenerator<Buffer> {
  const scan = new ElementScanner(needles)
  for await (const chunk of chunks) {
    yield* scan.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
  }
  if (!scan.ended()) throw new SyntaxError('unterminated JSON array')
}

/**
 * The state of the scan between chunks. UTF-8 continuation bytes are all above 0x7f, so a byte
 * that looks like a quote, bracket or comma is one.
 */
class ElementScanner {
  private depth = 0
  private inString = false
  private escaped = false
  /** The current element's bytes from earlier chunks. */
  private parts: Buffer[] = []
  /** Whether an element is open (its first byte seen). */
  private open = false
  /** Whether the open element contains a needle (always, without needles). */
  private matched = false
  /** The open element's last bytes seen, for a needle that spans two chunks. */
  private tail = Buffer.alloc(0)
  private readonly longest: number

  constructor(private readonly needles: readonly Buffer[]) {
    this.longest = Math.max(0, ...needles.map((n) => n.length))
  }

  ended(): boolean {
    return this.depth === 0 && !this.inString && !this.open
  }

  *push(chunk: Buffer): Generator<Buffer> {
    let start = this.open ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] ?? 0
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) this.escaped = true
        else if (c === QUOTE) this.inString = false
        continue
      }
      if (c === QUOTE) {
        this.inString = true
        if (this.depth === 1 && start < 0) start = this.begin(i)
      } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
        if (this.depth === 1 && start < 0) start = this.begin(i)
        this.depth++
      } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
        this.depth--
        if (this.depth === 0 && start >= 0) yield* this.finish(chunk.subarray(start, i))
        if (this.depth === 0) start = -1
      } else if (c === COMMA && this.depth === 1) {
        if (start >= 0) yield* this.finish(chunk.subarray(start, i))
        start = -1
      } else if (this.depth === 1 && start < 0 && !isSpace(c)) {
        start = this.begin(i)
      }
    }
    if (start >= 0) this.keep(chunk.subarray(start))
  }

  private begin(at: number): number {
    this.open = true
    this.matched = this.needles.length === 0
    this.tail = Buffer.alloc(0)
    return at
  }

  /** Holds a piece of the open element, noting whether a needle is in it. */
  private keep(piece: Buffer): void {
    this.parts.push(piece)
    if (this.matched) return
    const seam = Buffer.concat([this.tail, piece.subarray(0, this.longest)])
    this.matched = this.needles.some((n) => piece.includes(n) || seam.includes(n))
    const joined = piece.length >= this.longest ? piece : Buffer.concat([this.tail, piece])
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - this.longest + 1)))
  }

  /** The element that ends with `last`, when it is wanted. */
  private *finish(last: Buffer): Generator<Buffer> {
    this.keep(last)
    const parts = this.parts
    this.parts = []
    this.open = false
    if (this.matched) yield trimEnd(Buffer.concat(parts))
  }
}

function trimEnd(bytes: Buffer): Buffer {
  let end = bytes.length
  while (end > 0 && isSpace(bytes[end - 1] ?? 0)) end--
  return bytes.subarray(0, end)
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/**
 * An object's JSON text with the array of its top-level member `key` emptied, and whether that
 * array held anything (undefined when there is no such array). A listed release whose thousand
 * assets are not wanted is then parsed without building them.
 */
export function withoutArrayMember(
  element: Buffer,
  key: string,
): { readonly text: Buffer; readonly held: boolean | undefined } {
  const quotedKey = Buffer.from(JSON.stringify(key))
  let depth = 0
  for (let i = 0; i < element.length; i++) {
    const c = element[i] ?? 0
    if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--
    if (c !== QUOTE) continue
    const end = stringEnd(element, i)
    const named = depth === 1 && element.subarray(i, end + 1).equals(quotedKey)
    i = end
    if (!named) continue
    const colon = nextNonSpace(element, end + 1)
    const open = nextNonSpace(element, colon + 1)
    if (element[colon] !== COLON || element[open] !== OPEN_BRACKET) continue
    const close = closingBracket(element, open)
    return {
      text: Buffer.concat([element.subarray(0, open + 1), element.subarray(close)]),
      held: element.subarray(open + 1, close).some((b) => !isSpace(b)),
    }
  }
  return { text: element, held: undefined }
}

/** The index of the `]` that closes the array opened at `open`. */
function closingBracket(text: Buffer, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const c = text[i] ?? 0
    if (c === QUOTE) i = stringEnd(text, i)
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++
    else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && --depth === 0) return i
  }
  throw new SyntaxError('unterminated JSON array')
}

/** The index of the quote that closes the string opened at `open`. */
function stringEnd(text: Buffer, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]
    if (c === BACKSLASH) i++
    else if (c === QUOTE) return i
  }
  throw new SyntaxError('unterminated JSON string')
}

function nextNonSpace(text: Buffer, from: number): number {
  let i = from
  while (i < text.length && isSpace(text[i] ?? 0)) i++
  return i
}
