'use strict'
// What @actions/http-client (ProxyAgent) and @actions/github (fetch) import from undici, for the
// bundle only (build/tsconfig.json maps the bare name `undici` here). undici's index loads every
// part of undici and, through its cookie helpers, Node's own copy of undici: about 50 ms of each
// start, though neither name is used unless a proxy is set for @actions/http-client or Octokit
// is given no fetch of ours. Each name loads the real index when it is first read.
for (const name of ['ProxyAgent', 'fetch']) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    get: () => require('undici/index.js')[name],
  })
}
