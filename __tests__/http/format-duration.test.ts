import { formatDuration } from '../../src/http/format-duration.js'

describe('formatDuration', () => {
  test.each([
    [250, '250 ms'],
    [7000, '7 s'],
    [90_000, '90 s'],
    [300_000, '5 min'],
    [7_200_000, '2 h'],
    [9_000_000, '2 h 30 min'],
  ])('renders %i ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected)
  })
})
