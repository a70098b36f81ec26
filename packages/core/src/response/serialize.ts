import {
  type ByteView,
  bufferJsonBytes,
  bufferJsonLike,
  namesBufferJson,
  redactedBytes,
} from '../allowlist/byte-views.js'
import { KEEP, type ProjectionNode } from '../allowlist/compile.js'
import {
  childPath,
  depthError,
  OMIT,
  type PathRef,
  Place,
  type ProjectHooks,
  type ProjectionResult,
  type ProjectOptions,
  prepare,
  REMOVE,
  redactedContainer,
  sameItems,
  sizeError,
  templateOf,
} from '../allowlist/project.js'
import { listSecretNames, type SecretShape, secretNameOf, secretShapeOf } from '../allowlist/secret-shapes.js'
import { keepShape } from '../lib/kept-shapes.js'
import { UniqueNames } from '../lib/unique-names.js'
import { isLongInteger } from '../redact/features.js'
import { type MemberReader, memberReader } from './member-reader.js'

/**
 * What a member name asks of the serializer, per redactor: `NAME` when the name itself must be
 * read (it may be a secret used as a name), `VALUE` when its primitive values need the full value
 * hook (a member-name rule or a key rule applies); 0 when only the detectors read its strings.
 */
export const MEMBER_NAME = 1
export const MEMBER_VALUE = 2
/**
 * Member-fact bit: the name says its value is secret, so a container under it is secret whole:
 * every primitive below is redacted as a value of this member (`{"passwords": ["..."]}`).
 */
export const MEMBER_SECRET = 4
/**
 * Member-fact bit: numbers under the name are read as their digits (a phone's name: `tel:
 * 4155552671`), through the full value hook; its strings go to the detectors as usual.
 */
export const MEMBER_DIGITS = 8

/** Redaction as the serializer calls it: {@link ProjectHooks} plus the facts that let it skip work. */
export interface SerializeHooks extends ProjectHooks {
  /** What the redactor compiled for (member facts are cached per scope). */
  readonly scope: object
  /** {@link MEMBER_NAME} / {@link MEMBER_VALUE} / {@link MEMBER_SECRET} / {@link MEMBER_DIGITS} bits of a member name, for this scope. */
  memberFacts(key: string): number
  /** Redacts one string found under `key` (already known to need no member-name rule). */
  string(text: string, key: string | null, at: PathRef | null): string | typeof REMOVE
  /** Whether a member inside a secret container describes it and is read as itself (`type`). */
  describesSecret(key: string): boolean
  /** Whether a string is known to hold nothing JSON escapes (it is then written as it is). */
  plainJson(text: string): boolean
  /** Whether a name says its value is secret (see {@link secretShapeOf}). */
  sensitiveName(name: string): boolean
}

/** What {@link serialize} wrote and what it left out. */
export interface SerializeResult extends Omit<ProjectionResult, 'value'> {
  /** The JSON text, or `undefined` where `JSON.stringify` returns it (a root `undefined`). */
  readonly text: string | undefined
}

/**
 * How the members of one object shape are written under one node: computed the first time an
 * object with these keys is seen there, then reused by every object of the same shape, across
 * responses (objects of a list, every response of a route).
 */
interface Plan {
  readonly node: ProjectionNode
  readonly keys: readonly string[]
  /** Whether the members are a Buffer's JSON (`type`, `data`): its bytes are read as text. */
  readonly bufferJson: boolean
  /** Indices into `keys` of the kept members, in order. */
  readonly kept: readonly number[]
  readonly children: readonly ProjectionNode[]
  /** `"name":` of each kept member, JSON-escaped once. */
  readonly names: readonly string[]
  /** `,"name":`: the same with the comma that precedes every member but the first written. */
  readonly commaNames: readonly string[]
  /**
   * A string value's opening quote goes with its name and its closing quote with what follows
   * (the next name, or `}`): two concatenations per member instead of four, half the rope nodes
   * to allocate and later flatten. `"name":"` (first member), `,"name":"`, `","name":"` (after a
   * string), and `","name":` (a value that is not a plain string, after a string).
   */
  readonly openNames: readonly string[]
  readonly openCommaNames: readonly string[]
  readonly closeOpenCommaNames: readonly string[]
  readonly closeCommaNames: readonly string[]
  readonly dropKeys: readonly string[]
  /** Plans of the values of each kept member, last seen (objects, or the elements of arrays). */
  readonly next: (Plan | undefined)[]
  /** Member facts for `scope`, recomputed when another redactor writes this shape. */
  scope: object | null
  facts: Uint8Array
  /** Whether any kept member has facts (otherwise strings only go to the detectors). */
  /** The union of `facts`: 0 when strings only go to the detectors. */
  anyFacts: number
  /** What the shape says of its members' secrecy (a JWK, a name/value pair), or `null`. */
  readonly secretShape: SecretShape | null
  /** Objects written with this plan, counted until {@link READER_AFTER}. */
  uses: number
  /** Reads the kept members at fixed names (see member-reader.ts), once the shape proved common. */
  reader: MemberReader | undefined
}

/**
 * Objects of one shape written before its members are read by a {@link MemberReader}: a shape met
 * once or twice (a map keyed by ids) is not worth the code.
 */
const READER_AFTER = 16

function makePlan(node: ProjectionNode, keys: string[]): Plan {
  const kept: number[] = []
  const children: ProjectionNode[] = []
  const names: string[] = []
  const dropKeys: string[] = []
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!
    const child = node.keep
      ? KEEP
      : ((node.children !== null ? node.children.get(key) : undefined) ?? node.any)
    if (child === null || child === undefined) {
      dropKeys.push(key)
      continue
    }
    kept.push(k)
    children.push(child)
    names.push(`${JSON.stringify(key)}:`)
  }
  return {
    node,
    keys,
    kept,
    children,
    names,
    bufferJson: namesBufferJson(keys),
    commaNames: names.map((name) => `,${name}`),
    openNames: names.map((name) => `${name}"`),
    openCommaNames: names.map((name) => `,${name}"`),
    closeOpenCommaNames: names.map((name) => `",${name}"`),
    closeCommaNames: names.map((name) => `",${name}`),
    dropKeys,
    next: new Array<Plan | undefined>(kept.length),
    scope: null,
    facts: new Uint8Array(kept.length),
    anyFacts: 0,
    secretShape: secretShapeOf(keys),
    uses: 0,
    reader: undefined,
  }
}

/**
 * A compiled view: an allowlist tree with the member plans it learns from the bodies it writes.
 * Build one per view at startup and reuse it for every response; plans are bounded by the shapes
 * the application sends.
 */
export class CompiledView {
  readonly tree: ProjectionNode
  /** The plan of the root value, last seen. */
  readonly root: (Plan | undefined)[] = [undefined]
  /** The dropped paths last written, and the drops they were made from (see {@link droppedPaths}). */
  private lastDrops: DroppedPaths | undefined
  constructor(tree: ProjectionNode) {
    this.tree = tree
  }

  /**
   * The dropped paths of a response: the same frozen array as the last response's when it dropped
   * the same members (a list endpoint drops the same ones every time). Paths are then built once,
   * and what reports them can remember their masked forms by the array.
   */
  droppedPaths(places: Place, maxPaths: number): DroppedPaths {
    const signature: unknown[] = [maxPaths]
    // Bodies that drop many distinct members are not remembered (the signature holds their names).
    const short = places.signature(signature, MAX_SIGNATURE)
    const last = this.lastDrops
    if (short && last !== undefined && sameItems(last.signature, signature)) return last
    const paths: string[] = []
    const truncated = places.collect(paths, maxPaths)
    const made: DroppedPaths = { signature, paths: Object.freeze(paths), truncated }
    this.lastDrops = short ? made : undefined
    return made
  }
}

/** Longest drop signature a view remembers (see {@link CompiledView.droppedPaths}). */
const MAX_SIGNATURE = 512

interface DroppedPaths {
  readonly signature: readonly unknown[]
  readonly paths: readonly string[]
  readonly truncated: boolean
}

const compiledViews = new WeakMap<ProjectionNode, CompiledView>()

/** The compiled view of `tree`, made once per tree. */
export function compiledView(tree: ProjectionNode): CompiledView {
  let view = compiledViews.get(tree)
  if (view === undefined) {
    view = new CompiledView(tree)
    compiledViews.set(tree, view)
  }
  return view
}

/**
 * Writes `value` as JSON text holding only what the view allows, redacting kept values and
 * names on the way: the same text as `JSON.stringify(project(value, view.tree, options).value)`,
 * with the same counts and dropped paths, without building the projected value. Member names are
 * escaped with `JSON.stringify` once per shape; no code is generated from names or values.
 * @throws LeakguardResponseError for BigInt, cycles, nesting deeper than `maxDepth`, or a body
 * larger than `maxBytes`; what a hook throws
 */
export function serialize(
  value: unknown,
  view: CompiledView,
  options: ProjectOptions & { readonly hooks?: SerializeHooks | undefined },
): SerializeResult {
  // Nesting deeper than the call stack (maxDepth allows 10,000) throws a RangeError, which the
  // guard reports as ERR_LG_RESPONSE_TOO_DEEP (toResponseError).
  return new Writer(options).run(value, view)
}

/**
 * {@link serialize} in steps: each `yield` is a point where the event loop may serve others. The
 * body's longest list of objects or object of objects (a map keyed by ids), at the root or below
 * up to {@link SPINE_DEPTH} plain members, is written in slices of about `stepChars` characters of
 * output, a `yield` between two, then the rest of the body in one go; a body without one, or
 * whose one is written in one slice, does not yield. The text, the counts and the findings are
 * those of {@link serialize}; only the order in which findings and dropped paths are reported may
 * differ (the slices' first). {@link STALE} if the body changed between steps so that some of what
 * was written ahead went unused.
 */
export function* serializeInSteps(
  value: unknown,
  view: CompiledView,
  options: ProjectOptions & { readonly hooks?: SerializeHooks | undefined },
  stepChars = STEP_CHARS,
): Generator<void, SerializeResult | typeof STALE> {
  const writer = new Writer(options)
  const spine = findSpine(value, view.tree, options.hooks)
  if (spine === undefined) return writer.run(value, view)
  yield* writer.spineSteps(spine, stepChars)
  let result: SerializeResult
  try {
    result = writer.run(value, view)
  } catch (error) {
    // Counted against maxBytes with slices it did not use: not a verdict on this body.
    if (writer.slicesLeft()) return STALE
    throw error
  }
  return writer.slicesLeft() ? STALE : result
}

/**
 * What {@link serializeInSteps} returns when the body changed between its steps so that some of
 * what it wrote ahead was not used (a member on the way renamed, a value replaced): its findings
 * and counts then hold work for text that never went out. The caller writes the body again, at
 * once, with a new session.
 */
export const STALE: unique symbol = Symbol('leakguard.stale')

/**
 * Whether {@link serializeInSteps} may find something in `value` to write in slices (a long list
 * or map near the root): a look at its top levels, for callers that keep the steps' machinery off
 * the path of bodies that cannot need it.
 */
export function mayWriteInSteps(value: unknown): boolean {
  return findSpine(value, KEEP, undefined) !== undefined
}

/** Characters of JSON text written per step by {@link serializeInSteps} (1 MiB): a few milliseconds of work. */
export const STEP_CHARS = 1 << 20
/** How many object members deep {@link serializeInSteps} looks for a list or map to write in steps. */
const SPINE_DEPTH = 3
/** Lists and maps shorter than this are written in one step. */
const SPINE_MIN_LENGTH = 64
/** How many containers {@link serializeInSteps} looks at to find the list or map. */
const SPINE_VISITS = 64

/**
 * A long list of objects in a body, or a long object of objects (a map keyed by ids), and the
 * plain members that lead to it from the root.
 */
interface Spine {
  /** The objects from the root down to the container's parent, and the member taken in each. */
  readonly objects: readonly Record<string, unknown>[]
  readonly keys: readonly string[]
  /** Each key's position among its object's members (as the writer numbers them). */
  readonly indices: readonly number[]
  /** The view's nodes from the root down to the container's. */
  readonly nodes: readonly ProjectionNode[]
  readonly container: readonly unknown[] | Record<string, unknown>
  /** Its elements or members. */
  readonly size: number
}

/** Whether `value` is a plain object or array that the writer takes as it is (no `toJSON`). */
function isPlainContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === Array.prototype || proto === null
}

/**
 * The longest list of objects, or object of objects, reached from the root through members the
 * view keeps and redaction reads as nothing but a way down: no member-name rule on their names,
 * no secret shape in their objects (what the writer would read differently at those levels);
 * `undefined` if none. At most {@link SPINE_VISITS} containers are looked at.
 */
function findSpine(
  value: unknown,
  tree: ProjectionNode,
  hooks: SerializeHooks | undefined,
): Spine | undefined {
  let best: Spine | undefined
  let budget = SPINE_VISITS
  const objects: Record<string, unknown>[] = []
  const keys: string[] = []
  const indices: number[] = []
  const nodes: ProjectionNode[] = [tree]
  const candidate = (container: readonly unknown[] | Record<string, unknown>, size: number): void => {
    if (best === undefined || size > best.size)
      best = {
        objects: [...objects],
        keys: [...keys],
        indices: [...indices],
        nodes: [...nodes],
        container,
        size,
      }
  }
  const visit = (current: unknown, level: number): void => {
    if (!isPlainContainer(current) || budget-- <= 0) return
    if (Array.isArray(current)) {
      if (current.length >= SPINE_MIN_LENGTH && isPlainContainer(current[0]))
        candidate(current, current.length)
      return
    }
    const record = current as Record<string, unknown>
    const names = Object.keys(record)
    if (hooks !== undefined && secretShapeOf(names) !== null) return
    // An object of many objects (keyed by ids) is written a slice of its members at a time.
    if (names.length >= SPINE_MIN_LENGTH && isPlainContainer(record[names[0]!])) {
      candidate(record, names.length)
      return
    }
    if (level === SPINE_DEPTH) return
    const node = nodes[level]!
    for (let k = 0; k < names.length && budget > 0; k++) {
      const key = names[k]!
      const member = record[key]
      if (!isPlainContainer(member)) continue
      const child = node.keep
        ? KEEP
        : ((node.children !== null ? node.children.get(key) : undefined) ?? node.any)
      if (child === null || child === undefined) continue
      if (hooks !== undefined && hooks.memberFacts(key) !== 0) continue
      objects.push(record)
      keys.push(key)
      indices.push(k)
      nodes.push(child)
      visit(member, level + 1)
      objects.pop()
      keys.pop()
      indices.pop()
      nodes.pop()
    }
  }
  visit(value, 0)
  return best
}

/** The text of a spine's list (`members`: `null`), or of each value of a spine object's members. */
interface Preset {
  readonly spine: Spine
  readonly text: string
  readonly members: Map<object, PresetMember> | null
}

/** A spine object's member value written in steps: under which name and view node. */
interface PresetMember {
  readonly key: string
  readonly node: ProjectionNode
  readonly text: string
}

/**
 * Elements of an array joined into one flat string at a time (see {@link Writer.array}). Joining
 * copies each element's rope into the flat string: 64 elements of a users page (~29 KB) are still
 * in the processor's cache when they are copied, 256 (~115 KB) were not, and cost 9% more on a
 * 1 MB page with the default detectors (docs/benchmarks.md, "Chunks the cache holds").
 */
const CHUNK = 64

/** An array's text from its chunks, flat already: concatenated (a rope of a few nodes), not copied again. */
function joinChunks(chunks: readonly string[]): string {
  let out = `[${chunks[0]!}`
  for (let c = 1; c < chunks.length; c++) out += `,${chunks[c]!}`
  return `${out}]`
}

class Writer implements PathRef {
  private readonly hooks: SerializeHooks | undefined
  private readonly maxDepth: number
  private readonly maxBytes: number
  private readonly maxPaths: number
  private dropped = 0
  private readonly places = new Place(null, null)
  /**
   * Characters written so far (names, values, separators; a container's own brackets once):
   * checked against `maxBytes` at each string, number and container.
   */
  private size = 0
  /** Path of the member being written: its member name (`null`: array element) and index. */
  private readonly keyAt: (string | null)[] = []
  private readonly indexAt: number[] = []
  /** Per depth, the kept members of the object being written there, read by its plan's reader. */
  private readonly valuesAt: unknown[][] = []
  private readonly containers: object[] = []
  private depth = 0
  /**
   * The name of the secret member being written below (see {@link MEMBER_SECRET}): every primitive
   * is redacted as its value; `null` outside one.
   */
  private secret: string | null = null
  /**
   * Whether the container being written is the value of a member whose numbers are read (see
   * {@link MEMBER_DIGITS}): numbers in its lists go to the value hook (`phones: [4155552671]`).
   */
  private digits = false
  /** The list the container written at depth `d` is an element of, or `null`. */
  private parentList(d: number): readonly unknown[] | null {
    return d > 0 && this.keyAt[d - 1] === null && Array.isArray(this.containers[d - 1])
      ? (this.containers[d - 1] as unknown[])
      : null
  }

  /** The member-name rule, for the names a list gives its values (see listSecretNames). */
  private readonly isSecretName = (name: string): boolean => this.hooks!.sensitiveName(name)
  /** What {@link spineSteps} wrote, for {@link run} to take where it reaches it. */
  private preset: Preset | null = null

  constructor(options: ProjectOptions & { readonly hooks?: SerializeHooks | undefined }) {
    this.hooks = options.hooks
    this.maxDepth = options.maxDepth
    this.maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
    this.maxPaths = options.maxPaths
  }

  // The writer is the path of the member it is writing (PathRef), with methods of its class: a
  // closure per writer would be a call target per response, which V8 may embed in optimized code
  // and discard with it (see lib/kept-shapes.ts).

  /** Concrete JSONPath of the member being written. */
  concrete(): string {
    return templateOf(this.keyAt, this.depth, true, this.indexAt)
  }

  /** Member names from the root to the member being written, array levels left out. */
  keys(): string[] {
    const out: string[] = []
    for (let d = 0; d < this.depth; d++) if (this.keyAt[d] !== null) out.push(this.keyAt[d]!)
    return out
  }

  lastKey(above = 0): string | null {
    for (let d = this.depth - 1; d >= 0; d--) {
      const key = this.keyAt[d]
      if (key !== null && above-- === 0) return key!
    }
    return null
  }

  /** Template paths of each level, reused while the names above stay the same (findings repeat by row). */
  private readonly templates: string[] = ['$']
  private readonly templateKeys: (string | null)[] = []
  private templateDepth = 0
  /**
   * Per level, the paths of the members below one parent path, made once: findings alternate
   * between sibling members row after row (`email`, `phone`, `card.number`), and the same path
   * string each time is one comparison by reference where the session looks its summary up.
   */
  private readonly childTemplates: (Map<string | null, string> | undefined)[] = []
  private readonly childTemplatesOf: (string | undefined)[] = []

  /** Templated JSONPath of the member being written. */
  template(): string {
    const depth = this.depth
    const limit = Math.min(this.templateDepth, depth)
    let d = 0
    while (d < limit && this.templateKeys[d] === this.keyAt[d]) d++
    for (; d < depth; d++) {
      const key = this.keyAt[d]!
      this.templateKeys[d] = key
      this.templates[d + 1] = this.childTemplate(d, key)
    }
    this.templateDepth = depth
    return this.templates[depth]!
  }

  private childTemplate(d: number, key: string | null): string {
    const parent = this.templates[d]!
    let known = this.childTemplates[d]
    if (known === undefined || this.childTemplatesOf[d] !== parent) {
      known = new Map()
      this.childTemplates[d] = known
      this.childTemplatesOf[d] = parent
    }
    let path = known.get(key)
    if (path === undefined) {
      path = childPath(parent, key)
      // A map keyed by ids has a member per id: only the first few siblings are remembered.
      if (known.size < 64) known.set(key, path)
    }
    return path
  }

  run(value: unknown, view: CompiledView): SerializeResult {
    const tree = view.tree
    const top = prepare(value, '')
    let text: string | undefined
    if (top === OMIT) text = undefined
    else if (typeof top === 'object' && top !== null) {
      const container = top.bytes === undefined ? top.container : this.bytesRead(top, '', null)
      text =
        container === null
          ? 'null'
          : this.container(container, tree, tree.keep ? null : this.places, view.root, 0)
    } else if (tree.keep) {
      const hooks = this.hooks
      const out = hooks === undefined ? top : hooks.value(top, null, this)
      text = out === REMOVE ? 'null' : primitive(out)
    } else {
      this.dropped++
      return {
        text: 'null',
        dropped: 1,
        droppedPaths: this.maxPaths > 0 ? ['$'] : [],
        pathsTruncated: this.maxPaths === 0,
      }
    }
    if (this.dropped === 0) return { text, dropped: 0, droppedPaths: [], pathsTruncated: false }
    const drops = view.droppedPaths(this.places, this.maxPaths)
    return { text, dropped: this.dropped, droppedPaths: drops.paths, pathsTruncated: drops.truncated }
  }

  /** An object or array; `hint[slot]` holds the plan last used at this place. */
  private container(
    src: object,
    node: ProjectionNode,
    place: Place | null,
    hint: (Plan | undefined)[],
    slot: number,
  ): string {
    const depth = this.depth
    if (this.preset !== null) {
      // What {@link spineSteps} wrote, reached where and as it was written.
      const text = this.presetText(this.preset, src, node)
      if (text !== undefined) return text
    }
    if (depth + 1 > this.maxDepth) throw depthError(this.containers.slice(0, depth), src)
    this.containers[depth] = src
    if (this.size > this.maxBytes) throw sizeError()
    this.size++
    return Array.isArray(src)
      ? this.array(src, node, place, hint, slot)
      : this.object(src, node, place, hint, slot)
  }

  private array(
    src: unknown[],
    node: ProjectionNode,
    place: Place | null,
    hint: (Plan | undefined)[],
    slot: number,
  ): string {
    // An array of primitives kept whole is written by JSON.stringify (several times faster than
    // a loop here) unless the detectors masked one of its strings.
    const flat =
      this.secret === null && (node.keep || (node.children === null && node.any === KEEP))
        ? this.flatCopy(src)
        : undefined
    if (flat !== undefined) {
      const text = this.flatArray(flat)
      this.size += text.length - 1 // its `[` was counted when it opened
      if (this.size > this.maxBytes) throw sizeError()
      return text
    }
    const d = this.depth
    // Entries (`[["X-Api-Key", "..."]]`) and raw headers name their own values (secret-shapes.ts).
    const names =
      this.hooks === undefined || this.secret !== null
        ? null
        : listSecretNames(src, this.parentList(d), this.isSecretName)
    this.depth = d + 1
    this.keyAt[d] = null
    // A long array is joined a chunk at a time into flat strings: written by `+=`, it would be a
    // rope of a million nodes that all survive until the response is sent (most of the garbage
    // collector's work on a large body), while a chunk's pieces die young. Short ones use `+=`.
    let out = '['
    let first = true
    const pieces: string[] | undefined = src.length > CHUNK ? [] : undefined
    let chunks: string[] | undefined
    // Elements share one place ([*]) and, most often, one shape.
    const elementPlace = place === null ? null : place.child(null)
    for (let i = 0; i < src.length; i++) {
      this.indexAt[d] = i
      const piece = this.element(src, i, node, place, elementPlace, hint, slot, names)
      if (piece === undefined) continue
      if (pieces !== undefined) {
        if (pieces.length === CHUNK) {
          chunks ??= []
          chunks.push(pieces.join(','))
          pieces.length = 0
        }
        pieces.push(piece)
      } else if (first) {
        out += piece
        first = false
      } else out += `,${piece}`
      this.size++
    }
    this.depth = d
    if (this.size > this.maxBytes) throw sizeError()
    if (pieces === undefined) return `${out}]`
    if (pieces.length > 0) {
      chunks ??= []
      chunks.push(pieces.join(','))
    }
    return chunks === undefined ? '[]' : joinChunks(chunks)
  }

  /** Element `i` of an array as JSON text; `undefined` when it is left out (dropped or removed). */
  private element(
    src: readonly unknown[],
    i: number,
    node: ProjectionNode,
    place: Place | null,
    elementPlace: Place | null,
    hint: (Plan | undefined)[],
    slot: number,
    /** The secret names the list gives its elements (see listSecretNames), or `null`. */
    names: readonly (string | null)[] | null = null,
  ): string | undefined {
    const name = names === null ? null : names[i]!
    const child = node.keep
      ? KEEP
      : ((node.children !== null ? node.children.get(String(i)) : undefined) ?? node.any)
    if (child === null || child === undefined) {
      this.drop(place, null)
      return undefined
    }
    const hooks = this.hooks
    const raw = src[i]
    // Numbers in arrays have no member name: no rule reads them, nothing to redact (but under a
    // name that reads them: see MEMBER_DIGITS).
    if (
      typeof raw === 'number' &&
      child.keep &&
      this.secret === null &&
      !(hooks && (isLongInteger(raw) || this.digits || name !== null))
    )
      return this.count(Number.isFinite(raw) ? `${raw}` : 'null')
    if (typeof raw === 'string' && child.keep) {
      if (hooks === undefined) return this.quote(raw)
      const masked = hooks.value(raw, this.secret ?? name, this)
      return masked === REMOVE ? undefined : this.written(masked)
    }
    const prepared = prepare(raw, i)
    if (prepared === OMIT) return this.count('null')
    if (typeof prepared === 'object' && prepared !== null) {
      const container =
        prepared.bytes === undefined ? prepared.container : this.bytesRead(prepared, i, this.secret ?? name)
      if (container === null) return undefined
      // A byte view's bytes were read under the name already: its numbers are not masked again.
      if (prepared.bytes !== undefined) {
        const outer = this.secret
        this.secret = null
        try {
          return this.container(container, child, child.keep ? null : elementPlace, hint, slot)
        } finally {
          this.secret = outer
        }
      }
      // A container the list names for a secret (`["authorization", ["Bearer ..."]]`) is secret
      // whole, as one under a member of that name is.
      if (name === null || this.secret !== null)
        return this.container(container, child, child.keep ? null : elementPlace, hint, slot)
      this.secret = name
      try {
        return this.container(container, child, child.keep ? null : elementPlace, hint, slot)
      } finally {
        this.secret = null
      }
    }
    if (child.keep) {
      const masked = hooks === undefined ? prepared : hooks.value(prepared, this.secret ?? name, this)
      return masked === REMOVE ? undefined : this.written(masked)
    }
    this.drop(place, null)
    return undefined
  }

  /**
   * The list or object of `spine` written `stepChars` characters at a time, a `yield` between two
   * slices, with the writer standing where {@link run} will reach it; {@link run} then writes the
   * rest of the body and takes these texts ({@link container}): the list's whole, or each member's
   * value of the object (whose names {@link object} writes, masked and kept unique as always).
   */
  *spineSteps(spine: Spine, stepChars: number): Generator<void, void> {
    const levels = spine.keys.length
    const src = spine.container
    // Stand at the container as the writer would: its members' names, their objects, their places.
    let place: Place | null = spine.nodes[0]!.keep ? null : this.places
    for (let d = 0; d < levels; d++) {
      this.keyAt[d] = spine.keys[d]!
      this.indexAt[d] = spine.indices[d]!
      this.containers[d] = spine.objects[d]!
      place = spine.nodes[d + 1]!.keep || place === null ? null : place.child(spine.keys[d]!)
    }
    const node = spine.nodes[levels]!
    this.depth = levels
    if (levels + 1 > this.maxDepth) throw depthError(this.containers.slice(0, levels), src)
    this.containers[levels] = src
    this.depth = levels + 1
    if (Array.isArray(src)) {
      this.size++
      yield* this.listSteps(spine, src, node, place, stepChars)
    } else yield* this.memberSteps(spine, src as Record<string, unknown>, node, place, stepChars)
    this.depth = 0
  }

  /** The elements of a spine's list, `stepChars` characters of text at a time. */
  private *listSteps(
    spine: Spine,
    src: readonly unknown[],
    node: ProjectionNode,
    place: Place | null,
    stepChars: number,
  ): Generator<void, void> {
    const levels = spine.keys.length
    this.keyAt[levels] = null
    const elementPlace = place === null ? null : place.child(null)
    const hint: (Plan | undefined)[] = [undefined]
    const chunks: string[] = []
    const pieces: string[] = []
    // As array() reads it (a spine's list stands under an object's member: no list around it).
    const names = this.hooks === undefined ? null : listSecretNames(src, null, this.isSecretName)
    let stepped = 0
    for (let i = 0; i < src.length; i++) {
      this.indexAt[levels] = i
      const piece = this.element(src, i, node, place, elementPlace, hint, 0, names)
      if (piece === undefined) continue
      stepped += piece.length
      if (stepped >= stepChars && i + 1 < src.length) {
        stepped = 0
        yield
      }
      if (pieces.length === CHUNK) {
        chunks.push(pieces.join(','))
        pieces.length = 0
      }
      pieces.push(piece)
      this.size++
    }
    if (this.size > this.maxBytes) throw sizeError()
    if (pieces.length > 0) chunks.push(pieces.join(','))
    this.preset = { spine, text: chunks.length === 0 ? '[]' : joinChunks(chunks), members: null }
  }

  /**
   * The values of a spine object's members that are objects or arrays, `stepChars` characters of
   * text at a time. Members the view drops, whose names make their values secret, and values
   * met twice are left to {@link run}.
   */
  private *memberSteps(
    spine: Spine,
    src: Record<string, unknown>,
    node: ProjectionNode,
    place: Place | null,
    stepChars: number,
  ): Generator<void, void> {
    const levels = spine.keys.length
    const hooks = this.hooks
    const names = Object.keys(src)
    const members = new Map<object, PresetMember>()
    const hint: (Plan | undefined)[] = [undefined]
    let stepped = 0
    for (let k = 0; k < names.length; k++) {
      const key = names[k]!
      const value = src[key]
      if (!isPlainContainer(value) || members.has(value)) continue
      const child = node.keep
        ? KEEP
        : ((node.children !== null ? node.children.get(key) : undefined) ?? node.any)
      if (child === null || child === undefined) continue
      const facts = hooks === undefined ? 0 : hooks.memberFacts(key)
      if ((facts & MEMBER_SECRET) !== 0) continue
      this.keyAt[levels] = key
      this.indexAt[levels] = k
      // As object() writes it: numbers in lists under a phone's name are read (MEMBER_DIGITS).
      this.digits = (facts & MEMBER_DIGITS) !== 0
      const text = this.container(
        value,
        child,
        child.keep || place === null ? null : place.child(key),
        hint,
        0,
      )
      this.digits = false
      this.depth = levels + 1
      members.set(value, { key, node: child, text })
      stepped += text.length
      if (stepped >= stepChars && k + 1 < names.length) {
        stepped = 0
        yield
      }
    }
    if (this.size > this.maxBytes) throw sizeError()
    this.preset = { spine, text: '', members }
  }

  /** Whether some of what {@link spineSteps} wrote was not taken by {@link run}. */
  slicesLeft(): boolean {
    const preset = this.preset
    return preset !== null && (preset.members === null || preset.members.size > 0)
  }

  /**
   * Whether the writer stands where `spine`'s list was written, as it was written: the same
   * objects and members from the root, under the same view node, outside any secret member (a
   * member-name rule or a secret shape that applies now, after the application changed an object
   * of the path, would read the list otherwise).
   */
  private standsAt(spine: Spine, node: ProjectionNode): boolean {
    const levels = spine.keys.length
    if (this.depth !== levels || this.secret !== null || node !== spine.nodes[levels]) return false
    for (let d = 0; d < levels; d++)
      if (this.containers[d] !== spine.objects[d] || this.keyAt[d] !== spine.keys[d]) return false
    return true
  }

  /**
   * The text {@link spineSteps} wrote for `src`, if the writer stands where and as it was written
   * (see {@link standsAt}); each text is taken once, so the same value met again is written anew.
   */
  private presetText(preset: Preset, src: object, node: ProjectionNode): string | undefined {
    const members = preset.members
    if (members === null) {
      if (src !== preset.spine.container || !this.standsAt(preset.spine, node)) return undefined
      this.preset = null
      return preset.text
    }
    const member = members.get(src)
    if (member === undefined) return undefined
    // A member's value, one level below the object: the object, its member, and the path above.
    const levels = preset.spine.keys.length
    const depth = this.depth
    if (
      depth !== levels + 1 ||
      member.node !== node ||
      this.containers[levels] !== preset.spine.container ||
      this.keyAt[levels] !== member.key
    )
      return undefined
    this.depth = levels
    const standing = this.standsAt(preset.spine, preset.spine.nodes[levels]!)
    this.depth = depth
    if (!standing) return undefined
    members.delete(src)
    return member.text
  }

  /**
   * The elements of an array of strings, numbers, booleans and nulls, each read once into a plain
   * copy (a getter or a Proxy cannot show the detectors one value and JSON.stringify another, and
   * no toJSON of the array runs); `undefined` for any other array. Throws as soon as the strings
   * alone pass `maxBytes`, before any detector runs.
   */
  private flatCopy(src: readonly unknown[]): unknown[] | undefined {
    if (src.length < 8 || typeof (Array.prototype as { toJSON?: unknown }).toJSON === 'function')
      return undefined
    // Filled by push, so that its elements stay packed: JSON.stringify writes a packed array in a
    // tight loop, a holey one (what `new Array(length)` makes) by a property lookup per element,
    // several times slower.
    const copy: unknown[] = []
    let size = this.size
    for (let i = 0; i < src.length; i++) {
      const value = src[i]
      const type = typeof value
      if (type === 'string') size += (value as string).length + 3
      else if (type === 'number' || type === 'boolean' || value === null) size += 2
      else return undefined
      copy.push(value)
    }
    if (size > this.maxBytes) throw sizeError()
    return copy
  }

  /** An array of strings, numbers, booleans and nulls, every element kept (a plain copy). */
  private flatArray(src: readonly unknown[]): string {
    const hooks = this.hooks
    if (hooks === undefined) return JSON.stringify(src)
    const d = this.depth
    // Entries (`[["X-Api-Key", "..."]]`) and raw headers name their own values (secret-shapes.ts).
    const names = listSecretNames(src, this.parentList(d), this.isSecretName)
    this.depth = d + 1
    this.keyAt[d] = null
    // The elements as written, built only once a string was masked.
    let out: string[] | undefined
    for (let i = 0; i < src.length; i++) {
      const raw = src[i]
      if (
        typeof raw !== 'string' &&
        !(
          typeof raw === 'number' &&
          (isLongInteger(raw) || this.digits || (names !== null && names[i] !== null))
        )
      ) {
        if (out !== undefined) out.push(JSON.stringify(raw))
        continue
      }
      this.indexAt[d] = i
      const masked = hooks.value(raw, names === null ? null : names[i]!, this)
      if (masked === raw && out === undefined) continue
      out ??= src.slice(0, i).map((value) => JSON.stringify(value))
      if (masked === REMOVE) continue
      // A masked string the detectors know is plain is quoted without another scan.
      if (typeof masked === 'string') out.push(quote(masked, hooks.plainJson(masked)))
      else out.push(primitive(masked))
    }
    this.depth = d
    return out === undefined ? JSON.stringify(src) : `[${out.join(',')}]`
  }

  private object(
    src: object,
    node: ProjectionNode,
    place: Place | null,
    hint: (Plan | undefined)[],
    slot: number,
  ): string {
    const keys = Object.keys(src)
    let plan = hint[slot]
    if (plan === undefined || plan.node !== node || !sameItems(plan.keys, keys)) {
      plan = makePlan(node, keys)
      hint[slot] = plan
    }
    if (plan.dropKeys.length > 0) {
      this.dropped += plan.dropKeys.length
      if (place !== null) place.dropAll(plan, plan.dropKeys)
    }
    const hooks = this.hooks
    let facts: Uint8Array | undefined
    if (hooks !== undefined && plan.kept.length > 0) {
      if (plan.scope !== hooks.scope) {
        let any = 0
        for (let p = 0; p < plan.kept.length; p++) {
          const bits = hooks.memberFacts(keys[plan.kept[p]!]!)
          plan.facts[p] = bits
          any |= bits
        }
        plan.scope = hooks.scope
        plan.anyFacts = any
      }
      if (plan.anyFacts !== 0) facts = plan.facts
    }
    // Output names, tracked while a name may still be masked: masked names are kept unique.
    const names = facts !== undefined && (plan.anyFacts & MEMBER_NAME) !== 0 ? new UniqueNames() : undefined
    let masked = false
    const d = this.depth
    let record = src as Record<string, unknown>
    // A Buffer already written as JSON (read back from a cache, JSON text sent as it is): its
    // bytes are read as text, as a Buffer's are (byte-views.ts), under a secret name too; its
    // numbers are then not masked again (the secret around it is set back at the end).
    let bytesSecret: string | null | undefined
    if (plan.bufferJson && hooks !== undefined) {
      const bytes = bufferJsonBytes(record)
      if (bytes !== undefined) {
        const name = this.secret ?? (d > 0 ? (this.keyAt[d - 1] ?? null) : null)
        const read = redactedBytes(bytes, (text) => hooks.value(text, name, this))
        if (read !== bytes) record = bufferJsonLike(record, read)
        bytesSecret = this.secret
        this.secret = null
      }
    }
    this.depth = d + 1
    let values: unknown[] | undefined
    if (plan.reader !== undefined) {
      values = this.valuesAt[d] ??= []
      plan.reader(record, values)
    } else if (
      plan.uses < READER_AFTER &&
      ++plan.uses === READER_AFTER &&
      plan.kept.length > 1 &&
      // A shape whose secrecy is read from a member as it is written (a name/value pair: `value`
      // is secret when `name` names a secret) keeps reading members one at a time, in order.
      plan.secretShape === null
    )
      plan.reader = memberReader(plan.kept.map((index) => keys[index]!))
    let out = '{'
    // Whether nothing is written yet, and whether the last value written is a string whose
    // closing quote is still to come (see Plan.openNames).
    let first = true
    let open = false
    // A member this shape says is secret (a JWK's `d`, the value of a secret's name/value pair)
    // is written as inside a secret member named for it.
    const outerSecret = this.secret
    const shape = hooks !== undefined && outerSecret === null ? plan.secretShape : null
    for (let p = 0; p < plan.kept.length; p++) {
      const index = plan.kept[p]!
      const key = keys[index]!
      this.keyAt[d] = key
      this.indexAt[d] = index
      const raw = values !== undefined ? values[p] : record[key]
      if (shape !== null)
        this.secret = secretNameOf(shape, record, key, (n) => hooks!.sensitiveName(n)) ?? null
      const child = plan.children[p]!
      const bits = facts === undefined ? 0 : facts[p]!
      let piece: string
      let name: string | undefined
      if (child.keep && typeof raw === 'string') {
        const value =
          hooks === undefined
            ? raw
            : this.secret !== null && !hooks.describesSecret(key)
              ? hooks.value(raw, this.secret, this)
              : (bits & MEMBER_VALUE) === 0 && raw !== ''
                ? hooks.string(raw, key, this)
                : hooks.value(raw, key, this)
        if (value === REMOVE) continue
        if (
          names === undefined &&
          typeof value === 'string' &&
          (hooks?.plainJson(value) === true || plainText(value))
        ) {
          // The common case, a plain string: its quotes are written with the names around it.
          this.size += value.length + 2
          if (this.size > this.maxBytes) throw sizeError()
          out += first ? plan.openNames[p]! : open ? plan.closeOpenCommaNames[p]! : plan.openCommaNames[p]!
          out += value
          this.size += plan.commaNames[p]!.length
          first = false
          open = true
          continue
        }
        piece = this.written(value)
      } else if (
        child.keep &&
        typeof raw === 'number' &&
        (bits & (MEMBER_VALUE | MEMBER_DIGITS)) === 0 &&
        (this.secret === null || hooks!.describesSecret(key)) &&
        !(hooks !== undefined && isLongInteger(raw))
      ) {
        piece = this.count(Number.isFinite(raw) ? `${raw}` : 'null')
      } else {
        const prepared = prepare(raw, key)
        if (prepared === OMIT) continue
        if (typeof prepared === 'object' && prepared !== null) {
          const container =
            prepared.bytes === undefined
              ? prepared.container
              : this.bytesRead(
                  prepared,
                  key,
                  this.secret !== null && hooks !== undefined && !hooks.describesSecret(key)
                    ? this.secret
                    : key,
                )
          if (container === null) continue
          if (names !== undefined) name = this.name(plan, p, key, bits, names)
          const outer = this.secret
          if (outer === null && (bits & MEMBER_SECRET) !== 0) this.secret = key
          // A member describing its secret container (`scopes: [...]`) is read as itself, whole.
          else if (outer !== null && hooks !== undefined && hooks.describesSecret(key)) this.secret = null
          // A byte view's bytes were read under the name already: its numbers are not masked again.
          if (prepared.bytes !== undefined) this.secret = null
          const outerDigits = this.digits
          this.digits = (bits & MEMBER_DIGITS) !== 0
          piece = this.container(
            container,
            child,
            child.keep || place === null ? null : place.child(key),
            plan.next,
            p,
          )
          this.digits = outerDigits
          this.secret = outer
          this.depth = d + 1
        } else if (child.keep) {
          const value =
            hooks === undefined
              ? prepared
              : hooks.value(
                  prepared,
                  this.secret !== null && !hooks.describesSecret(key) ? this.secret : key,
                  this,
                )
          if (value === REMOVE) continue
          piece = this.written(value)
        } else {
          // The allowlist expects members below this one, but the value has none.
          this.drop(place, key)
          continue
        }
      }
      if (names !== undefined) {
        this.keyAt[d] = key
        this.indexAt[d] = index
        name ??= this.name(plan, p, key, bits, names)
        if (name !== plan.names[p]) masked = true
        out += first ? name + piece : `,${name}${piece}`
        this.size += name.length + 1
      } else {
        out += (first ? plan.names[p]! : open ? plan.closeCommaNames[p]! : plan.commaNames[p]!) + piece
        this.size += plan.commaNames[p]!.length
      }
      first = false
      open = false
    }
    this.depth = d
    this.secret = bytesSecret === undefined ? outerSecret : bytesSecret
    if (this.size > this.maxBytes) throw sizeError()
    // Names read clean are remembered by the redactor: the next object of this shape skips them.
    if (names !== undefined && !masked) plan.scope = null
    return open ? `${out}"}` : `${out}}`
  }

  /**
   * The container of a byte view (see byte-views.ts) with its bytes read as text under `name`, as
   * a string there would be: `null` when a mask removed it. Without hooks, the container as it is.
   */
  private bytesRead(
    prepared: { readonly container: Record<string, unknown> | unknown[]; readonly bytes?: ByteView },
    key: string | number,
    name: string | null,
  ): Record<string, unknown> | unknown[] | null {
    const hooks = this.hooks
    if (hooks === undefined) return prepared.container
    return redactedContainer(prepared, key, (text) => hooks.value(text, name, this))
  }

  /** The output name of a member whose name may itself be a secret: read, masked, kept unique. */
  private name(plan: Plan, p: number, key: string, bits: number, names: UniqueNames): string {
    const changed = (bits & MEMBER_NAME) === 0 ? key : this.hooks!.key(key, this)
    const unique = names.claim(changed)
    return unique === key ? plan.names[p]! : `${JSON.stringify(unique)}:`
  }

  /** A kept primitive, or what redaction made of it, as JSON text, counted against `maxBytes`. */
  private written(value: unknown): string {
    if (typeof value !== 'string') return this.count(primitive(value))
    // A string the detectors read and found nothing to escape in is quoted without another scan.
    return this.quote(value, this.hooks !== undefined && this.hooks.plainJson(value))
  }

  private quote(text: string, plain = false): string {
    this.size += text.length + 2
    if (this.size > this.maxBytes) throw sizeError()
    return quote(text, plain)
  }

  /**
   * Counts a number, boolean or null as written (strings and containers count themselves) and
   * checks it, with the names and separators counted before it, against `maxBytes`.
   */
  private count(piece: string): string {
    this.size += piece.length
    if (this.size > this.maxBytes) throw sizeError()
    return piece
  }

  private drop(place: Place | null, key: string | null): void {
    this.dropped++
    if (place !== null) place.addDrop(key)
  }
}

// One writer with no response data keeps the writers' map (and their places') alive: see
// lib/kept-shapes.ts.
keepShape(new Writer({ maxDepth: 0, maxPaths: 0 }))

/**
 * A string as JSON text. Strings with nothing to escape (most of them) are quoted as they are,
 * which is several times cheaper than a `JSON.stringify` call; the others go through it.
 * `knownPlain`: the detectors already found nothing to escape in it (no scan again).
 */
export function quote(text: string, knownPlain = false): string {
  return knownPlain || plainText(text) ? `"${text}"` : JSON.stringify(text)
}

/** Whether `text` holds nothing JSON escapes: it is then written between quotes as it is. */
function plainText(text: string): boolean {
  if (text.length < 16) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      // Controls, `"`, `\\`, and surrogates (JSON.stringify escapes lone ones).
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false
    }
    return true
  }
  return !NEEDS_ESCAPE.test(text)
}

/** What JSON.stringify would escape in a string (past a length, one regex scan beats a loop). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly these controls
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

/** A primitive (or a mask's output) as JSON text. */
function primitive(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? `${value}` : 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'string':
      return quote(value)
    default:
      return value === null ? 'null' : (JSON.stringify(value) ?? 'null')
  }
}
