/**
 * Forgejo/Gitea error bodies (services/context/api.go): `APIError` answers
 * `{"message": …, "url": "<ROOT_URL>/api/swagger"}`; `APIErrorNotFound` answers
 * `{"errors": […], "message": "The target couldn't be found.", "url": …}`.
 */
import type { Exchange } from '../exchange.js'

export const swaggerUrl = (ex: Exchange): string => `${ex.origin}/api/swagger`

export const apiError = (ex: Exchange, status: number, message: string): Promise<void> =>
  ex.json(status, { message, url: swaggerUrl(ex) })

export const notFound = (ex: Exchange, errors: readonly string[] = []): Promise<void> =>
  ex.json(404, { errors, message: "The target couldn't be found.", url: swaggerUrl(ex) })

/**
 * An Authorization header whose token no user has: the OAuth2 verifier returns
 * ErrUserNotExist (services/auth/oauth2.go) and the API answers 401 with its text.
 */
export const invalidToken = (ex: Exchange): Promise<void> =>
  apiError(ex, 401, 'user does not exist [uid: 0, name: ]')

/** `reqToken()`: a write without a signed-in user. */
export const tokenRequired = (ex: Exchange): Promise<void> => apiError(ex, 401, 'token is required')

/** `reqRepoWriter(unit.TypeReleases)` / `reqRepoWriter(unit.TypeCode)`. */
export const notWriter = (ex: Exchange): Promise<void> =>
  apiError(ex, 403, 'user should have a permission to write to a repo')

/** A scoped token without the scope the route needs (routers/api/v1/api.go tokenRequiresScopes). */
export const missingScope = (ex: Exchange, required: string, held: string): Promise<void> =>
  apiError(
    ex,
    403,
    `token does not have at least one of required scope(s), required=[${required}], token scope=${held}`,
  )

/** A binding error of the request body (422). */
export const validationError = (ex: Exchange, field: string, rule: string): Promise<void> =>
  apiError(ex, 422, `[${field}]: ${rule}`)
