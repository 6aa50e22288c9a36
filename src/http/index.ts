/** The HTTP layer's public surface: the transport, its errors and the shared retry policy. */
export { createTransport } from './transport.js'
export { HttpError, type HttpErrorOptions } from './http-error.js'
export { NetworkError, type NetworkErrorOptions } from './network-error.js'
export { OutcomeUnknownError, type OutcomeUnknownErrorOptions } from './outcome-unknown-error.js'
export {
  classifyRetry,
  defaultRetryTiming,
  describeNetworkError,
  failureFromError,
  isCertificateError,
  isRateLimitAnswer,
  isTimeoutError,
  readServerWaitMs,
  type GiveUpReason,
  type HeaderValue,
  type ResponseHeaders,
  type RetryDecision,
  type RetryFailure,
  type RetryInput,
  type RetryPolicyOptions,
} from './retry-policy.js'
export { renderServerMessage } from './server-message.js'
export { sanitizeUrl } from './sanitize-url.js'
export { formatDuration } from './format-duration.js'
export type * from './types.js'
