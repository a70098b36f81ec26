/**
 * Objects whose shape says which of their members are secret, whatever those members are named:
 * a JSON Web Key's private parameters (RFC 7517, RFC 7518 §6: `d`, `p`, `q`, `dp`, `dq`, `qi`,
 * `oth`, and `k` of a symmetric key), and a name/value pair whose name is a secret's
 * (`{"name": "DB_PASSWORD", "value": "..."}`: Kubernetes and ECS environments, AWS tags,
 * `[{"Key": "...", "Value": "..."}]`). Both walkers (the projection and the serializer) read a
 * member of such an object as if it were named for its secret.
 */

/** The private members of a JWK. */
const JWK_PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'])
/** The name a JWK's private member is read as. */
const JWK_SECRET_NAME = 'private_key'
const PAIR_NAMES = new Set(['name', 'Name', 'NAME', 'key', 'Key', 'KEY'])
const PAIR_VALUES = new Set(['value', 'Value', 'VALUE'])
/** A pair has few members (`name`, `value`, perhaps `type` or `valueFrom`). */
const MAX_PAIR_MEMBERS = 6
/** Longest pair name read by the member-name rule. */
const MAX_PAIR_NAME = 128

/** What makes an object's shape speak for its members; made once per set of member names. */
export interface SecretShape {
  readonly jwk: boolean
  readonly nameKey: string | undefined
  readonly valueKey: string | undefined
}

/** The secret shape of an object with these member names, or `null` (most objects). */
export function secretShapeOf(keys: readonly string[]): SecretShape | null {
  let jwk = false
  let nameKey: string | undefined
  let valueKey: string | undefined
  for (const key of keys) {
    if (key === 'kty') jwk = true
    else if (keys.length <= MAX_PAIR_MEMBERS) {
      if (PAIR_NAMES.has(key)) nameKey ??= key
      else if (PAIR_VALUES.has(key)) valueKey ??= key
    }
  }
  jwk &&= keys.some((key) => JWK_PRIVATE.has(key))
  if (nameKey === undefined || valueKey === undefined) nameKey = valueKey = undefined
  return jwk || valueKey !== undefined ? { jwk, nameKey, valueKey } : null
}

/**
 * The secret name member `key` of `record` (an object of `shape`) is read as, or `undefined`:
 * `isSecretName` is the member-name rule.
 */
export function secretNameOf(
  shape: SecretShape,
  record: Readonly<Record<string, unknown>>,
  key: string,
  isSecretName: (name: string) => boolean,
): string | undefined {
  if (shape.jwk && JWK_PRIVATE.has(key)) return JWK_SECRET_NAME
  if (key !== shape.valueKey) return undefined
  const name = record[shape.nameKey!]
  return typeof name === 'string' && name.length <= MAX_PAIR_NAME && isSecretName(name) ? name : undefined
}
