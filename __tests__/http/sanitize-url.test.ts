import { sanitizeUrl } from '../../src/http/sanitize-url.js'

describe('sanitizeUrl', () => {
  test.each([
    [
      'https://git.code.tencent.com/api/v3/projects?private_token=abc',
      'https://git.code.tencent.com/api/v3/projects',
    ],
    [
      'https://gitlab.example.com/api/v4/x?job_token=abc&page=2',
      'https://gitlab.example.com/api/v4/x?page=2',
    ],
    ['https://h/x?ACCESS_TOKEN=abc&token=def&per_page=100', 'https://h/x?per_page=100'],
    ['https://oauth2:secret@gitlab.example.com/api/v4', 'https://gitlab.example.com/api/v4'],
    ['https://h/x?q=a%20b', 'https://h/x?q=a%20b'],
  ])('removes credentials from %s', (input, expected) => {
    expect(sanitizeUrl(input)).toBe(expected)
  })
})
