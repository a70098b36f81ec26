import { isPlaceholder } from '../catalogue/placeholder.js'
import { GATE } from '../features.js'
import type { Detector } from '../types.js'

/** Values that stand for a password without being one: `${DB_PASSWORD}`, `<password>`, `****`, `%s`. */
const NOT_A_PASSWORD =
  /^(?:\$\{.*\}|\$\(.*\)|\{\{.*\}\}|<[^<>]*>|%[sd]|\*+|x+|\.+|password|passwd|pass|pwd|secret|changeme)$/i

/**
 * The password of a URL's user information in any scheme (RFC 3986 `scheme://user:password@host`):
 * `http://elastic:...@elasticsearch:9200`, `mssql://sa:...@db`, `ldap://cn=admin:...@ldap`,
 * `postgresql+psycopg2://app:...@db`. Providers' own connection strings (postgres://, redis://...)
 * are also found whole by the catalogue; this finds the rest, single-label and private hosts
 * included. Only the password is masked: the scheme, user and host stay readable.
 */
export const urlPassword: Detector = {
  id: 'url-password',
  description:
    'Passwords in the user information of a URL of any scheme (scheme://user:password@host): the password only.',
  set: 'default',
  requires: GATE.AT,
  prefilter: (text, f) => f.at && f.colons >= 2 && text.includes('://'),
  // After `scheme://user:`, up to the last `@` before the host (a password may hold a raw `@`);
  // or, when no password free of `/`, `?` and `#` reaches a host, up to the first `@`: a password
  // written with those raw (`app:pa/ss#w?rd@db`), but no `:` and not where a port and path stand
  // (`host:8080/cb?to=a@b.example`); without `:`, every start is read in linear time.
  pattern:
    /(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s/?#@:]{0,128}:)(?:[^\s/?#]{1,256}(?=@[A-Za-z0-9[_.-])|(?!\d{1,5}(?:[/?#]|$))[^\s@:]{1,256}(?=@[A-Za-z0-9[_.-]))/g,
  validate: (match) => !NOT_A_PASSWORD.test(match) && !(match.length >= 10 && isPlaceholder(match)),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'high',
}
