/**
 * Gongfeng's error bodies. Only the 401 body is documented ("使用前必读": `{"message": "401
 * Unauthorized"}`); the API is a GitLab v3 derivative, so every other error uses the same
 * `{"message": …}` shape with GitLab's wording (API-NOTES §2.1 calls this the best guess).
 */
import type { Exchange } from '../exchange.js'

export const apiError = (ex: Exchange, status: number, message: string): Promise<void> =>
  ex.json(status, { message })

export const unauthorized = (ex: Exchange): Promise<void> => apiError(ex, 401, '401 Unauthorized')

export const forbidden = (ex: Exchange): Promise<void> => apiError(ex, 403, '403 Forbidden')

/** Missing project, release, tag, attachment and unknown routes all answer the same. */
export const notFound = (ex: Exchange): Promise<void> => apiError(ex, 404, '404 Not Found')

export const badRequest = (ex: Exchange, reason: string): Promise<void> =>
  apiError(ex, 400, `400 Bad request - ${reason}`)
