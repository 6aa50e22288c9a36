/** Compares dotted versions numerically ("16.11.0-ee" vs "17.2"); suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] =>
    v
      .replace(/[^0-9.].*$/, '')
      .split('.')
      .map((n) => Number(n) || 0)
  const left = parse(a)
  const right = parse(b)
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0)
    if (diff !== 0) return diff
  }
  return 0
}
