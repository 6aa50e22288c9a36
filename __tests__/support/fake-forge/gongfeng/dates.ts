/** Gongfeng's timestamps: `2016-12-20T02:14:01+0000` (offset without a colon, no milliseconds). */
export const gongfengDate = (ms: number): string =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000')

export const gongfengDateOrNull = (ms: number | null): string | null =>
  ms === null ? null : gongfengDate(ms)
