/**
 * What the transport takes from undici, each part from its own module. undici's index loads
 * every part of undici (fetch, WebSocket, caches, mocks) and, through its cookie helpers, Node's
 * own copy of undici: about 50 ms of each start of the bundle, for parts the transport never
 * uses. The build maps the bare name `undici` to build/undici-on-demand for the same reason
 * (build/tsconfig.json), which is why nothing here imports it at run time.
 */
import Agent from 'undici/lib/dispatcher/agent.js'
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js'
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js'
import dispatcherApi from 'undici/lib/api/index.js'

export { Agent, EnvHttpProxyAgent }

/**
 * Gives every dispatcher `request`, `stream`, `connect` and the rest, as undici's index does when
 * it loads: the transport sends with `request`, and undici's proxy agents open tunnels with
 * `connect`.
 */
export function installDispatcherApi(): void {
  if (Dispatcher.prototype.request === dispatcherApi.request) return
  Object.assign(Dispatcher.prototype, dispatcherApi)
}
