import { readFileSync } from 'node:fs'
import tls from 'node:tls'

import type { Dispatcher } from 'undici'

import { ReleaseError } from '../errors.js'
import { Agent, EnvHttpProxyAgent, installDispatcherApi } from './undici-parts.js'

export interface DispatcherOptions {
  readonly connections: number
  /** Undici's response-body inactivity limit; the transport's watchdog covers the rest. */
  readonly bodyTimeoutMs: number
  readonly caFile?: string
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * A keep-alive agent with at most `connections` sockets per origin, going through
 * HTTPS_PROXY / HTTP_PROXY unless NO_PROXY matches (either case, lower case first, as curl).
 * EnvHttpProxyAgent does the NO_PROXY matching (host, `.suffix`, `*.suffix`, `host:port`, `*`);
 * we hand it the values from our env so nothing is read from process.env behind our back.
 * Like undici, an https URL falls back to HTTP_PROXY when HTTPS_PROXY is unset.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  installDispatcherApi()
  const ca = options.caFile === undefined ? undefined : readTrustedCas(options.caFile, options.env)
  const tlsOptions = ca === undefined ? {} : { ca }
  const agentOptions = {
    connections: options.connections,
    // The watchdog replaces headersTimeout, which a slow-reading server trips mid-upload.
    headersTimeout: 0,
    bodyTimeout: options.bodyTimeoutMs,
    connect: tlsOptions,
  }
  const httpProxy = readEnv(options.env, 'http_proxy')
  const httpsProxy = readEnv(options.env, 'https_proxy')
  if (httpProxy === '' && httpsProxy === '') return new Agent(agentOptions)
  return new EnvHttpProxyAgent({
    ...agentOptions,
    httpProxy,
    httpsProxy,
    noProxy: readEnv(options.env, 'no_proxy'),
    // Plain-http targets go as absolute-URI requests; many proxies only allow CONNECT to 443.
    proxyTunnel: false,
    requestTls: tlsOptions,
    proxyTls: tlsOptions,
  })
}

/** Lower case wins, like curl and undici; empty means unset. */
function readEnv(env: Readonly<Record<string, string | undefined>>, name: string): string {
  return (env[name] ?? env[name.toUpperCase()] ?? '').trim()
}

/**
 * Node replaces its whole trust store when `ca` is given, dropping NODE_EXTRA_CA_CERTS (and on
 * Node 22+ the system store when --use-system-ca is on), so we pass the defaults back in.
 */
function readTrustedCas(
  caFile: string,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return [...defaultCas(), ...readExtraCas(env['NODE_EXTRA_CA_CERTS']), readPem(caFile)]
}

function defaultCas(): readonly string[] {
  // tls.getCACertificates (Node 22.15+) includes the system and extra stores when enabled.
  const getCaCertificates = (tls as { getCACertificates?: (type: string) => string[] })
    .getCACertificates
  return getCaCertificates === undefined ? tls.rootCertificates : getCaCertificates('default')
}

/** Node only warns about an unreadable NODE_EXTRA_CA_CERTS, so do we (by ignoring it). */
function readExtraCas(path: string | undefined): string[] {
  if (path === undefined || path === '') return []
  try {
    return [readFileSync(path, 'utf8')]
  } catch {
    return []
  }
}

function readPem(path: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'ca_file',
      message: `Cannot read the CA bundle ${path}: ${(error as Error).message}`,
      hint: 'Point it at a readable PEM file holding the CA certificates of your server.',
      cause: error,
    })
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ReleaseError({
      code: 'INVALID_INPUT',
      input: 'ca_file',
      message: `${path} holds no PEM certificate`,
      hint: 'Give a PEM bundle (-----BEGIN CERTIFICATE----- blocks), not DER or a key.',
    })
  }
  return text
}
