/** JWS algorithms leakguard verifies (RFC 7518, RFC 8037, RFC 9864). `none` is not one of them. */
export type JwsAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519'

/** The key each algorithm needs. */
export interface AlgorithmKey {
  /** JWK `kty`. */
  readonly kty: 'oct' | 'RSA' | 'EC' | 'OKP'
  /** Node's `asymmetricKeyType` values that fit. */
  readonly nodeTypes: readonly string[]
  /** Node's `namedCurve` for EC keys. */
  readonly curve?: string
  /** Smallest shared secret in bytes (RFC 7518 §3.2: at least the hash size). */
  readonly minSecretBytes?: number
}

const RSA: AlgorithmKey = { kty: 'RSA', nodeTypes: ['rsa'] }
const PSS: AlgorithmKey = { kty: 'RSA', nodeTypes: ['rsa', 'rsa-pss'] }
const ED: AlgorithmKey = { kty: 'OKP', nodeTypes: ['ed25519'] }

export const ALGORITHM_KEYS: Readonly<Record<JwsAlgorithm, AlgorithmKey>> = {
  HS256: { kty: 'oct', nodeTypes: [], minSecretBytes: 32 },
  HS384: { kty: 'oct', nodeTypes: [], minSecretBytes: 48 },
  HS512: { kty: 'oct', nodeTypes: [], minSecretBytes: 64 },
  RS256: RSA,
  RS384: RSA,
  RS512: RSA,
  PS256: PSS,
  PS384: PSS,
  PS512: PSS,
  ES256: { kty: 'EC', nodeTypes: ['ec'], curve: 'prime256v1' },
  ES384: { kty: 'EC', nodeTypes: ['ec'], curve: 'secp384r1' },
  ES512: { kty: 'EC', nodeTypes: ['ec'], curve: 'secp521r1' },
  EdDSA: ED,
  Ed25519: ED,
}

export const ALGORITHMS = Object.keys(ALGORITHM_KEYS) as readonly JwsAlgorithm[]

/** Smallest RSA modulus leakguard accepts (RFC 7518 §3.3). */
export const MIN_RSA_BITS = 2048
