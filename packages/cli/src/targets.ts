import { isLoopbackHost } from '@leakguard/core'
import { ScanError } from './errors.js'

/** Whether `hostname` is this machine (core's rule: only the name `localhost`, 127/8, `::1`). */
export const isLoopback = isLoopbackHost

/**
 * Whether `hostname` matches one `--allow-host` entry: a host name or address, exactly (case
 * insensitive), or `*.example.com` for the subdomains of `example.com` (not `example.com` itself).
 */
export function matchesAllowedHost(hostname: string, allowed: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  const entry = allowed.toLowerCase().replace(/\.$/, '')
  if (entry.startsWith('*.')) return host.endsWith(entry.slice(1)) && host.length > entry.length - 1
  const bare = (name: string) => name.replace(/^\[(.*)\]$/, '$1')
  return bare(host) === bare(entry)
}

/**
 * The target as a URL, when the scan may send requests to it: http or https, no credentials in the
 * URL, and a loopback host unless an `--allow-host` entry names it.
 * @throws ScanError otherwise
 */
export function checkTarget(target: string, allowHosts: readonly string[]): URL {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw new ScanError(
      'ERR_LG_SCAN_USAGE',
      `the target ${JSON.stringify(target)} is not a URL: give the base URL of the API, e.g. http://127.0.0.1:3000`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ScanError('ERR_LG_SCAN_USAGE', `the target must be http:// or https://, got ${url.protocol}`)
  if (url.username !== '' || url.password !== '')
    throw new ScanError(
      'ERR_LG_SCAN_USAGE',
      'the target URL holds credentials: pass them with --token or --header instead (they would be printed in the report)',
    )
  if (url.search !== '' || url.hash !== '')
    throw new ScanError('ERR_LG_SCAN_USAGE', 'the target URL must not carry a query or a fragment')
  if (!isLoopback(url.hostname) && !allowHosts.some((entry) => matchesAllowedHost(url.hostname, entry)))
    throw new ScanError(
      'ERR_LG_SCAN_HOST_NOT_ALLOWED',
      `${url.hostname} is not a loopback host (localhost, 127.0.0.0/8, ::1): scan only APIs you are allowed to test, and name them with --allow-host ${url.hostname}`,
    )
  return url
}
