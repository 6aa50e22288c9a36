/**
 * ISO 8601 dates as GitLab takes them for `released_at` (API-NOTES §1.2): a date, or a date and
 * time separated by `T` or a space, with `Z`, a `±hh:mm`/`±hhmm` offset or no zone (meaning UTC,
 * as GitLab reads it). Returns `YYYY-MM-DDTHH:mm:ss.sssZ`, or undefined when not such a date.
 */
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/

export function parseReleasedAt(text: string): string | undefined {
  const m = PATTERN.exec(text.trim())
  if (m === null) return undefined
  const field = (index: number): number => Number(m[index] ?? 0)
  const [year, month, day, hour, minute, second] = [
    field(1),
    field(2),
    field(3),
    field(4),
    field(5),
    field(6),
  ]
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3))
  const offsetSign = m[9] === '-' ? -1 : 1
  const offsetHours = field(10)
  const offsetMinutes = field(11)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  if (offsetHours > 23 || offsetMinutes > 59) return undefined

  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  const offset = offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000
  const utc = new Date(date.getTime() - offset)
  const iso = utc.toISOString()
  // Offsets can push year 0000 or 9999 out of the four-digit range toISOString writes plainly.
  return /^\d{4}-/.test(iso) ? iso : undefined
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}
