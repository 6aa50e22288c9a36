import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

import { ReleaseError } from '../../src/errors.js'
import { createTransport } from '../../src/http/transport.js'
import { fetchPublicTrustedRoot, readTrustedRootFile } from '../../src/signing/trusted-root.js'
import { startFakeSigstore } from '../support/fake-sigstore.js'
import { makeWorkspace } from '../support/run-tool.js'

describe('readTrustedRootFile', () => {
  it('reads a trusted_root.json', async () => {
    const sigstore = await startFakeSigstore()
    try {
      const root = await readTrustedRootFile(await sigstore.writeTrustedRoot(await makeWorkspace()))
      expect(root.certificateAuthorities).toHaveLength(1)
      expect(root.tlogs).toHaveLength(1)
    } finally {
      await sigstore.close()
    }
  })

  it.each([
    ['a missing file', undefined, /^Input 'trusted_root': cannot read .*missing\.json \(ENOENT\)/],
    ['not JSON', 'nope', /is not a Sigstore trusted root: .*JSON/],
    ['a document without authorities', '{"mediaType":"x"}', /lists no certificate authority/],
  ])('refuses %s, naming the input', async (_what, content, message) => {
    const dir = await makeWorkspace()
    const file = path.join(dir, 'missing.json')
    if (content !== undefined) await writeFile(file, content)
    const error = await readTrustedRootFile(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReleaseError)
    expect((error as ReleaseError).describe()).toMatch(message)
  })
})

describe('fetchPublicTrustedRoot', () => {
  it('goes to Sigstore’s TUF repository through the transport and its proxy, and says when it cannot', async () => {
    // A proxy that refuses every tunnel: the request is seen, nothing leaves the machine.
    const tunnels: string[] = []
    const proxy = http.createServer()
    proxy.on('connect', (request: http.IncomingMessage, socket: import('node:net').Socket) => {
      tunnels.push(request.url ?? '')
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const port = (proxy.address() as AddressInfo).port
    const http2 = createTransport({
      retries: 0,
      timeoutMs: 10_000,
      userAgent: 'test',
      env: { HTTPS_PROXY: `http://127.0.0.1:${port}` },
    })
    const cache = await makeWorkspace()
    try {
      const error = await fetchPublicTrustedRoot(http2, cache).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ReleaseError)
      expect((error as ReleaseError).describe()).toMatch(
        /^Input 'trusted_root': Could not get the public Sigstore trusted root from https:\/\/tuf-repo-cdn\.sigstore\.dev: .* Check the network \(HTTPS_PROXY is honoured\), or give --trusted_root a trusted_root\.json\.$/,
      )
      expect(tunnels[0]).toBe('tuf-repo-cdn.sigstore.dev:443')
      // The root of trust shipped with @sigstore/tuf seeds the cache.
      expect(existsSync(path.join(cache, 'tuf-repo-cdn.sigstore.dev', 'root.json'))).toBe(true)
    } finally {
      await http2.close()
      proxy.closeAllConnections()
      await new Promise((resolve) => proxy.close(resolve))
    }
  })
})
