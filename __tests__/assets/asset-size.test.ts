import { checkAssetSize, formatBytes } from '../../src/assets/asset-size.js'

const GiB = 1024 ** 3

describe('checkAssetSize', () => {
  test.each([
    ['github', 2 * GiB - 1, undefined],
    ['github', 2 * GiB, 'error'],
    ['gongfeng', 200_000_000, undefined],
    ['gongfeng', 200_000_001, 'error'],
    ['gitlab', 5 * GiB, undefined],
    ['gitlab', 5 * GiB + 1, 'warning'],
  ] as const)('on %s, %d bytes gives %s', (platform, size, severity) => {
    const finding = checkAssetSize('app.bin', size, platform)
    expect(finding?.severity).toBe(severity)
    if (finding !== undefined) expect(finding.message).toContain('app.bin')
  })

  it('leaves GitLab project uploads to the server', () => {
    expect(checkAssetSize('app.bin', 6 * GiB, 'gitlab', 'project_uploads')).toBeUndefined()
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
