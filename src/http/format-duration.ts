/** Renders a wait for people: `800 ms`, `45 s`, `5 min`, `2 h 30 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever'
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const seconds = Math.round(ms / 1000)
  if (seconds < 120) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 120) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}
