// Tests must never reach the internet: any connection to a non-loopback host fails loudly.
import net from 'node:net'

const isLoopback = (host: string | undefined): boolean =>
  host === undefined ||
  host === 'localhost' ||
  host === '::1' ||
  host === '[::1]' ||
  /^127\./.test(host)

const originalConnect = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string | undefined
  const host =
    typeof first === 'object' && first !== null
      ? first.path !== undefined
        ? 'localhost'
        : first.host
      : typeof first === 'number'
        ? (args[1] as string | undefined)
        : undefined
  if (!isLoopback(host)) {
    throw new Error(`Test tried to connect to non-loopback host ${String(host)}`)
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args)
}
