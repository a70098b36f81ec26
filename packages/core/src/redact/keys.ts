const wordCache = new Map<string, readonly string[]>()
const MAX_CACHED_KEYS = 4096

/** A member name as lower-case words: `userPassword`, `user_password`, `USER-PASSWORD` -> user, password. */
export function keyWords(key: string): readonly string[] {
  const cached = wordCache.get(key)
  if (cached !== undefined) return cached
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
  if (wordCache.size < MAX_CACHED_KEYS) wordCache.set(key, words)
  return words
}

/** Words that make a member sensitive wherever they stand in its name. */
const SENSITIVE_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'cookie',
  'cookies',
  'authorization',
  'ssn',
  'cvv',
  'cvc',
  'cvv2',
  'pin',
  'otp',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'sessionid',
  'iban',
  'passport',
])
/** Last words that name something about the secret rather than the secret: `passwordUpdatedAt`. */
const BENIGN_LAST_WORDS = new Set([
  'count',
  'type',
  'length',
  'expiry',
  'expires',
  'expired',
  'expiration',
  'at',
  'set',
  'enabled',
  'required',
  'policy',
  'hint',
  'url',
  'uri',
  'endpoint',
  'id',
  'ids',
  'name',
  'names',
  'field',
  'label',
  'updated',
  'changed',
  'reset',
  'strength',
  'min',
  'max',
  'rules',
  'format',
  'version',
  'ttl',
  'age',
  'date',
  'time',
  'timestamp',
  'on',
  'exists',
  'valid',
  'status',
  'scheme',
  'algorithm',
  'alg',
])
/** Last words that are sensitive on their own only at the end of a name: `authToken`, not `tokenType`. */
const SENSITIVE_LAST_WORDS = new Set(['token', 'tokens', 'jwt', 'bearer'])
/** Two last words that together name a secret: `apiKey`, `cardNumber`. */
const SENSITIVE_PAIRS = new Set([
  'api key',
  'private key',
  'access key',
  'secret key',
  'signing key',
  'encryption key',
  'master key',
  'client secret',
  'session id',
  'session key',
  'credit card',
  'card number',
  'account number',
  'routing number',
  'set cookie',
  'social security',
  'tax id',
  'security code',
])

/**
 * Whether a member name says its value is a token handed to a caller: `token`, `accessToken`,
 * `refresh_token`, `id_token`, `jwt`, `sessionId`; not `apiKey`, `password`, nor a token named
 * after another secret (`passwordToken`, `apiKeyToken`, `clientSecretJwt`).
 */
export function isTokenKey(key: string): boolean {
  const words = keyWords(key)
  const last = words[words.length - 1]
  if (last === undefined) return false
  const before = words.slice(0, -1)
  if (before.some((word) => SENSITIVE_WORDS.has(word))) return false
  for (let i = 1; i < before.length; i++) {
    if (SENSITIVE_PAIRS.has(`${before[i - 1]} ${before[i]}`)) return false
  }
  if (SENSITIVE_LAST_WORDS.has(last)) return true
  if (words.length === 1) return last === 'sessionid'
  return `${words[words.length - 2]} ${last}` === 'session id'
}

/**
 * Whether a member name says its value is a secret (case- and separator-insensitive): `password`,
 * `db_password`, `passwordHash`, `apiKey`, `X-Api-Key`, `authToken`, `authorization`, `cookie`,
 * `ssn`, `cardNumber`; not `passwordUpdatedAt`, `tokenType`, `tokenCount` or `secretary`.
 */
export function isSensitiveKey(key: string): boolean {
  const words = keyWords(key)
  const last = words[words.length - 1]
  if (last === undefined) return false
  if (SENSITIVE_LAST_WORDS.has(last)) return true
  if (words.length >= 2 && SENSITIVE_PAIRS.has(`${words[words.length - 2]} ${last}`)) return true
  if (BENIGN_LAST_WORDS.has(last)) return false
  return words.some((word) => SENSITIVE_WORDS.has(word))
}
