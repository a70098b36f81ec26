import { LeakguardResponseError } from '../errors.js'
import { keepShape } from '../lib/kept-shapes.js'
import { UniqueNames } from '../lib/unique-names.js'
import {
  type ByteView,
  bufferJsonBytes,
  bufferJsonLike,
  isByteView,
  namesBufferJson,
  redactedBytes,
} from './byte-views.js'
import { KEEP, type ProjectionNode } from './compile.js'
import { listSecretNames, type SecretShape, secretNameOf, secretShapeOf } from './secret-shapes.js'

/** Returned by a hook to drop the member (or array element) instead of outputting it. */
export const REMOVE: unique symbol = Symbol('leakguard.remove')

/** Where a hook is being called: paths are built only when asked for. */
export interface PathRef {
  /** Templated JSONPath, arrays as `[*]`: `$.users[*].email`. */
  template(): string
  /** Concrete JSONPath: `$.users[3].email`. */
  concrete(): string
  /** Member names from the root, array levels left out: `['users', 'email']`. */
  keys(): string[]
  /**
   * The name of the nearest member: for an array element, the array's (`tokens` in `$.tokens[2]`).
   * With `above`, the name that many members further up (array levels left out): `lastKey(1)` of
   * `$.sessions.q1W2.user` is `q1W2`. `null` past the root.
   */
  lastKey(above?: number): string | null
}

/** Called for what the walk outputs, to transform it (redaction). */
export interface ProjectHooks {
  /** Each kept primitive; returns its replacement, or {@link REMOVE}. */
  value(value: string | number | boolean | null, key: string | null, at: PathRef): unknown
  /** Each kept member name; returns the name to output. */
  key(key: string, at: PathRef): string
  /**
   * Whether a member's name makes a container under it secret whole: every primitive below is then
   * passed to {@link value} under this member's name (`{"passwords": ["..."]}`).
   */
  secretMember?(key: string): boolean
  /** Whether a member inside a secret container describes it and is read as itself (`type`). */
  describesSecret?(key: string): boolean
  /**
   * Whether a name says its value is secret (the member-name rule), for names objects carry as
   * values (`{"name": "DB_PASSWORD", "value": "..."}`; see {@link secretShapeOf}).
   */
  sensitiveName?(name: string): boolean
}

/** Limits of one projection. */
export interface ProjectOptions {
  /** Transforms applied to kept values (redaction), or none. */
  readonly hooks?: ProjectHooks | undefined
  /** Deepest nesting of objects and arrays allowed in the output; deeper fails the response. */
  readonly maxDepth: number
  /** How many distinct dropped paths to record (the count is always exact). */
  readonly maxPaths: number
  /**
   * Largest value walked, as the characters of the JSON text of what the walk visits (a lower
   * bound of its UTF-8 bytes); past it the walk stops and fails. @default Infinity
   */
  readonly maxBytes?: number | undefined
}

/** What {@link project} built and what it left out. */
export interface ProjectionResult {
  /** A new plain-data value: what `JSON.stringify` would serialize, minus what the tree drops. */
  readonly value: unknown
  /** Members dropped (an object key or an array element each; their contents are not counted). */
  readonly dropped: number
  /** Templated JSONPaths of dropped members (`$.users[*].password`), at most `maxPaths`. */
  readonly droppedPaths: readonly string[]
  /** Whether more distinct paths were dropped than `maxPaths` let it record. */
  readonly pathsTruncated: boolean
}

/** Markers of {@link Place.signature}: a child place starts and ends. */
const ENTER: unique symbol = Symbol('enter')
const LEAVE: unique symbol = Symbol('leave')

/**
 * Where a container sits, as a template (`$.users[*]`): shared by every container at that place,
 * so a drop costs one `Set.add` and path strings are built once, at the end.
 */
export class Place {
  readonly parent: Place | null
  /** Object key, or `null` for "any array element". */
  readonly key: string | null
  private children: Map<string | null, Place> | null = null
  /** Keys dropped here; `null` stands for array elements. */
  drops: Set<string | null> | null = null
  /**
   * What the last object here kept: objects of one list share their keys, so the next one with
   * the same keys (compared by identity, one pass) reuses the plan instead of a lookup per key.
   */
  shape: Shape | null = null
  /** The member plan whose drops were recorded here last (a compiled view's). */
  private lastPlan: object | null = null

  constructor(parent: Place | null, key: string | null) {
    this.parent = parent
    this.key = key
  }

  child(key: string | null): Place {
    this.children ??= new Map()
    let place = this.children.get(key)
    if (place === undefined) {
      place = new Place(this, key)
      this.children.set(key, place)
    }
    return place
  }

  /** Records a dropped member here: an object key, or `null` for an array element. */
  addDrop(key: string | null): void {
    this.drops ??= new Set()
    this.drops.add(key)
  }

  /** Records the drops of a member plan; a plan recorded last already holds its names. */
  dropAll(plan: object, keys: readonly string[]): void {
    if (this.lastPlan === plan) return
    this.lastPlan = plan
    this.drops ??= new Set()
    for (const key of keys) this.drops.add(key)
  }

  path(): string {
    return this.parent === null ? '$' : childPath(this.parent.path(), this.key)
  }

  /**
   * What {@link collect} would make of this place, without building a path: its drops and each
   * child place's key between {@link ENTER} and {@link LEAVE}, in walk order, appended to `out`.
   * Keys are compared by identity; two places with equal signatures collect the same paths.
   * Stops, returning false, once `out` holds more than `max` items.
   */
  signature(out: unknown[], max: number): boolean {
    if (this.drops !== null) for (const key of this.drops) out.push(key)
    if (out.length > max) return false
    if (this.children === null) return true
    for (const place of this.children.values()) {
      out.push(ENTER, place.key)
      if (!place.signature(out, max)) return false
      out.push(LEAVE)
    }
    return true
  }

  /** Every dropped path below this place, in walk order, at most `max`. */
  collect(out: string[], max: number): boolean {
    if (this.drops !== null) {
      const base = this.path()
      for (const key of this.drops) {
        if (out.length >= max) return true
        out.push(childPath(base, key))
      }
    }
    for (const place of this.children?.values() ?? []) {
      if (place.collect(out, max)) return true
    }
    return false
  }
}

/** Which members of an object with these keys survive, and the node each continues with. */
interface Shape {
  /** The allowlist node the plan was made for. */
  readonly node: ProjectionNode
  readonly keys: readonly string[]
  /** Indices into `keys` of the kept members, in order. */
  readonly kept: readonly number[]
  readonly children: readonly ProjectionNode[]
  /** How many members the plan drops. */
  readonly drops: number
}

/** Whether two lists hold the same items in the same order, compared by identity. */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

interface Frame {
  readonly src: Record<string, unknown> | unknown[]
  readonly out: Record<string, unknown> | unknown[]
  readonly node: ProjectionNode
  readonly keys: string[] | null
  readonly depth: number
  /** Where this container sits; `null` inside kept subtrees, where nothing is dropped. */
  readonly place: Place | null
  i: number
  /** For objects below a partial allowlist: the kept members, walked with `p`. */
  readonly shape: Shape | null
  p: number
  /** Template path of this container, computed when a hook first asks for a path below it. */
  base: string | undefined
  /** The secret member this container is inside (see {@link ProjectHooks.secretMember}), or `null`. */
  readonly secret: string | null
  /** What this object's shape says of its members' secrecy (a JWK, a name/value pair), or `null`. */
  readonly secretShape: SecretShape | null
  /** For a list of entries or raw headers: the secret name of each element's value (see listSecretNames). */
  readonly names: readonly (string | null)[] | null
}

/** What {@link prepare} returns for values JSON leaves out (undefined, functions, symbols). */
export const OMIT: unique symbol = Symbol('omit')
export type Prepared =
  | {
      readonly container: Record<string, unknown> | unknown[]
      /** The byte view the container was made of (see byte-views.ts): its bytes are read as text. */
      readonly bytes?: ByteView
    }
  | string
  | number
  | boolean
  | null
  | typeof OMIT

/** `path` with one more segment: `[*]` for array elements, `.name` or `['name']` for members. */
export function childPath(path: string, key: string | null): string {
  if (key === null) return `${path}[*]`
  return isIdentifier(key) ? `${path}.${key}` : `${path}['${key.replaceAll("'", "\\'")}']`
}

/** The last member name of a templated path: `$.data[*].accessToken` -> `accessToken`. */
export function lastMemberName(path: string): string {
  // An array's elements are named by the array: `$['access-tokens'][*]` is `access-tokens`.
  if (path.endsWith(']')) path = withoutTrailingIndexes(path)
  const quoted = /\['((?:[^'\\]|\\.)*)'\]$/.exec(path)
  if (quoted !== null) return quoted[1]!
  const dot = path.lastIndexOf('.')
  return dot === -1 ? '' : path.slice(dot + 1).replace(/\[.*$/, '')
}

/**
 * `path` without the index steps at its end (`[*]`, `[3]`), read back from its end: a pattern
 * anchored only there (`(?:\[(?:\*|\d+)\])+$`) was tried from every `[` of a name made of them.
 */
function withoutTrailingIndexes(path: string): string {
  let end = path.length
  while (end > 0 && path.charCodeAt(end - 1) === 93) {
    let i = end - 2
    if (i >= 0 && path.charCodeAt(i) === 42) i--
    else {
      const last = i
      while (i >= 0 && path.charCodeAt(i) >= 48 && path.charCodeAt(i) <= 57) i--
      if (i === last) break
    }
    if (i < 0 || path.charCodeAt(i) !== 91) break
    end = i
  }
  return end === path.length ? path : path.slice(0, end)
}

/** `[A-Za-z_$][\w$]*`, without a regular expression (paths are built for every finding). */
function isIdentifier(key: string): boolean {
  if (key.length === 0) return false
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36
    if (!letter && (i === 0 || c < 48 || c > 57)) return false
  }
  return true
}

/**
 * The template (`$.users[*].email`) or concrete (`$.users[3].email`) path of a member, from the
 * names (`null`: an array element) and indices of each level down to `depth`.
 */
export function templateOf(
  keys: readonly (string | null)[],
  depth: number,
  concrete: boolean,
  indices: readonly number[],
): string {
  let path = '$'
  for (let d = 0; d < depth; d++) {
    const key = keys[d]!
    path = key === null && concrete ? `${path}[${indices[d]}]` : childPath(path, key)
  }
  return path
}

/**
 * A byte view's container after redaction read its bytes as text (see byte-views.ts): the same
 * container when nothing changed, the container of the redacted bytes, or `null` when a mask
 * removed the value.
 */
export function redactedContainer(
  prepared: { readonly container: Record<string, unknown> | unknown[]; readonly bytes?: ByteView },
  key: string | number,
  redact: (text: string) => unknown,
): Record<string, unknown> | unknown[] | null {
  const read = redactedBytes(prepared.bytes!, redact)
  if (read === null) return null
  if (read === prepared.bytes) return prepared.container
  return (prepare(read, key) as { readonly container: Record<string, unknown> | unknown[] }).container
}

/**
 * The name a value of the walk is read under: the secret around it (but for a member that
 * describes its secret container), else its member's name (or the secret its object's shape names
 * for it), or for an element, the secret name its list gives it.
 */
function valueName(
  frame: { readonly secret: string | null; readonly names: readonly (string | null)[] | null },
  key: string | null,
  element: number,
  shapeSecret: string | undefined,
  hooks: ProjectHooks,
): string | null {
  if (frame.secret !== null && !(key !== null && hooks.describesSecret?.(key) === true)) return frame.secret
  if (key === null) return frame.names === null ? null : frame.names[element]!
  return shapeSecret ?? key
}

/** Applies `toJSON` and JSON's conversions to one value, as `JSON.stringify` would. */
export function prepare(value: unknown, key: string | number): Prepared {
  let v = value
  if (typeof v === 'object' && v !== null) {
    // Read once, as JSON.stringify reads it (a getter sees one read).
    const toJSON = (v as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') {
      const view = v
      v = toJSON.call(v, String(key))
      // A Buffer: its JSON (`{"type":"Buffer","data":[...]}`) is read as the bytes it holds.
      if (typeof v === 'object' && v !== null && isByteView(view))
        return { container: v as Record<string, unknown>, bytes: view }
    } else {
      // Most containers are plain objects and arrays: nothing below applies to them.
      const proto = Object.getPrototypeOf(v)
      if (proto === Object.prototype || proto === Array.prototype || proto === null)
        return { container: v as Record<string, unknown> | unknown[] }
    }
  }
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v
    case 'number':
      return Number.isFinite(v) ? v : null
    case 'bigint':
      throw new LeakguardResponseError('ERR_LG_RESPONSE_UNSERIALIZABLE', 'response contains a BigInt')
    case 'object': {
      if (v === null) return null
      if (v instanceof Number || v instanceof String || v instanceof Boolean) return prepare(v.valueOf(), key)
      if (typeof BigInt !== 'undefined' && Object.prototype.toString.call(v) === '[object BigInt]') {
        throw new LeakguardResponseError('ERR_LG_RESPONSE_UNSERIALIZABLE', 'response contains a BigInt')
      }
      // A Uint8Array (written `{"0":...}`): read as the bytes it holds.
      if (isByteView(v)) return { container: v as unknown as Record<string, unknown>, bytes: v }
      return { container: v as Record<string, unknown> | unknown[] }
    }
    default:
      return OMIT // undefined, functions, symbols
  }
}

/**
 * The output name of a member once hooks may mask names (a secret used as a name): made unique,
 * since a source object never repeats a name, so two masked names in one object
 * (`[REDACTED:email]`) never overwrite each other. Only objects holding a masked name are checked.
 */
function memberName(
  out: Record<string, unknown>,
  original: string,
  changed: string,
  masked: WeakMap<object, UniqueNames>,
): string {
  let names = masked.get(out)
  if (names === undefined) {
    if (changed === original) return changed
    names = new UniqueNames(Object.keys(out))
    masked.set(out, names)
  }
  return names.claim(changed)
}

/** Longest array copied: V8 cannot grow an array past about 2^27 elements. */
const MAX_ARRAY_LENGTH = 2 ** 27 - 8

const ROOT_PATH: PathRef = { template: () => '$', concrete: () => '$', keys: () => [], lastKey: () => null }

/** The segment a frame adds for its current member: `[*]`/`[3]` or `.name`. */
function segment(frame: Frame, path: string, concrete: boolean): string {
  if (frame.keys === null) return concrete ? `${path}[${frame.i - 1}]` : `${path}[*]`
  return childPath(path, frame.keys[frame.i - 1]!)
}

/**
 * The path of the member a projection is at, read from its stack of frames. A class, not an object
 * of closures: a closure per walk would be a call target per walk, which V8 may embed in optimized
 * code and discard with it (see lib/kept-shapes.ts).
 */
class StackPath implements PathRef {
  constructor(private readonly stack: readonly Frame[]) {}

  template(): string {
    return templatePath(this.stack)
  }

  concrete(): string {
    return buildPath(this.stack, true)
  }

  keys(): string[] {
    const out: string[] = []
    for (const frame of this.stack) if (frame.keys !== null) out.push(frame.keys[frame.i - 1]!)
    return out
  }

  lastKey(above = 0): string | null {
    for (let d = this.stack.length - 1; d >= 0; d--) {
      const frame = this.stack[d]!
      if (frame.keys !== null && above-- === 0) return frame.keys[frame.i - 1]!
    }
    return null
  }
}

// One instance with no data keeps the class's map alive (see lib/kept-shapes.ts).
keepShape(new StackPath([]))

/**
 * The template path of the member being processed. Container templates are kept on their frames,
 * so a response with many findings builds each prefix once, not once per finding.
 */
function templatePath(stack: readonly Frame[]): string {
  let from = stack.length - 1
  while (from > 0 && stack[from]!.base === undefined) from--
  let base = stack[from]!.base ?? '$'
  stack[from]!.base = base
  for (let i = from + 1; i < stack.length; i++) {
    base = segment(stack[i - 1]!, base, false)
    stack[i]!.base = base
  }
  return segment(stack[stack.length - 1]!, base, false)
}

/** The path of the member being processed, from the frames on the stack. */
function buildPath(stack: readonly Frame[], concrete: boolean): string {
  let path = '$'
  for (const frame of stack) {
    if (frame.keys === null) path += concrete ? `[${frame.i - 1}]` : '[*]'
    else path = childPath(path, frame.keys[frame.i - 1]!)
  }
  return path
}

function setMember(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    out[key] = value
  }
}

export function sizeError(): LeakguardResponseError {
  return new LeakguardResponseError(
    'ERR_LG_RESPONSE_TOO_LARGE',
    'response body is larger than responses.maxBodyBytes',
  )
}

/** A container past `maxDepth`: a cycle when it is one of the containers it sits in. */
export function depthError(containers: readonly object[], container: object): LeakguardResponseError {
  for (const open of containers) {
    if (open === container) {
      return new LeakguardResponseError('ERR_LG_RESPONSE_CYCLE', 'response contains a circular reference')
    }
  }
  return new LeakguardResponseError(
    'ERR_LG_RESPONSE_TOO_DEEP',
    'response is nested deeper than responses.maxDepth',
  )
}

/**
 * Builds a new value holding only what `root` allows, in one iterative walk (no recursion, so
 * no stack overflow on hostile nesting). The input is never mutated. The output is plain data, as
 * `JSON.parse(JSON.stringify(value))` would give, minus the dropped members.
 * @throws LeakguardResponseError for BigInt, cycles, nesting deeper than `maxDepth`, or a value
 * larger than `maxBytes`
 */
export function project(value: unknown, root: ProjectionNode, options: ProjectOptions): ProjectionResult {
  let dropped = 0
  const root0 = new Place(null, null)
  const drop = (place: Place | null, key: string | null): void => {
    dropped++
    if (place === null) return
    if (place.drops === null) place.drops = new Set()
    place.drops.add(key)
  }

  let top = prepare(value, '')
  if (typeof top === 'object' && top !== null && top.bytes !== undefined && options.hooks !== undefined) {
    const hooks = options.hooks
    const container = redactedContainer(top, '', (text) => hooks.value(text, null, ROOT_PATH))
    top = container === null ? null : { container }
  }
  if (top === OMIT) return { value: undefined, dropped: 0, droppedPaths: [], pathsTruncated: false }
  if (typeof top !== 'object' || top === null) {
    if (root.keep) {
      const value = options.hooks === undefined ? top : options.hooks.value(top, null, ROOT_PATH)
      return { value: value === REMOVE ? null : value, dropped: 0, droppedPaths: [], pathsTruncated: false }
    }
    dropped++
    return {
      value: null,
      dropped,
      droppedPaths: options.maxPaths > 0 ? ['$'] : [],
      pathsTruncated: options.maxPaths === 0,
    }
  }

  const stack: Frame[] = []
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  // Characters of the compact JSON text of what the walk visited so far: a lower bound of the
  // size of the serialized body, so a body within the limit as bytes is within it here too.
  let size = 0
  const open = (
    src: Record<string, unknown> | unknown[],
    node: ProjectionNode,
    depth: number,
    place: Place | null,
    secret: string | null,
  ) => {
    if (depth > options.maxDepth)
      throw depthError(
        stack.map((frame) => frame.src),
        src,
      )
    size++
    const isArray = Array.isArray(src)
    // A sparse array can claim up to 2^32 - 1 elements; the copy would grow past what V8 can
    // allocate, which ends the process instead of throwing. JSON.stringify throws a RangeError.
    if (isArray && (src as unknown[]).length > MAX_ARRAY_LENGTH)
      throw new RangeError(`an array of ${(src as unknown[]).length} elements is longer than a copy can hold`)
    const out: Record<string, unknown> | unknown[] = isArray ? [] : {}
    const keys = isArray ? null : Object.keys(src)
    stack.push({
      src,
      out,
      node,
      keys,
      depth,
      place,
      i: 0,
      shape: keys === null || node.keep || place === null ? null : shapeOf(keys, node, place),
      p: 0,
      base: undefined,
      secret,
      secretShape: keys === null || options.hooks?.sensitiveName === undefined ? null : secretShapeOf(keys),
      // Entries and raw headers name their own values (secret-shapes.ts).
      names:
        keys !== null || options.hooks?.sensitiveName === undefined
          ? null
          : listSecretNames(
              src as unknown[],
              stack.length > 0 && stack[stack.length - 1]!.keys === null
                ? (stack[stack.length - 1]!.src as unknown[])
                : null,
              (n) => options.hooks!.sensitiveName!(n),
            ),
    })
    return out
  }
  /** The plan of an object's members at `place`: reused, or made (recording its drops). */
  const shapeOf = (keys: string[], node: ProjectionNode, place: Place): Shape => {
    const known = place.shape
    // The same place can hold objects under different nodes (`$.items[0]` and `$.items[*]`).
    if (known !== null && known.node === node && sameItems(known.keys, keys)) {
      dropped += known.drops // the drops of this place already hold these names
      return known
    }
    const kept: number[] = []
    const children: ProjectionNode[] = []
    let drops = 0
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!
      const child = (node.children !== null ? node.children.get(key) : undefined) ?? node.any
      if (child === null || child === undefined) {
        drop(place, key)
        drops++
      } else {
        kept.push(k)
        children.push(child)
      }
    }
    const shape = { node, keys, kept, children, drops }
    place.shape = shape
    return shape
  }
  const result = open(top.container, root, 1, root.keep ? null : root0, null)
  const hooks = options.hooks
  // Output objects holding a masked member name, where collisions must be checked.
  const maskedNames = new WeakMap<object, UniqueNames>()
  // The member being processed: the top frame's last key (objects) or index (arrays).
  const pathRef = new StackPath(stack)

  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    const { node, keys } = frame
    let key: string
    let element = 0
    let raw: unknown
    let child: ProjectionNode | null | undefined
    const { shape } = frame
    if (shape !== null) {
      if (frame.p >= shape.kept.length) {
        stack.pop()
        continue
      }
      const index = shape.kept[frame.p]!
      child = shape.children[frame.p++]!
      frame.i = index + 1 // paths read the current member as keys[i - 1]
      key = keys![index]!
      raw = (frame.src as Record<string, unknown>)[key]
    } else if (keys === null) {
      const src = frame.src as unknown[]
      if (frame.i >= src.length) {
        stack.pop()
        continue
      }
      const index = frame.i++
      key = '' // array elements have no name; `index` stands for it, as a string only when needed
      element = index
      raw = src[index]
    } else {
      if (frame.i >= keys.length) {
        stack.pop()
        continue
      }
      key = keys[frame.i++]!
      raw = (frame.src as Record<string, unknown>)[key]
    }

    if (shape === null) {
      child = node.keep
        ? KEEP
        : ((node.children !== null ? node.children.get(keys === null ? String(element) : key) : undefined) ??
          node.any)
    }
    if (child === null || child === undefined) {
      drop(frame.place, keys === null ? null : key)
      continue
    }
    const prepared = prepare(raw, keys === null ? element : key)
    if (prepared !== OMIT || keys === null) {
      // `"name":` or nothing, the value (a container's opening bracket counts when it opens), and
      // the comma or closing bracket after it: never more than compact JSON of the same value.
      size +=
        (keys === null ? 1 : key.length + 4) +
        (typeof prepared === 'string'
          ? prepared.length + 2
          : typeof prepared === 'object' && prepared !== null
            ? 0
            : typeof prepared === 'number'
              ? String(prepared).length
              : 1)
      if (size > maxBytes) throw sizeError()
    }
    let out: unknown
    // A container's name is read before the walk descends into it (its path is the member's).
    let name: string | undefined
    // A member its object's shape says is secret (a JWK's `d`, the value of a secret's name/value
    // pair) is read as if it were named for the secret.
    const shapeSecret =
      frame.secretShape === null || frame.secret !== null || keys === null
        ? undefined
        : secretNameOf(frame.secretShape, frame.src as Record<string, unknown>, key, (n) =>
            hooks!.sensitiveName!(n),
          )
    if (prepared === OMIT) {
      if (keys !== null) continue
      out = null // JSON turns undefined, functions and symbols in arrays into null
    } else if (typeof prepared === 'object' && prepared !== null) {
      let container = prepared.container
      // Whether a Buffer's JSON was read as bytes here (its numbers are then not masked again).
      let bufferJsonRead = false
      const containerSecret =
        frame.secret !== null
          ? keys !== null && hooks?.describesSecret?.(key) === true
            ? null // a member describing its secret container (`scopes: [...]`) is read as itself
            : frame.secret
          : keys !== null && hooks?.secretMember?.(key) === true
            ? key
            : keys === null && frame.names !== null
              ? frame.names[element]! // a container a list names for a secret is secret whole
              : (shapeSecret ?? null)
      if (prepared.bytes !== undefined && hooks !== undefined) {
        // A byte view's bytes are read as text, under the name a string there is read under.
        const name = valueName(frame, keys === null ? null : key, element, shapeSecret, hooks)
        const read = redactedContainer(prepared, keys === null ? element : key, (text) =>
          hooks.value(text, name, pathRef),
        )
        if (read === null) continue
        container = read
      } else if (
        hooks !== undefined &&
        (container as { type?: unknown }).type === 'Buffer' &&
        namesBufferJson(Object.keys(container))
      ) {
        // A Buffer already written as JSON (see bufferJsonBytes): its bytes are read as text too.
        const bytes = bufferJsonBytes(container as Record<string, unknown>)
        if (bytes !== undefined) {
          const name = valueName(frame, keys === null ? null : key, element, shapeSecret, hooks)
          const read = redactedBytes(bytes, (text) => hooks.value(text, name, pathRef))
          if (read === null) continue
          if (read !== bytes) container = bufferJsonLike(container as Record<string, unknown>, read)
          bufferJsonRead = true
        }
      }
      if (keys !== null && hooks !== undefined)
        name = memberName(frame.out as Record<string, unknown>, key, hooks.key(key, pathRef), maskedNames)
      out = open(
        container,
        child,
        frame.depth + 1,
        child.keep || frame.place === null ? null : frame.place.child(keys === null ? null : key),
        // A byte view's bytes were read under the name already: its numbers are not masked again.
        prepared.bytes !== undefined || bufferJsonRead ? null : containerSecret,
      )
    } else if (child.keep) {
      out =
        hooks === undefined
          ? prepared
          : hooks.value(
              prepared,
              valueName(frame, keys === null ? null : key, element, shapeSecret, hooks),
              pathRef,
            )
      if (out === REMOVE) continue
    } else {
      // The allowlist expects members below this one, but the value has none.
      drop(frame.place, keys === null ? null : key)
      continue
    }
    if (keys === null) (frame.out as unknown[]).push(out)
    else
      setMember(
        frame.out as Record<string, unknown>,
        name ??
          (hooks === undefined
            ? key
            : memberName(frame.out as Record<string, unknown>, key, hooks.key(key, pathRef), maskedNames)),
        out,
      )
  }
  if (dropped === 0) return { value: result, dropped, droppedPaths: [], pathsTruncated: false }
  const droppedPaths: string[] = []
  const pathsTruncated = root0.collect(droppedPaths, options.maxPaths)
  return { value: result, dropped, droppedPaths, pathsTruncated }
}
