/**
 * "Did you mean …?" for a name that is not known: the closest candidate, when it is close
 * enough to be a typo or a shortened name. Case, `-` and `_` do not count as differences,
 * because the GitHub runner upper-cases `with:` keys and flags may be spelled with either.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normaliseName(name)
  let best: { name: string; distance: number } | undefined
  for (const candidate of candidates) {
    const known = normaliseName(candidate)
    const distance =
      known.startsWith(wanted) && wanted.length >= 3 ? 1 : editDistance(wanted, known)
    if (best === undefined || distance < best.distance) best = { name: candidate, distance }
  }
  if (best === undefined || best.distance > Math.max(2, Math.floor(wanted.length / 3))) {
    return undefined
  }
  return best.name
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/-/g, '_')
}

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
