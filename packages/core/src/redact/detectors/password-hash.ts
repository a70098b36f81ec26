import { GATE } from '../features.js'
import { keyWords } from '../keys.js'
import type { Detector } from '../types.js'

/**
 * Schemes of a directory's password values (RFC 2307's `userPassword`, OpenLDAP and its
 * contributed modules, 389 Directory Server, Dovecot), upper case: `{SSHA}` and a hash, or, for
 * the clear-text schemes, the password itself. Directories read the scheme in any case.
 */
const CLEAR_SCHEMES = ['PLAIN', 'CLEARTEXT', 'CLEAR']
const DIRECTORY_SCHEMES = new Set([
  ...['', '1', '224', '256', '384', '512'].flatMap((bits) => [`SHA${bits}`, `SSHA${bits}`]),
  ...['MD5', 'SMD5', 'PLAIN-MD5', 'LDAP-MD5', 'CRAM-MD5', 'DIGEST-MD5', 'HMAC-MD5', 'NS-MTA-MD5'],
  ...['NTLM', 'LANMAN', 'RPA', 'CRYPT', 'ARGON2', 'SCRAM-SHA-1', 'SCRAM-SHA-256'],
  ...['SHA256-CRYPT', 'SHA512-CRYPT', 'MD5-CRYPT', 'BLF-CRYPT', 'DES-CRYPT'],
  ...['', '-SHA1', '-SHA256', '-SHA512', '_SHA1', '_SHA256', '_SHA512'].flatMap((hash) => [
    `PBKDF2${hash}`,
    `X-PBKDF2${hash}`,
  ]),
  ...CLEAR_SCHEMES,
])
/** What a hash scheme's value is made of: base64, hex, crypt's `./$`, PBKDF2's `$`. */
const DIRECTORY_HASH = /^[A-Za-z0-9+/.$=,:_-]*/

/**
 * How much of a `{SCHEME}value` match is a directory's password value (see
 * {@link DIRECTORY_SCHEMES}): all of it after a clear-text scheme, else the scheme and its hash
 * (13 characters and more, up to the first character no hash holds); 0 when it is none.
 */
function directoryValue(match: string): number {
  const close = match.indexOf('}')
  const scheme = match.slice(1, close).toUpperCase()
  if (!DIRECTORY_SCHEMES.has(scheme)) return 0
  if (CLEAR_SCHEMES.includes(scheme)) return match.length
  const hash = DIRECTORY_HASH.exec(match.slice(close + 1))![0].length
  return hash >= 13 ? close + 1 + hash : 0
}

/** Modular crypt format and the frameworks' own hash formats, as written. */
const CRYPT_HASHES =
  /(?:(?<![A-Za-z0-9_])(?:pbkdf2_sha(?:1|256|512)\$\d{1,9}\$[./A-Za-z0-9+=_-]{1,128}\$[A-Za-z0-9+/]{27,88}={0,2}|pbkdf2:sha(?:1|256|512):\d{1,9}\$[./A-Za-z0-9+=_-]{1,128}\$[a-f0-9]{40,128}|scrypt:\d{1,9}:\d{1,3}:\d{1,3}\$[./A-Za-z0-9+=_-]{1,128}\$[a-f0-9]{32,256}|scrypt\$\d{1,9}\$[./A-Za-z0-9+=_-]{1,128}\$\d{1,3}\$\d{1,3}\$[A-Za-z0-9+/]{43,88}={0,2})|\$(?:2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}|scrypt\$[A-Za-z0-9=,+/.$-]{16,400}|7\$[./A-Za-z0-9]{11,200}\$[./A-Za-z0-9]{43}|7\$[./A-Za-z0-9]{30,200}|[PH]\$[./A-Za-z0-9]{31}|y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{43}|[56]\$(?:rounds=\d{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}|(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}))(?![/A-Za-z0-9]|\.[./A-Za-z0-9])/

export const passwordHash: Detector = {
  id: 'password-hash',
  description:
    "Password hashes in modular crypt format (bcrypt, argon2, scrypt, yescrypt, SHA-crypt, MD5-crypt, phpass), Django's (pbkdf2_sha256$..., argon2$...), Werkzeug's (pbkdf2:sha256:..., scrypt:...) and a directory's ({SSHA}..., {PBKDF2-SHA512}..., {CRYPT}$6$..., and the password after {PLAIN} or {CLEARTEXT}).",
  set: 'default',
  // A directory's value has no `$` of its own; the shortest ({CRYPT} and DES's 13) is 20 long.
  requires: GATE.DOLLAR | GATE.LENGTH14,
  prefilter: (text, f) => f.dollar || text.includes('}'),
  pattern: new RegExp(
    `(?<![A-Za-z0-9_])\\{[A-Za-z][A-Za-z0-9_-]{1,19}\\}[^\\s"'<>\\\\{}]{1,1024}|${CRYPT_HASHES.source}`,
    'g',
  ),
  // Braces that do not hold a directory's scheme (a template's `{name}`) are not a hash; a
  // hash's value ends at the first character no hash holds (`{SSHA}...=;`).
  validate: (match) => match.charCodeAt(0) !== 123 || directoryValue(match) === match.length,
  trim: (match) => (match.charCodeAt(0) === 123 ? directoryValue(match) : 0),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

/** Words of a member name that say its digest is a password's (`passwordHash`, `pwd_digest`). */
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase'])

export const hexPasswordHash: Detector = {
  id: 'hex-password-hash',
  description:
    'Bare hex MD5, SHA-1 and SHA-256 digests, only under password-like member names (passwordHash, pwd).',
  set: 'default',
  requires: GATE.LENGTH24,
  prefilter: (_text, f, context) =>
    (f.length === 32 || f.length === 40 || f.length === 64) &&
    context.key !== null &&
    keyWords(context.key).some((word) => PASSWORD_WORDS.has(word)),
  pattern: /^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64})$/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
