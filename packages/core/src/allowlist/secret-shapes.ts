/**
 * Objects whose shape says which of their members are secret, whatever those members are named:
 * a JSON Web Key's private parameters (RFC 7517, RFC 7518 §6: `d`, `p`, `q`, `dp`, `dq`, `qi`,
 * `oth`, and `k` of a symmetric key), and a name/value pair whose name is a secret's
 * (`{"name": "DB_PASSWORD", "value": "..."}`: Kubernetes and ECS environments, AWS tags,
 * `[{"Key": "...", "Value": "..."}]`), and the pairs of change logs, patches and parameters: a
 * JSON Patch or SCIM operation (`{"op": "replace", "path": "/credentials/apiKey", "value": ...}`),
 * an audit diff (`{"field": "password", "old": ..., "new": ...}`), CloudFormation's
 * `{"ParameterKey": "DbPassword", "ParameterValue": ...}`, a form field of type `password`. Both
 * walkers (the projection and the serializer) read a member of such an object as if it were named
 * for its secret.
 */

/** The private members of a JWK. */
const JWK_PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'])
/** The name a JWK's private member is read as. */
const JWK_SECRET_NAME = 'private_key'
const PAIR_NAMES = new Set([
  'name',
  'Name',
  'NAME',
  'key',
  'Key',
  'KEY',
  'field',
  'Field',
  'attribute',
  'property',
  'parameter',
  'ParameterKey',
  'parameterKey',
  'OptionName',
  'label',
  // A JSON Patch or SCIM path: its last segment names the member (`/credentials/apiKey`).
  'path',
])
const PAIR_VALUES = new Set([
  'value',
  'Value',
  'VALUE',
  'val',
  'values',
  'old',
  'new',
  'oldValue',
  'newValue',
  'old_value',
  'new_value',
  'previous',
  'current',
  'before',
  'after',
  'from',
  'to',
  'ParameterValue',
  'parameterValue',
  'ResolvedValue',
])
/** A pair has few members (`name`, `value`, perhaps `type` or `valueFrom`). */
const MAX_PAIR_MEMBERS = 6
/** Longest pair name read by the member-name rule. */
const MAX_PAIR_NAME = 128

/** What makes an object's shape speak for its members; made once per set of member names. */
export interface SecretShape {
  readonly jwk: boolean
  readonly nameKey: string | undefined
  /** The members that hold the named thing's value (`value`; `old` and `new` in a diff). */
  readonly valueKeys: readonly string[] | undefined
}

/** The secret shape of an object with these member names, or `null` (most objects). */
export function secretShapeOf(keys: readonly string[]): SecretShape | null {
  let jwk = false
  let nameKey: string | undefined
  let valueKeys: string[] | undefined
  for (const key of keys) {
    if (key === 'kty') jwk = true
    else if (keys.length <= MAX_PAIR_MEMBERS) {
      if (PAIR_NAMES.has(key)) nameKey ??= key
      else if (PAIR_VALUES.has(key)) {
        valueKeys ??= []
        valueKeys.push(key)
      }
    }
  }
  jwk &&= keys.some((key) => JWK_PRIVATE.has(key))
  // A form field's `type: "password"` speaks for its value whatever it is named.
  if (valueKeys !== undefined && nameKey === undefined && keys.includes('type')) nameKey = 'type'
  if (nameKey === undefined || valueKeys === undefined) {
    nameKey = undefined
    valueKeys = undefined
  }
  return jwk || valueKeys !== undefined ? { jwk, nameKey, valueKeys } : null
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
  if (shape.valueKeys === undefined || !shape.valueKeys.includes(key)) return undefined
  // A field of type password, or one whose type is named beside it.
  if (record.type === 'password') return 'password'
  const named = record[shape.nameKey!]
  if (typeof named !== 'string' || named.length > MAX_PAIR_NAME) return undefined
  const name =
    shape.nameKey === 'path'
      ? named.slice(Math.max(named.lastIndexOf('/'), named.lastIndexOf('.')) + 1)
      : named
  return name !== '' && isSecretName(name) ? name : undefined
}
