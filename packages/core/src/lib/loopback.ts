import { isIPv4 } from 'node:net'

/**
 * Whether `hostname` (as `URL.hostname` spells it) is this machine: `localhost`, 127.0.0.0/8,
 * `::1`, IPv4-mapped 127/8. Only the name `localhost` itself counts (the hosts file answers it):
 * `api.localhost` or `localhost.` may be resolved through DNS, which can answer any address.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost') return true
  if (host === '[::1]' || host === '::1') return true
  if (isIPv4(host)) return host.startsWith('127.')
  // IPv4-mapped loopback, `[::ffff:127.0.0.1]` (URL writes it as `[::ffff:7f00:1]`).
  return /^\[::ffff:(?:127\.|7f[0-9a-f]{2}:)/.test(host)
}
