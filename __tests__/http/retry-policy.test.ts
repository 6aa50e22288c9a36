import fc from 'fast-check'

import { InactivityTimeout } from '../../src/http/inactivity-watchdog.js'
import {
  classifyRetry,
  failureFromError,
  isRateLimitAnswer,
  readServerWaitMs,
  type RetryFailure,
  type RetryPolicyOptions,
} from '../../src/http/retry-policy.js'

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0)
const options: RetryPolicyOptions = {
  retries: 5,
  baseMs: 500,
  capMs: 30_000,
  maxWaitMs: 300_000,
  random: () => 0.5,
  now: () => NOW,
}

const response = (
  status: number,
  headers: Record<string, string> = {},
  bodyText?: string,
): RetryFailure => ({
  kind: 'response',
  status,
  headers,
  ...(bodyText === undefined ? {} : { bodyText }),
})

const networkError = (code: string): RetryFailure => ({
  kind: 'error',
  error: Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }),
})

describe('classifyRetry', () => {
  test.each([408, 429, 500, 502, 503, 504])(
    'retries an idempotent request that got %i',
    (status) => {
      expect(
        classifyRetry({ attempt: 0, failure: response(status), idempotent: true }, options),
      ).toMatchObject({
        retry: true,
      })
    },
  )

  test.each([400, 401, 403, 404, 409, 413, 422])('treats %i as final', (status) => {
    expect(
      classifyRetry({ attempt: 0, failure: response(status), idempotent: true }, options),
    ).toEqual({
      retry: false,
      why: 'final',
      reason: `HTTP ${status}`,
    })
  })

  test.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'ENOTFOUND'])(
    'retries an idempotent request that failed with %s',
    (code) => {
      expect(
        classifyRetry({ attempt: 0, failure: networkError(code), idempotent: true }, options),
      ).toMatchObject({
        retry: true,
      })
    },
  )

  it('retries a socket hang up without an error code', () => {
    const failure: RetryFailure = { kind: 'error', error: new Error('socket hang up') }
    expect(classifyRetry({ attempt: 0, failure, idempotent: true }, options).retry).toBe(true)
  })

  it('finds the network code in the cause chain, as Octokit wraps fetch errors', () => {
    const inner = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    const fetchError = new TypeError('fetch failed', { cause: inner })
    const octokitError = Object.assign(new Error('fetch failed', { cause: fetchError }), {
      status: 500,
    })
    const failure: RetryFailure = { kind: 'error', error: octokitError }
    expect(classifyRetry({ attempt: 0, failure, idempotent: true }, options)).toMatchObject({
      retry: true,
      reason: 'connection reset (ECONNRESET)',
    })
  })

  it('retries our own inactivity timeout', () => {
    const failure: RetryFailure = { kind: 'error', error: new InactivityTimeout(200) }
    expect(classifyRetry({ attempt: 0, failure, idempotent: true }, options)).toMatchObject({
      retry: true,
      reason: 'no progress for 200 ms',
    })
  })

  it('treats an untrusted certificate as final', () => {
    const decision = classifyRetry(
      { attempt: 0, failure: networkError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), idempotent: true },
      options,
    )
    expect(decision).toMatchObject({ retry: false, why: 'final' })
  })

  it('gives up once the retries are used up', () => {
    expect(
      classifyRetry({ attempt: 5, failure: response(503), idempotent: true }, options),
    ).toEqual({
      retry: false,
      why: 'exhausted',
      reason: 'HTTP 503',
    })
  })

  describe('non-idempotent requests', () => {
    test.each([
      ['a 500', response(500)],
      ['a 502', response(502)],
      ['a 504', response(504)],
      ['a 503 without Retry-After', response(503)],
      ['a connection reset', networkError('ECONNRESET')],
      ['an inactivity timeout', { kind: 'error' as const, error: new InactivityTimeout(100) }],
    ])('reports the outcome as unknown after %s', (_name, failure) => {
      expect(classifyRetry({ attempt: 0, failure, idempotent: false }, options)).toMatchObject({
        retry: false,
        why: 'outcome-unknown',
      })
    })

    test.each([
      ['a 429', response(429)],
      ['a 408', response(408)],
      ['a 503 with Retry-After', response(503, { 'Retry-After': '3' })],
      ['a GitHub rate-limit 403', response(403, { 'x-ratelimit-remaining': '0' })],
      ['a refused connection', networkError('ECONNREFUSED')],
      ['a DNS failure', networkError('EAI_AGAIN')],
      ['a connect timeout', networkError('UND_ERR_CONNECT_TIMEOUT')],
    ])('retries after %s, which the server never acted on', (_name, failure) => {
      expect(classifyRetry({ attempt: 0, failure, idempotent: false }, options).retry).toBe(true)
    })
  })

  describe('server-requested waits', () => {
    it('waits at least Retry-After seconds', () => {
      const decision = classifyRetry(
        { attempt: 0, failure: response(503, { 'retry-after': '7' }), idempotent: true },
        options,
      )
      expect(decision).toMatchObject({ retry: true, reason: 'HTTP 503, server asked to wait 7 s' })
      if (decision.retry) expect(decision.delayMs).toBeGreaterThanOrEqual(7000)
    })

    it('reads Retry-After as an HTTP date', () => {
      const date = new Date(NOW + 90_000).toUTCString()
      expect(readServerWaitMs(503, { 'Retry-After': date }, undefined, NOW)).toBe(90_000)
    })

    it('waits until GitLab RateLimit-Reset on a 429 without Retry-After', () => {
      const reset = String(NOW / 1000 + 42)
      expect(readServerWaitMs(429, { 'RateLimit-Reset': reset }, 'Retry later', NOW)).toBe(42_000)
    })

    it('waits until GitHub x-ratelimit-reset when none remain', () => {
      const headers = {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(NOW / 1000 + 120),
      }
      expect(readServerWaitMs(403, headers, '{"message":"API rate limit exceeded"}', NOW)).toBe(
        120_000,
      )
    })

    it('ignores x-ratelimit-reset while requests remain', () => {
      const headers = {
        'x-ratelimit-remaining': '10',
        'x-ratelimit-reset': String(NOW / 1000 + 120),
      }
      expect(readServerWaitMs(429, headers, undefined, NOW)).toBeUndefined()
    })

    it('waits a minute on a GitHub secondary rate limit that names no time', () => {
      const body =
        '{"message":"You have exceeded a secondary rate limit. Please wait a few minutes."}'
      expect(readServerWaitMs(403, {}, body, NOW)).toBe(60_000)
    })

    it('gives up with the requested wait when it exceeds maxWaitMs', () => {
      const decision = classifyRetry(
        { attempt: 0, failure: response(429, { 'Retry-After': '3600' }), idempotent: true },
        options,
      )
      expect(decision).toEqual({
        retry: false,
        why: 'wait-too-long',
        reason: 'HTTP 429',
        serverWaitMs: 3_600_000,
      })
    })
  })
})

describe('isRateLimitAnswer', () => {
  test.each([
    [403, { 'x-ratelimit-remaining': '0' }, undefined, true],
    [429, { 'X-RateLimit-Remaining': '0' }, undefined, true],
    [403, {}, 'You have exceeded a secondary rate limit', true],
    [
      403,
      { 'x-ratelimit-remaining': '4999' },
      '{"message":"Resource not accessible by integration"}',
      false,
    ],
    [404, { 'x-ratelimit-remaining': '0' }, undefined, false],
  ])('status %i with %j and body %j → %s', (status, headers, body, expected) => {
    expect(isRateLimitAnswer(status, headers, body)).toBe(expected)
  })
})

describe('backoff', () => {
  const timing = fc.record({
    baseMs: fc.integer({ min: 1, max: 5000 }),
    capMs: fc.integer({ min: 1, max: 120_000 }),
    maxWaitMs: fc.integer({ min: 0, max: 600_000 }),
    retries: fc.integer({ min: 1, max: 20 }),
  })
  const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })

  it('stays within [0, min(cap, base·2^attempt)] when the server names no wait', () => {
    fc.assert(
      fc.property(timing, unit, fc.nat({ max: 40 }), (t, r, attempt) => {
        const decision = classifyRetry(
          { attempt: attempt % t.retries, failure: response(502), idempotent: true },
          { ...t, random: () => r, now: () => NOW },
        )
        const ceiling = Math.min(t.capMs, t.baseMs * 2 ** (attempt % t.retries))
        return decision.retry && decision.delayMs >= 0 && decision.delayMs <= ceiling
      }),
    )
  })

  it('never waits less than the server asked, and gives up beyond maxWaitMs', () => {
    fc.assert(
      fc.property(timing, unit, fc.nat({ max: 900 }), (t, r, seconds) => {
        const decision = classifyRetry(
          {
            attempt: 0,
            failure: response(429, { 'retry-after': String(seconds) }),
            idempotent: true,
          },
          { ...t, random: () => r, now: () => NOW },
        )
        const asked = seconds * 1000
        if (asked > t.maxWaitMs) return !decision.retry && decision.why === 'wait-too-long'
        return decision.retry && decision.delayMs >= asked && decision.delayMs <= asked + 1000
      }),
    )
  })
})

describe('failureFromError (for Octokit)', () => {
  it('judges a RequestError with a response by its status, headers and body', () => {
    const error = Object.assign(new Error('You have exceeded a secondary rate limit'), {
      status: 403,
      response: {
        status: 403,
        headers: { 'retry-after': '30', 'x-ratelimit-remaining': 4000 },
        data: { message: 'You have exceeded a secondary rate limit.' },
      },
    })
    const failure = failureFromError(error)
    expect(failure).toMatchObject({ kind: 'response', status: 403 })
    expect(classifyRetry({ attempt: 0, failure, idempotent: false }, options)).toMatchObject({
      retry: true,
      reason: 'HTTP 403 (rate limited), server asked to wait 30 s',
    })
  })

  it('judges a failed fetch (status 500, no response) by the network error it wraps', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    const error = Object.assign(new Error('read ECONNRESET'), {
      status: 500,
      cause: new TypeError('fetch failed', { cause: reset }),
    })
    const failure = failureFromError(error)
    expect(failure).toEqual({ kind: 'error', error })
    expect(classifyRetry({ attempt: 0, failure, idempotent: true }, options).retry).toBe(true)
    expect(classifyRetry({ attempt: 0, failure, idempotent: false }, options)).toMatchObject({
      retry: false,
      why: 'outcome-unknown',
    })
  })
})
