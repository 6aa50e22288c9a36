import { renderServerMessage } from '../../src/http/server-message.js'
import { registerSecret } from '../../src/secrets.js'

describe('renderServerMessage', () => {
  test.each([
    ['a GitLab string message', { message: '404 Project Not Found' }, '404 Project Not Found'],
    [
      'a GitLab validation object',
      { message: { name: ['has already been taken'], url: ['is blocked', 'is invalid'] } },
      'name has already been taken; url is blocked, is invalid',
    ],
    [
      'a GitLab message array',
      { message: ['tag_name is missing', 'ref is missing'] },
      'tag_name is missing; ref is missing',
    ],
    [
      "GitLab's application rate limiter",
      { message: { error: 'This endpoint has been requested too many times. Try again later.' } },
      'This endpoint has been requested too many times. Try again later.',
    ],
    ['a Grape parameter error', { error: 'tag_name is missing' }, 'tag_name is missing'],
    [
      'an OAuth scope error',
      { error: 'insufficient_scope', error_description: 'The request requires higher privileges.' },
      'insufficient_scope: The request requires higher privileges.',
    ],
    [
      'a GitHub validation error',
      {
        message: 'Validation Failed',
        errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
      },
      'Validation Failed: Release.tag_name already exists',
    ],
    [
      'GitHub errors with their own messages',
      {
        message: 'Validation Failed',
        errors: [{ message: 'tag_name is not a valid tag' }, 'plain'],
      },
      'Validation Failed: tag_name is not a valid tag; plain',
    ],
    ["GitLab's text/plain throttle body", 'Retry later\n', 'Retry later'],
    [
      'an HTML error page, by its title',
      '<!DOCTYPE html><html><head><title>502 Bad Gateway</title>',
      '502 Bad Gateway',
    ],
    ['an empty body', undefined, undefined],
    ['a blank body', '  \n', undefined],
  ])('renders %s', (_name, body, expected) => {
    expect(renderServerMessage(body)).toBe(expected)
  })

  it('bounds a long body', () => {
    const rendered = renderServerMessage('x'.repeat(5000)) ?? ''
    expect(rendered.length).toBeLessThanOrEqual(501)
    expect(rendered.endsWith('…')).toBe(true)
  })

  it('redacts registered secrets the server echoes', () => {
    registerSecret('echoed-secret-1234')
    expect(renderServerMessage({ message: 'bad token echoed-secret-1234' })).toBe('bad token ***')
  })
})
