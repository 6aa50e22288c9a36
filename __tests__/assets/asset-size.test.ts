import { formatBytes } from '../../src/assets/asset-size.js'
import { rulesFor } from '../support/asset-rules.js'

const GiB = 1024 ** 3

describe("each forge's size limit", () => {
  test.each([
    ['github', 2 * GiB - 1, undefined],
    ['github', 2 * GiB, 'error'],
    ['gongfeng', 200_000_000, undefined],
    ['gongfeng', 200_000_001, 'error'],
    ['gitlab', 5 * GiB, undefined],
    ['gitlab', 5 * GiB + 1, 'warning'],
  ] as const)('on %s, %d bytes gives %s', (platform, size, severity) => {
    const finding = rulesFor(platform).checkSize('app.bin', size)
    expect(finding?.severity).toBe(severity)
    if (finding !== undefined) expect(finding.message).toContain('app.bin')
  })

  it('leaves GitLab project uploads to the server', () => {
    expect(rulesFor('gitlab', 'project_uploads').checkSize('app.bin', 6 * GiB)).toBeUndefined()
  })
})

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [2 * GiB, '2.0 GiB'],
  ])('writes %d as %s', (size, text) => {
    expect(formatBytes(size)).toBe(text)
  })
})
