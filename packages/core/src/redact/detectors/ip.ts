import { GATE } from '../features.js'
import type { Detector } from '../types.js'

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/
const ZONE = /^[0-9A-Za-z_.~-]+$/

/** A dotted-quad IPv4 address (no leading zeros) as a 32-bit number, or `null`. */
export function parseIPv4(text: string): number | null {
  if (!IPV4.test(text)) return null
  return text.split('.').reduce((value, octet) => value * 256 + Number(octet), 0)
}

/** An IPv6 address as its eight 16-bit groups, and its zone (RFC 4007) when it has one. */
export interface IPv6Address {
  readonly groups: readonly number[]
  readonly zone: string | null
}

/**
 * Parses every RFC 4291 §2.2 text form (full, `::`-compressed, trailing dotted IPv4) with an optional
 * `%zone`; `null` for anything else (times, MAC addresses, a second `::`, a group over 4 digits).
 */
export function parseIPv6(text: string): IPv6Address | null {
  let address = text
  let zone: string | null = null
  const percent = text.indexOf('%')
  if (percent >= 0) {
    zone = text.slice(percent + 1)
    if (!ZONE.test(zone)) return null
    address = text.slice(0, percent)
  }
  const lastColon = address.lastIndexOf(':')
  if (lastColon < 0) return null
  // An embedded IPv4 address is the last 32 bits: rewrite it as two hex groups.
  if (address.includes('.', lastColon)) {
    const ipv4 = parseIPv4(address.slice(lastColon + 1))
    if (ipv4 === null) return null
    const high = (ipv4 >>> 16).toString(16)
    const low = (ipv4 & 0xffff).toString(16)
    address = `${address.slice(0, lastColon + 1)}${high}:${low}`
  }
  const double = address.indexOf('::')
  let parts: string[]
  if (double < 0) {
    parts = address.split(':')
    if (parts.length !== 8) return null
  } else {
    if (address.includes('::', double + 1)) return null
    const head = double === 0 ? [] : address.slice(0, double).split(':')
    const tail = double + 2 === address.length ? [] : address.slice(double + 2).split(':')
    // `::` stands for one or more zero groups (RFC 4291), so at most seven are written.
    if (head.length + tail.length > 7) return null
    parts = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail]
  }
  const groups: number[] = []
  for (const part of parts) {
    if (!HEX_GROUP.test(part)) return null
    groups.push(Number.parseInt(part, 16))
  }
  return { groups, zone }
}

/** Whether an IPv6 candidate is worth redacting: a real address, not `::`, not `Abc::Def`-like code. */
function ipv6Finding(match: string): boolean {
  const parsed = parseIPv6(match)
  if (parsed === null || parsed.groups.every((group) => group === 0)) return false
  // Hex-letter-only pairs such as `Add::Bed` are more often code paths than addresses.
  const written = match
    .split('%')[0]!
    .split(':')
    .filter((part) => part !== '').length
  return written >= 3 || /\d/.test(match)
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const DOTTED_QUAD = `${OCTET}(?:\\.${OCTET}){3}`

export const ipAddress: Detector = {
  id: 'ip-address',
  description:
    'IPv4 addresses (each octet 0-255) and IPv6 addresses in every RFC 4291/5952 form (compressed, embedded IPv4, zone ids), checked by a parser. Strict set only.',
  set: 'strict',
  requires: GATE.DOTS2 | GATE.COLON,
  prefilter: (_text, f) => f.dots >= 3 || f.colons >= 2,
  // IPv4 (a port or a full stop may follow), or a colon-separated candidate the parser then checks.
  pattern: new RegExp(
    `(?<![\\w.:%])(?:${DOTTED_QUAD}(?!\\w|\\.\\w)|(?:[0-9A-Fa-f]{0,4}:){2,8}(?:${DOTTED_QUAD}|[0-9A-Fa-f]{1,4})?(?:%[0-9A-Za-z_~-]{1,32})?(?![\\w:%]|\\.\\d))`,
    'g',
  ),
  validate: (match) => !match.includes(':') || ipv6Finding(match),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'low',
}
