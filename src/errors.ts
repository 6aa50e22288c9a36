/**
 * Every failure the tool reports is a ReleaseError: a stable code, the input it concerns (when
 * one does) and a hint that says what would fix it. Messages never contain credentials.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'ASSET_NOT_FOUND'
  | 'ASSET_INVALID'
  | 'ASSET_TOO_LARGE'
  | 'ASSET_EXISTS'
  | 'RELEASE_EXISTS'
  | 'TAG_MISSING'
  | 'AUTH'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'HTTP'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'VERIFY_FAILED'
  | 'UNSUPPORTED'
  | 'INTERNAL'

export interface ReleaseErrorOptions {
  code: ErrorCode
  message: string
  input?: string
  hint?: string
  cause?: unknown
}

export class ReleaseError extends Error {
  readonly code: ErrorCode
  readonly input: string | undefined
  readonly hint: string | undefined

  constructor(options: ReleaseErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ReleaseError'
    this.code = options.code
    this.input = options.input
    this.hint = options.hint
  }

  /** One line a person can act on: which input, what is wrong, what would fix it. */
  describe(): string {
    const subject = this.input === undefined ? '' : `Input '${this.input}': `
    if (this.hint === undefined) return `${subject}${this.message}`
    return `${subject}${endSentence(this.message)} ${this.hint}`
  }
}

/** Several input problems found together, so the user can fix them all in one go. */
export class InputErrors extends ReleaseError {
  readonly problems: readonly ReleaseError[]

  constructor(problems: readonly ReleaseError[]) {
    super({
      code: 'INVALID_INPUT',
      message:
        problems.length === 1
          ? (problems[0]?.describe() ?? 'Invalid input.')
          : `${problems.length} input problems:\n${problems.map((p) => `  - ${p.describe()}`).join('\n')}`,
    })
    this.name = 'InputErrors'
    this.problems = problems
  }

  override describe(): string {
    return this.message
  }
}

/**
 * The message as a sentence, so that the hint after it starts a new one. Messages that end in a
 * server's own words ("…: start_point is not a valid commit, branch or tag") have no full stop,
 * and "…or tag Set 'ref'…" read as one broken sentence.
 */
function endSentence(message: string): string {
  const text = message.trimEnd()
  return /[.!?…]["')\]]?$/.test(text) ? text : `${text}.`
}

export function inputError(input: string, message: string, hint?: string): ReleaseError {
  return new ReleaseError({
    code: 'INVALID_INPUT',
    input,
    message,
    ...(hint === undefined ? {} : { hint }),
  })
}

export function describeError(error: unknown): string {
  if (error instanceof ReleaseError) return error.describe()
  if (error instanceof Error) return error.message
  return String(error)
}
