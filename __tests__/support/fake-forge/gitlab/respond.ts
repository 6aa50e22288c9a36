/**
 * GitLab's error bodies (lib/api/helpers.rb `render_api_error!` and friends). Two shapes exist and
 * clients must cope with both: API helpers answer `{"message": …}` (a string, an array for link
 * validation, a hash for model validation), Grape's own parameter errors `{"error": "…"}`.
 */
import type { Exchange } from '../exchange.js'

export const apiError = (ex: Exchange, status: number, message: unknown): Promise<void> =>
  ex.json(status, { message })

export const grapeError = (ex: Exchange, status: number, error: string): Promise<void> =>
  ex.json(status, { error })

export const unauthorized = (ex: Exchange): Promise<void> => apiError(ex, 401, '401 Unauthorized')

export const forbidden = (ex: Exchange, reason?: string): Promise<void> =>
  apiError(ex, 403, reason === undefined ? '403 Forbidden' : `403 Forbidden - ${reason}`)

/** `not_found!(resource)`: `404 Project Not Found`, `404 Tag Not Found`, plain `404 Not Found`. */
export const notFound = (ex: Exchange, resource?: string): Promise<void> =>
  apiError(ex, 404, resource === undefined ? '404 Not Found' : `404 ${resource} Not Found`)

/** `ActiveRecord::RecordNotFound` rescued by the API: note the lower-case "found". */
export const recordNotFound = (ex: Exchange): Promise<void> => apiError(ex, 404, '404 Not found')

export const badRequest = (ex: Exchange, reason?: string): Promise<void> =>
  apiError(ex, 400, reason === undefined ? '400 Bad request' : `400 Bad request - ${reason}`)

/** The catch-all `route :any, '*path'` of lib/api/api.rb. */
export const routeNotFound = (ex: Exchange): Promise<void> => grapeError(ex, 404, '404 Not Found')
