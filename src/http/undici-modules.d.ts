// The parts of undici the transport uses, each by its own module: undici's index loads all of
// undici (see src/http/undici-parts.ts). These modules ship without declarations of their own;
// each is the value its name in undici's declarations describes.
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici'
  export = Agent
}

declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import { EnvHttpProxyAgent } from 'undici'
  export = EnvHttpProxyAgent
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici'
  export = Dispatcher
}

declare module 'undici/lib/api/index.js' {
  import type { Dispatcher } from 'undici'
  /** The methods undici's index puts on Dispatcher.prototype. */
  const api: Pick<Dispatcher, 'request' | 'stream' | 'pipeline' | 'upgrade' | 'connect'>
  export = api
}
