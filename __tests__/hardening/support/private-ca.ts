/**
 * A private CA made for one test run with openssl, and a server certificate it signed for
 * 127.0.0.1, localhost and extra host names: what a self-managed GitLab or Gongfeng behind a
 * company CA presents.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export interface PrivateCa {
  /** PEM of the CA (what ca_file, CI_SERVER_TLS_CA_FILE or NODE_EXTRA_CA_CERTS name). */
  readonly caFile: string
  readonly key: Buffer
  readonly cert: Buffer
}

export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0
}

export async function makePrivateCa(hosts: readonly string[] = []): Promise<PrivateCa> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-release-ca-'))
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    'req',
    '-x509',
    ...ec,
    '-days',
    '2',
    '-subj',
    '/CN=forge-release hardening CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  )
  const names = ['IP:127.0.0.1', 'DNS:localhost', ...hosts.map((h) => `DNS:${h}`)]
  await writeFile(path.join(dir, 'server.ext'), `subjectAltName=${names.join(',')}\n`)
  openssl('req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr')
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'server.ext',
    '-out',
    'server.pem',
  )
  return {
    caFile: path.join(dir, 'ca.pem'),
    key: await readFile(path.join(dir, 'server.key')),
    cert: await readFile(path.join(dir, 'server.pem')),
  }
}
