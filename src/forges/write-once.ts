import { OutcomeUnknownError } from '../http/outcome-unknown-error.js'

/**
 * Runs a write that must not be repeated blindly (a POST that creates something). When its
 * outcome is unknown (reset or timeout after sending, a bare 5xx), `readBack` decides: what it
 * finds is the write's result; only when it finds nothing is the write sent again.
 */
export async function writeOnce<T>(
  write: () => Promise<T>,
  readBack: () => Promise<T | undefined>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write()
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError) || attempt >= attempts) throw error
      const landed = await readBack()
      if (landed !== undefined) return landed
    }
  }
}
