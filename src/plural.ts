/**
 * A count with its noun in the right number: `plural(1, 'file')` is "1 file", `plural(0,
 * 'file')` "0 files". Messages name counts often enough that "1 files" slipped through.
 */
export function plural(count: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nounPlural}`
}
