import { isOptionSource } from '../lib/option-source.js'
import { readsAsWord } from '../lib/words.js'

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
/** The name a Kubernetes Secret's data is read as. */
const KUBERNETES_SECRET_NAME = 'secret'
/** The name a JWK's private member is read as. */
const JWK_SECRET_NAME = 'private_key'
/** Members that name what a pair holds: with `value` alone (`{"name": "DB_PASSWORD", "value": ...}`). */
const PAIR_NAMES = new Set(['name', 'Name', 'NAME'])
/** Members that name the field a change or a parameter is about: with any value member below. */
const FIELD_NAMES = new Set([
  'key',
  'Key',
  'KEY',
  'field',
  'Field',
  'column',
  'attribute',
  'property',
  'parameter',
  'ParameterKey',
  'parameterKey',
  'OptionName',
  'label',
  // A JSON Patch or SCIM path (with `op`): its last segment names the member (`/credentials/apiKey`).
  'path',
])
/** What a name/value pair holds. */
const PAIR_VALUES = new Set(['value', 'Value', 'VALUE'])
/** What a change or a parameter holds: its value, and a diff's two sides. */
const FIELD_VALUES = new Set([
  ...PAIR_VALUES,
  'val',
  'old',
  'new',
  'oldValue',
  'newValue',
  'OldValue',
  'NewValue',
  'old_value',
  'new_value',
  'oldVal',
  'newVal',
  'old_val',
  'new_val',
  'previousValue',
  'currentValue',
  'before',
  'after',
  'from',
  'to',
  'ParameterValue',
  'parameterValue',
  'ResolvedValue',
])
/** A pair has few members (`name`, `value`, perhaps `type` or `valueFrom`; an audit row's id, time and actor beside a diff). */
const MAX_PAIR_MEMBERS = 8
/** Longest pair name read by the member-name rule. */
const MAX_PAIR_NAME = 128

/** What makes an object's shape speak for its members; made once per set of member names. */
export interface SecretShape {
  readonly jwk: boolean
  /** A Kubernetes object with `data`/`stringData`: a Secret's (by its `kind`) are secret whole. */
  readonly resource?: boolean
  readonly nameKey: string | undefined
  /** The members that hold the named thing's value (`value`; `old` and `new` in a diff). */
  readonly valueKeys: readonly string[] | undefined
}

/** The secret shape of an object with these member names, or `null` (most objects). */
export function secretShapeOf(keys: readonly string[]): SecretShape | null {
  let jwk = false
  let pairName: string | undefined
  let fieldName: string | undefined
  const pairValues: string[] = []
  const fieldValues: string[] = []
  let type = false
  for (const key of keys) {
    if (key === 'kty') jwk = true
    else if (keys.length <= MAX_PAIR_MEMBERS) {
      if (key === 'type' || key === 'inputType') type = true
      else if (PAIR_NAMES.has(key)) pairName ??= key
      else if (FIELD_NAMES.has(key) && (key !== 'path' || keys.includes('op'))) fieldName ??= key
      if (PAIR_VALUES.has(key)) pairValues.push(key)
      if (FIELD_VALUES.has(key)) fieldValues.push(key)
    }
  }
  jwk &&= keys.some((key) => JWK_PRIVATE.has(key))
  const resource = keys.includes('kind') && (keys.includes('data') || keys.includes('stringData'))
  // A change's field first (a JSON Patch may carry a `name` too), then a pair's name, then a
  // form field's type (`type: "password"` speaks for its value).
  let nameKey: string | undefined
  let valueKeys: string[] | undefined
  if (fieldName !== undefined && fieldValues.length > 0) {
    nameKey = fieldName
    valueKeys = fieldValues
  } else if (pairName !== undefined && pairValues.length > 0) {
    nameKey = pairName
    valueKeys = pairValues
  } else if (type && pairValues.length > 0) {
    nameKey = keys.includes('type') ? 'type' : 'inputType'
    valueKeys = pairValues
  }
  if (resource) return { jwk, nameKey, valueKeys, resource }
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
  // A Kubernetes Secret's `data` (base64 values) and `stringData`, whatever their keys are named.
  if (shape.resource === true && (key === 'data' || key === 'stringData') && record.kind === 'Secret')
    return KUBERNETES_SECRET_NAME
  if (shape.valueKeys === undefined || !shape.valueKeys.includes(key)) return undefined
  // A field of type password, whatever else names it.
  if (record.type === 'password' || record.inputType === 'password') return 'password'
  const named = record[shape.nameKey!]
  if (typeof named !== 'string' || named.length > MAX_PAIR_NAME) return undefined
  const name = shape.nameKey === 'path' ? lastSegment(named) : named
  return name !== '' && isSecretName(name) ? name : undefined
}

/** The last segment of a JSON Patch or SCIM path (`/credentials/apiKey/` -> `apiKey`). */
function lastSegment(path: string): string {
  const trimmed = path.replace(/[/.]+$/, '')
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('.')) + 1)
}

/** Header names a list of raw headers starts with most often: one of them marks such a list. */
const COMMON_HEADERS = new Set([
  // HTTP/2's pseudo-headers lead its raw headers.
  ':method',
  ':path',
  ':authority',
  ':scheme',
  ':status',
  'host',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'content-length',
  'connection',
  'authorization',
  'cookie',
  'set-cookie',
  'origin',
  'referer',
  'date',
  'cache-control',
  'x-forwarded-for',
])
/** Longest list read for name/value pairs (a request has at most a few hundred header lines). */
const MAX_PAIR_LIST = 512

/** Whether `text` is an HTTP header's or an option's name (a word of letters, digits, `-` and `_`, from a letter). */
function isHeaderName(text: unknown): text is string {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_PAIR_NAME) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    // A leading `:` for HTTP/2's pseudo-headers (`:authority`).
    if (!(letter || (i === 0 && c === 58) || (i > 0 && ((c >= 48 && c <= 57) || c === 45 || c === 95))))
      return false
  }
  return true
}

/**
 * The secret names a list of primitives gives its own elements, by index, or `null` (most lists):
 * an entry `[name, value]` in a list of them (`Object.entries(...)`, `[...headers]`, a form's
 * pairs) names its value; a flat list of header names and values (Node's `req.rawHeaders`,
 * `['Host', 'api.example', 'X-Api-Key', '...']`) names each value by the header before it; a
 * command's arguments (`spawnargs: ['mysql', '--password', '...']`, `['keytool', '-storepass',
 * '...']`) name the value after an option. Only names `isSecretName` accepts are given. `parent`: the list this list is an
 * element of, or `null`.
 */
export function listSecretNames(
  list: readonly unknown[],
  parent: readonly unknown[] | null,
  isSecretName: (name: string) => boolean,
): readonly (string | null)[] | null {
  const length = list.length
  if (parent !== null && length === 2 && (parent.length === 1 || areEntries(parent))) {
    const name = list[0]
    if (!isEntryName(name) || !isSecretName(name)) return null
    if (parent.length > 1) return [null, name]
    // A lone entry (a filtered `Object.entries`: `[["X-Api-Key", "..."]]`) when its name is
    // written as a key is and its value reads as one: a pair of words is a list of names
    // (`[["password", "email"]]`).
    return isKeyLike(name) && readsAsValue(list[1]) ? [null, name] : null
  }
  if (length < 2 || length > MAX_PAIR_LIST) return null
  if (length >= 4 && length % 2 === 0 && areRawHeaders(list)) {
    let names: (string | null)[] | null = null
    for (let i = 0; i < length; i += 2) {
      const name = list[i] as string
      if (!isSecretName(name)) continue
      names ??= new Array<string | null>(length).fill(null)
      names[i + 1] = name
    }
    return names
  }
  // A command's arguments: `--password` or `-storepass` and the value after it (not another
  // option; after one dash, not a file's path or openssl's `env:`, `file:`, `fd:` source either).
  let names: (string | null)[] | null = null
  for (let i = 0; i + 1 < length; i++) {
    const option = list[i]
    if (typeof option !== 'string' || option.charCodeAt(0) !== 45) continue
    const long = option.charCodeAt(1) === 45
    // An option's name is a word of letters, digits, `-` and `_` (not a PEM armour's dashes).
    const name = option.slice(long ? 2 : 1)
    const value = list[i + 1]
    if (!isHeaderName(name) || (typeof value === 'string' && value.charCodeAt(0) === 45)) continue
    if (!long && typeof value === 'string' && isOptionSource(value)) continue
    if (!isSecretName(name)) continue
    names ??= new Array<string | null>(length).fill(null)
    names[i + 1] = name
  }
  return names
}

/**
 * Whether `text` is an entry's name: from a letter, then anything but control characters, as
 * configuration keys and labels are written (`db.password`, `API Key`, `aws:secretAccessKey`);
 * not a PEM armour's dashes or a multi-line text.
 */
function isEntryName(text: unknown): text is string {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_PAIR_NAME) return false
  const first = text.charCodeAt(0)
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false
  for (let i = 1; i < text.length; i++) if (text.charCodeAt(i) < 32) return false
  return true
}

/** Whether a name is written as a key is: with `-`, `_`, `.` or `:`, or a capital after a small letter (`apiKey`). */
function isKeyLike(name: string): boolean {
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 45 || c === 95 || c === 46 || c === 58) return true
    const before = name.charCodeAt(i - 1)
    if (c >= 65 && c <= 90 && before >= 97 && before <= 122) return true
  }
  return false
}

/**
 * Whether an entry's value reads as a value, not a word: a number, or a string of 4 characters or
 * more with a digit, a symbol or a capital after its first character, or of 12 and more.
 */
function readsAsValue(value: unknown): boolean {
  if (typeof value === 'number') return true
  if (typeof value !== 'string' || value.length < 4) return false
  return value.length >= 12 || !readsAsWord(value)
}

/** Whether a list holds entries: two or more, each `[name, value]` with a name (the first eight read). */
function areEntries(list: readonly unknown[]): boolean {
  if (list.length < 2) return false
  for (let i = 0; i < Math.min(list.length, 8); i++) {
    const entry = list[i]
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') return false
  }
  return true
}

/** Whether a list of even length is raw headers: every name a header's, one of the first four a common one. */
function areRawHeaders(list: readonly unknown[]): boolean {
  let common = false
  for (let i = 0; i < Math.min(list.length, 8); i += 2) {
    const name = list[i]
    if (!isHeaderName(name)) return false
    if (COMMON_HEADERS.has(name.toLowerCase())) common = true
    // A value that is a common header's name makes this a list of names (CORS `allowedHeaders`,
    // a CSV header row), not of names and values.
    const value = list[i + 1]
    if (typeof value === 'string' && value.length <= 32 && COMMON_HEADERS.has(value.toLowerCase()))
      return false
  }
  if (!common) return false
  for (let i = 8; i < list.length; i += 2) if (!isHeaderName(list[i])) return false
  return true
}
