import { BlockList, isIP } from 'node:net'
import { describe, fail } from '../lib/validate.js'

/**
 * Which proxies in front of the app are trusted to say who the client is (`X-Forwarded-For`):
 * `false` (none: the socket's address is the client), a hop count, or a list of addresses and
 * CIDR ranges (`'10.0.0.0/8'`, `'fd00::/8'`).
 */
export type TrustProxy = false | number | readonly string[]

/** How the client address of a request is found and grouped. */
export interface ClientAddressResolver {
  /** The grouping key of the client's address, or `undefined` when there is none. */
  resolve(
    remoteAddress: string | undefined,
    forwardedFor: string | readonly string[] | undefined,
  ): string | undefined
  /** Whether `X-Forwarded-For` is ignored (no trusted proxy configured). */
  readonly ignoresForwardedFor: boolean
  /** Whether the socket's peer is a trusted proxy, whose forwarding headers (`X-Forwarded-Proto`) count. */
  trustsPeer(remoteAddress: string | undefined): boolean
}

/** `::ffff:1.2.3.4` -> `1.2.3.4`; brackets and zone ids dropped; `undefined` if not an IP. */
export function normalizeIp(value: string): string | undefined {
  let address = value.trim()
  if (address.startsWith('['))
    address = address.slice(1, address.indexOf(']') === -1 ? undefined : address.indexOf(']'))
  const zone = address.indexOf('%')
  if (zone !== -1) address = address.slice(0, zone)
  const family = isIP(address)
  if (family === 4) return address
  if (family !== 6) return undefined
  const hextets = expandIPv6(address)
  if (
    hextets[0] === 0 &&
    hextets[1] === 0 &&
    hextets[2] === 0 &&
    hextets[3] === 0 &&
    hextets[4] === 0 &&
    hextets[5] === 0xffff
  ) {
    return `${hextets[6]! >> 8}.${hextets[6]! & 0xff}.${hextets[7]! >> 8}.${hextets[7]! & 0xff}`
  }
  return address.toLowerCase()
}

/** The eight 16-bit groups of a valid IPv6 address (embedded IPv4 tails included). */
export function expandIPv6(address: string): number[] {
  let text = address
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length
  return [...left, ...Array<string>(zeros).fill('0'), ...right].map((group) => Number.parseInt(group, 16))
}

/** An IPv6 address reduced to its first `bits` bits, as `prefix::/bits`. */
export function ipv6Prefix(address: string, bits: number): string {
  if (bits >= 128) return address
  const hextets = expandIPv6(address)
  const kept: string[] = []
  for (let i = 0; i < 8; i++) {
    const from = i * 16
    if (from >= bits) break
    const keep = Math.min(16, bits - from)
    kept.push((hextets[i]! & (0xffff << (16 - keep)) & 0xffff).toString(16))
  }
  return `${kept.join(':')}::/${bits}`
}

function trustList(entries: readonly string[], option: string): BlockList {
  const list = new BlockList()
  entries.forEach((entry, i) => {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(address)
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix)
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      fail(
        `${option}[${i}]`,
        `expected an IP address or CIDR range such as "10.0.0.0/8", got ${describe(entry)}`,
      )
    }
    list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6')
  })
  return list
}

function forwardedChain(header: string | readonly string[] | undefined): string[] {
  if (header === undefined) return []
  const text = typeof header === 'string' ? header : header.join(',')
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

/** Validates `trustProxy` and `ipv6Subnet`. @throws LeakguardConfigError */
export function clientAddressResolver(
  trust: unknown,
  ipv6Subnet: number,
  option: string,
): ClientAddressResolver {
  const group = (address: string | undefined): string | undefined => {
    if (address === undefined) return undefined
    const ip = normalizeIp(address)
    if (ip === undefined) return undefined
    return isIP(ip) === 6 ? ipv6Prefix(ip, ipv6Subnet) : ip
  }
  if (trust === undefined || trust === false) {
    return { ignoresForwardedFor: true, resolve: (remote) => group(remote), trustsPeer: () => false }
  }
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 1 || trust > 32) {
      fail(
        option,
        `expected false, a hop count from 1 to 32, or a list of CIDR ranges, got ${describe(trust)}`,
      )
    }
    return {
      ignoresForwardedFor: false,
      trustsPeer: (remote) => remote !== undefined,
      resolve(remote, forwarded) {
        // The client is `trust` hops to the left of the socket's peer.
        const chain = [...forwardedChain(forwarded), remote ?? '']
        const candidate = chain[Math.max(0, chain.length - 1 - trust)]
        return group(candidate) ?? group(remote)
      },
    }
  }
  if (!Array.isArray(trust) || trust.some((entry) => typeof entry !== 'string')) {
    return fail(option, `expected false, a hop count, or a list of CIDR ranges, got ${describe(trust)}`)
  }
  const list = trustList(trust as string[], option)
  const trusted = (address: string): boolean => {
    const ip = normalizeIp(address)
    return ip !== undefined && list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6')
  }
  return {
    ignoresForwardedFor: false,
    trustsPeer: (remote) => remote !== undefined && trusted(remote),
    resolve(remote, forwarded) {
      if (remote === undefined || !trusted(remote)) return group(remote)
      // Walk from the socket's peer leftwards while each hop is a trusted proxy.
      const chain = forwardedChain(forwarded)
      let client = remote
      for (let i = chain.length - 1; i >= 0; i--) {
        const hop = chain[i]!
        if (normalizeIp(hop) === undefined) break // garbage: stop at the last real hop
        client = hop
        if (!trusted(hop)) break
      }
      return group(client)
    },
  }
}
