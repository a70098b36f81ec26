import { STATUS_CODES } from 'node:http'
import type { ProjectionNode } from '../allowlist/compile.js'
import { EMPTY, KEEP } from '../allowlist/compile.js'
import { type ProjectionResult, project, REMOVE } from '../allowlist/project.js'
import type { LeakguardEventMap, Outcome, Severity, UnfilteredVia, ViewKind } from '../audit/events.js'
import type { Principal } from '../auth/principal.js'
import { LeakguardResponseError, type ResponseErrorCode, toResponseError } from '../errors.js'
import type {
  BlockedResponse,
  RequestContext,
  ResponseDecision,
  ResponseInput,
  SerializedDecision,
  SerializedResponseInput,
  StreamedResponseInput,
  WrittenDecision,
} from '../guard-api.js'
import { collectBody } from '../http/collect.js'
import {
  type ContentEncodingHeader,
  contentCodings,
  decodeBody,
  encodeBody,
} from '../http/content-encoding.js'
import { PROBLEM_CONTENT_TYPE, problemBody } from '../http/problem.js'
import {
  decodeText,
  encodeText,
  indentOf,
  layoutLike,
  sameText,
  serializeLike,
  type TextCharset,
  textCharset,
} from '../http/wire-text.js'
import { atOnce, inTurns, TURN_BYTES, untilItYields } from '../lib/turns.js'
import { describe } from '../lib/validate.js'
import { RedactionSession, type Redactor } from '../redact/engine.js'
import { redactHeaderValue, redactReasonPhrase } from '../redact/headers.js'
import { applyOwnerPath, type OwnerPath } from '../request/owner.js'
import { type CompiledRouteOptions, mergeRouteOptions, selectView } from '../routes/policy.js'
import type { RouteEntry } from '../routes/table.js'
import { createResponseReports } from './report.js'
import {
  compiledView,
  mayWriteInSteps,
  type SerializeResult,
  STALE,
  serialize,
  serializeInSteps,
} from './serialize.js'

/** What the response phase reads of a request. */
export interface ResponseContext extends RequestContext {
  readonly method: string
  /** The canonical path (events name it when no route pattern matched). */
  readonly path: string
  readonly principal: Principal | undefined
  /** The framework's request, handed to `getRoles`. */
  readonly native: unknown
  readonly entry: RouteEntry | undefined
  /** What the framework routed, when it disagrees with what leakguard decided on. */
  mismatch: { readonly method: string; readonly route: string } | undefined
  /** Whether the mismatch was reported already (one event per request). */
  mismatchReported?: boolean
}

/** How a phase emits an audit event: `details` runs only when a sink wants the event. */
export type Emit = <T extends keyof LeakguardEventMap>(
  type: T,
  severity: Severity,
  outcome: Outcome,
  context: ResponseContext,
  status: number,
  details: () => LeakguardEventMap[T],
) => void

/** What the guard compiled that the response phase works with. */
export interface ResponsePhaseOptions<TRequest> {
  readonly mode: 'enforce' | 'report'
  readonly limits: { readonly maxDepth: number; readonly maxPaths: number; readonly maxBytes: number }
  /** The view of routes without one: everything (`responses.default: 'pass'`) or nothing. */
  readonly defaultTree: ProjectionNode
  readonly clientProblemView: ProjectionNode
  readonly serverProblemView: ProjectionNode
  readonly getRoles: ((request: TRequest) => unknown) | undefined
  /** Turns a found value into a fingerprint for events (HMAC), if configured. */
  readonly fingerprint: ((value: string) => string) | undefined
  /** Which response headers are scanned. */
  readonly headerScan: Redactor['headerScan']
  /** The redactor of a route's responses with this status. */
  redactorFor(policy: CompiledRouteOptions | undefined, status: number): Redactor
  readonly emit: Emit
  /**
   * Whether a sink takes `response.redacted` (findings by path and detector): sessions summarize
   * their findings only then, and otherwise only count them.
   */
  readonly summarizesFindings: boolean
  /** Masks what a detector flags in a path or name that goes into an event. */
  maskMetadata(text: string): { readonly text: string }
  warnOnce(code: string, message: string, key?: string): void
  ignoresWarning(code: string): boolean
  /** Looks at a success body for small dense ids (`inventory.sequential_ids`). */
  observeIds?(context: ResponseContext, body: unknown): void
  /**
   * The denial status when the route's `owner` check never ran (it waited for a body that no
   * checkpoint handed over): the response is denied rather than sent unchecked.
   */
  ownerPending?(context: ResponseContext): 403 | 404 | undefined
  /** Counts what a response dropped and masked (the route inventory). */
  filtered?(context: ResponseContext, droppedMembers: number, findings: number): void
}

/** The response phase: every way a body can leave, decided on, and what is reported of it. */
export interface ResponsePhase {
  /** An object body, projected to a new value (the framework serializes it). Never throws. */
  filterResponse(context: ResponseContext, response: ResponseInput): ResponseDecision
  /** An object body, written straight to its JSON text through the compiled view. Never throws. */
  serializeResponse(context: ResponseContext, response: ResponseInput): WrittenDecision
  /** {@link serializeResponse}, a long list in turns (see {@link serializeInSteps}). Never rejects. */
  serializeResponseInTurns(
    context: ResponseContext,
    response: ResponseInput,
  ): WrittenDecision | Promise<WrittenDecision>
  filterSerialized(context: ResponseContext, response: SerializedResponseInput): SerializedDecision
  filterText(context: ResponseContext, response: SerializedResponseInput): SerializedDecision
  filterSerializedInTurns(
    context: ResponseContext,
    response: SerializedResponseInput,
  ): SerializedDecision | Promise<SerializedDecision>
  filterStream(context: ResponseContext, response: StreamedResponseInput): Promise<SerializedDecision>
  filterHeaders(
    context: ResponseContext,
    response: {
      readonly status: number
      readonly headers: Readonly<Record<string, string | number | readonly string[] | undefined>>
      readonly routeOptions?: CompiledRouteOptions | undefined
    },
  ): Record<string, string | string[] | null> | undefined
  /**
   * The reason phrase to send instead of `message` (the standard one of `status`) when the
   * detectors or error hygiene find something in it; `undefined` when it may go as it is.
   */
  filterStatusMessage(
    context: ResponseContext,
    response: {
      readonly status: number
      readonly message: string
      readonly routeOptions?: CompiledRouteOptions | undefined
    },
  ): string | undefined
  /** The generic 500 when the framework routed elsewhere than leakguard decided; else `undefined`. */
  checkAgreement(context: ResponseContext, status: number): BlockedResponse | undefined
  /** The owner denial for a success body `ownerPath` cannot read (not JSON); else `undefined`. */
  opaqueBody(
    context: ResponseContext,
    status: number,
    routeOptions: CompiledRouteOptions | undefined,
  ): BlockedResponse | undefined
  block(context: ResponseContext, status: number, code: ResponseErrorCode): BlockedResponse
  unfiltered(
    context: ResponseContext,
    response: { readonly status: number; readonly via: UnfilteredVia },
  ): void
  readonly maxBufferedBytes: number
}

export const BLOCK_MESSAGES: Record<ResponseErrorCode, string> = {
  ERR_LG_RESPONSE_TOO_DEEP: 'response is nested deeper than responses.maxDepth',
  ERR_LG_RESPONSE_CYCLE: 'response contains a circular reference',
  ERR_LG_RESPONSE_UNSERIALIZABLE: 'response contains a value JSON cannot represent',
  ERR_LG_RESPONSE_INVALID_JSON: 'response has a JSON content type but is not JSON',
  ERR_LG_RESPONSE_TOO_LARGE: 'response body is larger than responses.maxBodyBytes',
  ERR_LG_RESPONSE_ENCODING: 'response has a content coding leakguard cannot decode',
  ERR_LG_RESPONSE_PARTIAL: 'a 206 range of a JSON body cannot be filtered',
  ERR_LG_RESPONSE_ROUTE_MISMATCH: 'the framework routed the request elsewhere than leakguard decided',
  ERR_LG_RESPONSE_STREAM_FAILED: 'response stream failed while buffering',
  ERR_LG_RESPONSE_HEADERS_SENT: 'headers were sent before the body could be filtered',
  ERR_LG_RESPONSE_ROLES_FAILED: 'getRoles failed',
  ERR_LG_RESPONSE_RULE_FAILED: 'a redaction rule failed',
  ERR_LG_RESPONSE_TOKEN_CLAIM: 'an issued token carries a claim that may not leave',
  ERR_LG_RESPONSE_NOT_OWNER: "the response object is not the caller's (ownerPath)",
  ERR_LG_RESPONSE_INTERNAL: 'response filtering failed',
}

const BLOCKED_BODY = problemBody(500)
export const BLOCKED: BlockedResponse = Object.freeze({
  blocked: true,
  status: 500,
  contentType: PROBLEM_CONTENT_TYPE,
  body: BLOCKED_BODY,
  payload: JSON.stringify(BLOCKED_BODY),
})

const DENIALS = new Map<number, BlockedResponse>(
  [403, 404].map((status) => {
    const body = problemBody(status)
    return [
      status,
      Object.freeze({
        blocked: true,
        status,
        contentType: PROBLEM_CONTENT_TYPE,
        body,
        payload: JSON.stringify(body),
      }) as BlockedResponse,
    ]
  }),
)

/** leakguard's own 403/404 for an object that is not the caller's: it says nothing of the object. */
export function denial(status: 403 | 404): BlockedResponse {
  return DENIALS.get(status)!
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message)
}

/** Builds the response phase of a guard from what it compiled at startup. */
export function createResponsePhase<TRequest>(options: ResponsePhaseOptions<TRequest>): ResponsePhase {
  const { mode, limits, defaultTree, clientProblemView, serverProblemView, getRoles, fingerprint } = options
  const { redactorFor, emit, warnOnce } = options
  const maxBodyBytes = limits.maxBytes
  // Streams and encoded bodies are read into memory up to the same limit.
  const maxBufferedBytes = maxBodyBytes
  const reports = createResponseReports({
    emit,
    maskMetadata: options.maskMetadata,
    maxPaths: limits.maxPaths,
    warnOnce,
    ignoresWarning: options.ignoresWarning,
  })

  function callerRoles(context: ResponseContext): readonly string[] {
    if (getRoles === undefined) return context.principal?.roles ?? []
    let roles: unknown
    try {
      roles = getRoles(context.native as TRequest)
    } catch (error) {
      throw new LeakguardResponseError('ERR_LG_RESPONSE_ROLES_FAILED', 'getRoles threw', { cause: error })
    }
    if (roles === undefined || roles === null) return []
    if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string')) {
      throw new LeakguardResponseError(
        'ERR_LG_RESPONSE_ROLES_FAILED',
        `getRoles returned ${describe(roles)}, not an array of strings`,
      )
    }
    return roles
  }

  function pickView(
    context: ResponseContext,
    status: number,
    policy: CompiledRouteOptions | undefined,
  ): { tree: ProjectionNode; kind: ViewKind; roles: readonly string[] } {
    if (status >= 400) {
      const fallback = status >= 500 ? serverProblemView : clientProblemView
      return { tree: policy?.problemView ?? fallback, kind: 'problem', roles: [] }
    }
    const selected = selectView(policy, policy?.views === undefined ? [] : callerRoles(context), status)
    if (selected.tree !== undefined)
      return { tree: selected.tree, kind: selected.kind, roles: selected.roles }
    if (selected.kind === 'deny' || defaultTree === EMPTY) return { tree: EMPTY, kind: 'deny', roles: [] }
    return { tree: KEEP, kind: 'pass', roles: [] }
  }

  /**
   * Fails closed when the framework routed the response elsewhere than leakguard decided (its
   * request phase ran on another route's policy). @throws LeakguardResponseError
   */
  function requireAgreement(context: ResponseContext, status: number): void {
    const pending = status < 400 ? options.ownerPending?.(context) : undefined
    if (pending !== undefined) {
      throw new LeakguardResponseError(
        'ERR_LG_RESPONSE_NOT_OWNER',
        'the owner check never ran: it waited for a body no checkpoint handed over',
        {
          status: pending,
          rule: 'owner',
        },
      )
    }
    const seen = context.mismatch
    if (seen === undefined) return
    const first = context.mismatchReported !== true
    context.mismatchReported = true
    if (first)
      emit(
        'engine.route_mismatch',
        'error',
        mode === 'report' ? 'unknown' : 'failure',
        context,
        status,
        () => ({
          leakguard: { method: context.method, route: context.route ?? context.path },
          framework: { method: seen.method, route: seen.route },
        }),
      )
    throw new LeakguardResponseError(
      'ERR_LG_RESPONSE_ROUTE_MISMATCH',
      BLOCK_MESSAGES.ERR_LG_RESPONSE_ROUTE_MISMATCH,
    )
  }

  /**
   * Runs `body` through the caller's view with redaction, and reports what was dropped and found:
   * written straight to JSON text (`write`), or projected to a new value. @throws
   */
  function decide(
    context: ResponseContext,
    status: number,
    body: unknown,
    routeOptions: CompiledRouteOptions | undefined,
    write: true,
  ): SerializeResult
  function decide(
    context: ResponseContext,
    status: number,
    body: unknown,
    routeOptions: CompiledRouteOptions | undefined,
    write: false,
  ): ProjectionResult
  function decide(
    context: ResponseContext,
    status: number,
    body: unknown,
    routeOptions: CompiledRouteOptions | undefined,
    write: boolean,
  ): SerializeResult | ProjectionResult {
    const start = startDecision(context, status, body, routeOptions)
    let result: SerializeResult | ProjectionResult
    try {
      result = write
        ? serialize(start.body, compiledView(start.view.tree), start.options)
        : project(start.body, start.view.tree, start.options)
    } catch (error) {
      if (!write || !isStackOverflow(error)) throw error
      result = projectDeep(context, status, start)
    }
    return finishDecision(context, status, start, result)
  }

  /**
   * {@link decide}, writing JSON text, in steps: the body's longest list of objects is written in
   * slices, a `yield` between two (see {@link serializeInSteps}). Same decision. `ownBody`: the
   * body was parsed from the response's text, so nothing else can change it between two steps;
   * an application's object under an `ownerPath` is written in one step, so that what was checked
   * is what goes out. @throws
   */
  function* decideInSteps(
    context: ResponseContext,
    status: number,
    body: unknown,
    routeOptions: CompiledRouteOptions | undefined,
    ownBody: boolean,
  ): Generator<void, SerializeResult> {
    const start = startDecision(context, status, body, routeOptions)
    let result: SerializeResult
    try {
      const view = compiledView(start.view.tree)
      const stepped =
        ownBody || start.policy?.ownerPath === undefined
          ? yield* serializeInSteps(start.body, view, start.options)
          : serialize(start.body, view, start.options)
      // Changed between steps (the application's object): written again, at once, in a new session.
      result = stepped === STALE ? serialize(start.body, view, restart(context, status, start)) : stepped
    } catch (error) {
      if (!isStackOverflow(error)) throw error
      result = projectDeep(context, status, start)
    }
    return finishDecision(context, status, start, result)
  }

  /** What a decision starts from: the owned body, the caller's view, the redaction session. @throws */
  function startDecision(
    context: ResponseContext,
    status: number,
    body: unknown,
    routeOptions: CompiledRouteOptions | undefined,
  ) {
    requireAgreement(context, status)
    const policy = mergeRouteOptions(context.entry?.policy, routeOptions)
    if (status < 400) {
      if (policy?.ownerPath !== undefined)
        body = owned(context, status, body, policy.ownerPath, policy.ownerDenied)
      options.observeIds?.(context, body)
    }
    const view = pickView(context, status, policy)
    const session = startRedaction(context, status, policy)
    return {
      body,
      policy,
      view,
      session,
      options: writeOptions(session),
    }
  }

  /**
   * What the writer and the projection are given: the limits and the session, written out member
   * by member in one shape (an object spread of the limits cost ~2.5 us per response on Node 20,
   * more than writing a small body).
   */
  function writeOptions(session: RedactionSession | undefined) {
    return {
      maxDepth: limits.maxDepth,
      maxPaths: limits.maxPaths,
      maxBytes: limits.maxBytes,
      hooks: session,
    }
  }
  type Decision = ReturnType<typeof startDecision>

  /**
   * Nesting the compiled writer cannot follow (it recurses; maxDepth allows up to 10,000) goes
   * through the iterative projection and JSON.stringify, as it always did, in a new session.
   */
  function projectDeep(context: ResponseContext, status: number, start: Decision): SerializeResult {
    const projected = project(start.body, start.view.tree, restart(context, status, start))
    return { ...projected, text: JSON.stringify(projected.value) }
  }

  /** A new redaction session for a decision written again: the options to write it with. */
  function restart(context: ResponseContext, status: number, start: Decision) {
    start.session = startRedaction(context, status, start.policy)
    return writeOptions(start.session)
  }

  /** Reports what a decision found and dropped; returns its result. */
  function finishDecision<T extends SerializeResult | ProjectionResult>(
    context: ResponseContext,
    status: number,
    { session, policy, view }: Decision,
    result: T,
  ): T {
    if (session !== undefined) {
      reports.redacted(context, status, session)
      reports.degraded(context, status, session)
      if (status < 400 && context.method === 'POST' && policy?.issuesTokens !== true)
        reports.issuedTokenHint(context, session)
    }
    reports.dropped(context, status, view, result)
    options.filtered?.(context, result.dropped, session?.total ?? 0)
    return result
  }

  /**
   * The part of a success body that is the caller's (`ownerPath`): items of a list that are not
   * are dropped and counted; one object that is not denies the response. @throws LeakguardResponseError
   */
  function owned(
    context: ResponseContext,
    status: number,
    body: unknown,
    path: OwnerPath,
    denied: 403 | 404 | undefined,
  ): unknown {
    const result = applyOwnerPath(body, path, context.principal)
    if (result.denied) {
      throw new LeakguardResponseError(
        'ERR_LG_RESPONSE_NOT_OWNER',
        BLOCK_MESSAGES.ERR_LG_RESPONSE_NOT_OWNER,
        {
          status: denied ?? 404,
        },
      )
    }
    if (result.dropped > 0)
      emit('access.items_dropped', 'info', 'success', context, status, () => ({
        path: path.source,
        count: result.dropped,
      }))
    return result.body
  }

  /** Whether redaction can change anything: no session (and no hook per value) otherwise. */
  function hasWork(active: Redactor, status: number): boolean {
    const { rules } = active
    return (
      active.detectors.length > 0 ||
      active.keyNameMask !== null ||
      rules.patterns.length + rules.functions.length + rules.keys.length > 0 ||
      (status >= 400 && active.errorHygiene)
    )
  }

  function startRedaction(
    context: ResponseContext,
    status: number,
    policy: CompiledRouteOptions | undefined,
  ) {
    const active = redactorFor(policy, status)
    if (!active.enabled || !hasWork(active, status)) return undefined
    return new RedactionSession(active, {
      hygiene: status >= 400 && active.errorHygiene,
      requestId: context.requestId,
      detailed: false,
      fingerprint,
      // An event reports maxPaths summaries and whether there were more.
      summaryLimit: limits.maxPaths + 1,
      summarize: options.summarizesFindings,
    })
  }

  /** Reports a failure and returns the generic 500 that replaces the response. */
  function fail(context: ResponseContext, status: number, thrown: unknown): BlockedResponse {
    const error = toResponseError(thrown)
    if (error.code === 'ERR_LG_RESPONSE_NOT_OWNER') {
      const denied = error.status ?? 404
      emit('access.denied', 'warn', mode === 'report' ? 'unknown' : 'failure', context, status, () => ({
        check: error.rule === 'owner' ? ('owner' as const) : ('ownerPath' as const),
        status: denied,
        reason: { code: error.code, message: error.message },
      }))
      return denial(denied)
    }
    if (error.code === 'ERR_LG_RESPONSE_TOKEN_CLAIM' && context.route !== undefined) {
      // A login that leaks through its token is blocked until the route says which claims may
      // leave: say how, once per route (the route pattern only, and the claim's name, never a value).
      const claim = options.maskMetadata(error.claim ?? '').text
      // A top-level claim callers may read can be listed; a nested one, a payload that is not an
      // object, or nested tokens can only be left out.
      const fix =
        claim === '(duplicate claims)'
          ? 'Name each claim once: a reader keeps one of two values, the token carries both.'
          : /^[\w$-]+$/.test(claim)
            ? `Leave it out of the token, or, if callers may read it, list it: routes: { ${JSON.stringify(context.route)}: { issuedTokenClaims: [${JSON.stringify(claim)}, ...] } }.`
            : 'Leave it out of the token: below a listed claim, members are still read by name.'
      warnOnce(
        'LEAKGUARD_TOKEN_CLAIM_BLOCKED',
        `${context.route}: a token this route issues carries "${claim}", which may not leave, so the response was blocked (a signed token cannot be masked). ${fix}`,
        `LEAKGUARD_TOKEN_CLAIM_BLOCKED ${context.route}`,
      )
    }
    emit('response.blocked', 'error', mode === 'report' ? 'unknown' : 'failure', context, status, () => ({
      error: {
        code: error.code,
        message: error.message,
        ...(error.rule === undefined ? {} : { rule: error.rule }),
        ...(error.claim === undefined ? {} : { claim: options.maskMetadata(error.claim).text }),
      },
    }))
    return BLOCKED
  }

  /**
   * Refuses a body larger than `responses.maxBodyBytes` before any work on it: filtering costs
   * time in proportion to the body, all of it on the event loop. @throws LeakguardResponseError
   */
  function requireBodySize(payload: string | Uint8Array): void {
    const bytes =
      typeof payload !== 'string'
        ? payload.byteLength
        : payload.length > maxBodyBytes || payload.length * 3 <= maxBodyBytes
          ? payload.length // a UTF-16 code unit is 1 to 3 bytes of UTF-8
          : Buffer.byteLength(payload, 'utf8')
    if (bytes > maxBodyBytes) {
      throw new LeakguardResponseError('ERR_LG_RESPONSE_TOO_LARGE', BLOCK_MESSAGES.ERR_LG_RESPONSE_TOO_LARGE)
    }
  }

  /**
   * The body as text, decoded from its content codings if it has any; `codings` is what a changed
   * body must be encoded with again. JSON is read as UTF-8 (RFC 8259: anything else fails to
   * parse); a text body as a browser reads it when `textType` is its Content-Type (UTF-16 when a
   * byte order mark or the charset says so). @throws LeakguardResponseError
   */
  function readText(
    payload: string | Uint8Array,
    encoding: ContentEncodingHeader,
    textType?: unknown,
  ): { text: string; codings: string[]; charset: TextCharset } {
    requireBodySize(payload)
    const codings = contentCodings(encoding)
    if (codings.length === 0) {
      if (typeof payload === 'string') return { text: payload, codings, charset: 'utf8' }
      const charset = textType === undefined ? 'utf8' : textCharset(payload, textType)
      return { text: decodeText(payload, charset), codings, charset }
    }
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload
    const decoded = decodeBody(bytes, codings, maxBufferedBytes)
    const charset = textType === undefined ? 'utf8' : textCharset(decoded, textType)
    const text = decodeText(decoded, charset)
    warnOnce(
      'LEAKGUARD_ENCODED_BODY',
      `leakguard decoded a ${codings.join(', ')} response body to filter it, and encodes what it sends again: it runs after a compression middleware. Mount compression before leakguard() (Express: app.use(compression()) first; Koa: koa-compress outside leakguard) to save that work.`,
    )
    return { text, codings, charset }
  }

  /** The filtered text as it goes out: in the charset it was read in, encoded again with its codings. */
  const reencode = (text: string, codings: readonly string[], charset: TextCharset = 'utf8') => {
    const out = encodeText(text, charset)
    return codings.length === 0 ? out : encodeBody(out, codings)
  }

  /**
   * Filters a JSON text body in three steps: read and parse, decide and write, compare and encode.
   * Each `yield` is where a body of {@link TURN_BYTES} or more may give the event loop back
   * ({@link inTurns}); {@link atOnce} runs the steps in one go.
   */
  function* serializedSteps(
    context: ResponseContext,
    status: number,
    payload: string | Uint8Array,
    routeOptions: CompiledRouteOptions | undefined,
    encoding: ContentEncodingHeader,
  ): Generator<void, SerializedDecision> {
    try {
      // A range of a JSON document can be a bare string or number that was a protected member's
      // value (`Range: bytes=20-34` of a file): no member name, no view applies to it.
      if (status === 206)
        throw new LeakguardResponseError('ERR_LG_RESPONSE_PARTIAL', BLOCK_MESSAGES.ERR_LG_RESPONSE_PARTIAL)
      const { text, codings } = readText(payload, encoding)
      const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
      if (json.trim() === '') return { blocked: false, payload }
      let body: unknown
      try {
        body = JSON.parse(json)
      } catch (error) {
        throw new LeakguardResponseError(
          'ERR_LG_RESPONSE_INVALID_JSON',
          'response has a JSON content type but is not JSON',
          {
            cause: error,
          },
        )
      }
      const large = json.length >= TURN_BYTES
      if (large) yield
      // What goes out is the serialization of what was decided on, never the text that was parsed:
      // clients that keep the first of duplicate members, or read a byte order mark, bytes that are
      // not UTF-8 or digits beyond double precision otherwise than JSON.parse, would read the rest.
      // Compact text (most of it) is written by the compiled view; pretty-printed text keeps its
      // indentation through a projection and JSON.stringify.
      let decided: string
      if (indentOf(text) === undefined) {
        const result = large
          ? yield* decideInSteps(context, status, body, routeOptions, true)
          : decide(context, status, body, routeOptions, true)
        if (mode === 'report') return { blocked: false, payload }
        decided = layoutLike(result.text ?? 'null', text)
      } else {
        const result = decide(context, status, body, routeOptions, false)
        if (mode === 'report') return { blocked: false, payload }
        decided = serializeLike(result.value, text)
      }
      if (large) yield
      if (sameText(payload, text, decided)) return { blocked: false, payload }
      return { blocked: false, payload: reencode(decided, codings) }
    } catch (thrown) {
      const blocked = fail(context, status, thrown)
      return mode === 'report' ? { blocked: false, payload } : blocked
    }
  }

  function serialized(
    context: ResponseContext,
    status: number,
    payload: string | Uint8Array,
    routeOptions: CompiledRouteOptions | undefined,
    encoding: ContentEncodingHeader,
  ): SerializedDecision {
    return atOnce(serializedSteps(context, status, payload, routeOptions, encoding))
  }

  /**
   * A success body of a route with `ownerPath` that is not JSON (text, XML, CSV, bytes): its owner
   * cannot be read, so it is denied rather than sent unchecked. @throws LeakguardResponseError
   */
  function requireReadableOwner(status: number, policy: CompiledRouteOptions | undefined): void {
    if (policy?.ownerPath === undefined || status < 200 || status >= 300) return
    throw new LeakguardResponseError(
      'ERR_LG_RESPONSE_NOT_OWNER',
      'the response is not JSON: ownerPath cannot read its owner',
      {
        status: policy.ownerDenied ?? 404,
      },
    )
  }

  /** Redacts a text body: detectors and rules over the whole text, error hygiene for 4xx/5xx. */
  function redactText(context: ResponseContext, response: SerializedResponseInput): SerializedDecision {
    const { status, payload } = response
    try {
      requireAgreement(context, status)
      if (payload.length > 0)
        requireReadableOwner(status, mergeRouteOptions(context.entry?.policy, response.routeOptions))
      const session = startRedaction(
        context,
        status,
        mergeRouteOptions(context.entry?.policy, response.routeOptions),
      )
      if (session === undefined) return { blocked: false, payload }
      const { text, codings, charset } = readText(
        payload,
        response.contentEncoding,
        response.contentType ?? 'text/plain',
      )
      const out = session.string(text, null, null)
      reports.redacted(context, status, session)
      reports.degraded(context, status, session)
      if (mode === 'report' || session.total === 0) return { blocked: false, payload }
      return { blocked: false, payload: reencode(out === REMOVE ? '' : out, codings, charset) }
    } catch (thrown) {
      const blocked = fail(context, status, thrown)
      return mode === 'report' ? { blocked: false, payload } : blocked
    }
  }

  /** {@link ResponsePhase.serializeResponse}. */
  function serializeAtOnce(context: ResponseContext, response: ResponseInput): WrittenDecision {
    const { status, body } = response
    try {
      return written(body, decide(context, status, body, response.routeOptions, true))
    } catch (thrown) {
      return writingFailed(context, status, body, thrown)
    }
  }

  /** What an object body written to JSON text sends: the text, or in report mode the body as it was. */
  function written(body: unknown, result: SerializeResult): WrittenDecision {
    if (mode === 'report') return { blocked: false, payload: JSON.stringify(body) ?? '' }
    return { blocked: false, payload: result.text ?? '' }
  }

  /** The generic 500 for an object body that could not be decided on (report mode: the body, if JSON can write it). */
  function writingFailed(
    context: ResponseContext,
    status: number,
    body: unknown,
    thrown: unknown,
  ): WrittenDecision {
    const blocked = fail(context, status, thrown)
    if (mode !== 'report') return blocked
    try {
      return { blocked: false, payload: JSON.stringify(body) ?? '' }
    } catch {
      return blocked // report mode cannot send what JSON cannot write either
    }
  }

  /** {@link ResponsePhase.serializeResponse} in steps (see {@link decideInSteps}). */
  function* serializedInSteps(
    context: ResponseContext,
    response: ResponseInput,
  ): Generator<void, WrittenDecision> {
    const { status, body } = response
    try {
      return written(body, yield* decideInSteps(context, status, body, response.routeOptions, false))
    } catch (thrown) {
      return writingFailed(context, status, body, thrown)
    }
  }

  /** Requests already reported as unfiltered: one event per response, however many bypasses. */
  const unfiltered = new WeakSet<ResponseContext>()

  return {
    maxBufferedBytes,
    filterResponse(context, response) {
      const { status, body } = response
      if (body === undefined || body === null) return { blocked: false, body }
      try {
        const result = decide(context, status, body, response.routeOptions, false)
        return { blocked: false, body: mode === 'report' ? body : result.value }
      } catch (thrown) {
        const blocked = fail(context, status, thrown)
        return mode === 'report' ? { blocked: false, body } : blocked
      }
    },
    serializeResponse: serializeAtOnce,
    serializeResponseInTurns(context, response) {
      // Most bodies hold no list or map long enough to slice: they skip the steps' generators.
      // A getter or a Proxy that throws while the body's first levels are looked over is read
      // again by the one call, which fails closed (the generic error, an audit event): this
      // function never throws.
      let steps: boolean
      try {
        steps = mayWriteInSteps(response.body)
      } catch {
        steps = false
      }
      if (!steps) return serializeAtOnce(context, response)
      return untilItYields(serializedInSteps(context, response))
    },
    filterSerialized: (context, response) =>
      serialized(context, response.status, response.payload, response.routeOptions, response.contentEncoding),
    filterSerializedInTurns(context, response) {
      const { status, payload, routeOptions, contentEncoding } = response
      const steps = serializedSteps(context, status, payload, routeOptions, contentEncoding)
      return payload.length < TURN_BYTES ? atOnce(steps) : inTurns(steps)
    },
    filterText: (context, response) => redactText(context, response),
    async filterStream(context, response) {
      let payload: Buffer
      try {
        payload = await collectBody(response.source, maxBufferedBytes)
      } catch (thrown) {
        // The body is gone (read or released): even report mode has nothing else to send.
        return fail(context, response.status, thrown)
      }
      if (response.kind === 'text') {
        const { status, routeOptions, contentEncoding, contentType } = response
        return redactText(context, { status, routeOptions, contentEncoding, contentType, payload })
      }
      return inTurns(
        serializedSteps(context, response.status, payload, response.routeOptions, response.contentEncoding),
      )
    },
    filterHeaders(context, response) {
      const { status, headers } = response
      let session: RedactionSession | undefined
      let changed: Record<string, string | string[] | null> | undefined
      const scan = options.headerScan
      try {
        // Object.keys, not entries: the pairs cost ~0.5 us per response on a headers object.
        for (const name of Object.keys(headers)) {
          const value = headers[name]
          const lower = name.toLowerCase()
          if (value === undefined || !scan.scans(lower)) continue
          if (session === undefined) {
            const active = redactorFor(
              mergeRouteOptions(context.entry?.policy, response.routeOptions),
              status,
            )
            if (!active.enabled) return undefined
            session = new RedactionSession(active, {
              hygiene: false,
              requestId: context.requestId,
              detailed: false,
              fingerprint,
              summarize: options.summarizesFindings,
            })
          }
          const values = Array.isArray(value) ? value.map(String) : [String(value)]
          const out = values.map((text) => redactHeaderValue(lower, text, session!))
          if (out.every((text, i) => text === values[i])) continue
          changed ??= {}
          changed[name] = Array.isArray(value) ? out : out[0]!
        }
      } catch (thrown) {
        fail(context, status, thrown)
        // Fail closed for the headers: none of those that were to be read goes out unread.
        const removed: Record<string, null> = {}
        for (const name of Object.keys(headers)) if (scan.scans(name.toLowerCase())) removed[name] = null
        return mode === 'report' ? undefined : removed
      }
      if (session !== undefined) reports.redacted(context, status, session)
      return mode === 'report' ? undefined : changed
    },
    filterStatusMessage(context, response) {
      const { status, message } = response
      const standard = STATUS_CODES[status] ?? ''
      if (message === '' || message === standard) return undefined
      try {
        const active = redactorFor(mergeRouteOptions(context.entry?.policy, response.routeOptions), status)
        if (!active.enabled) return undefined
        const session = new RedactionSession(active, {
          hygiene: status >= 400 && active.errorHygiene,
          requestId: context.requestId,
          detailed: false,
          fingerprint,
          summarize: options.summarizesFindings,
        })
        if (redactReasonPhrase(message, session) === message) return undefined
        reports.redacted(context, status, session)
      } catch (thrown) {
        fail(context, status, thrown)
      }
      // A phrase is short and free-form: what remains of a masked one says nothing the code does not.
      return mode === 'report' ? undefined : standard
    },
    checkAgreement(context, status) {
      if (context.mismatch === undefined && (status >= 400 || options.ownerPending?.(context) === undefined))
        return undefined
      if (context.mismatchReported) return mode === 'report' ? undefined : BLOCKED
      try {
        requireAgreement(context, status)
      } catch (thrown) {
        const blocked = fail(context, status, thrown)
        return mode === 'report' ? undefined : blocked
      }
      return undefined
    },
    opaqueBody(context, status, routeOptions) {
      try {
        requireReadableOwner(status, mergeRouteOptions(context.entry?.policy, routeOptions))
        return undefined
      } catch (thrown) {
        const denied = fail(context, status, thrown)
        return mode === 'report' ? undefined : denied
      }
    },
    block: (context, status, code) =>
      fail(context, status, new LeakguardResponseError(code, BLOCK_MESSAGES[code])),
    unfiltered(context, { status, via }) {
      if (unfiltered.has(context)) return
      unfiltered.add(context)
      emit('response.unfiltered', 'warn', 'unknown', context, status, () => ({ via }))
    },
  }
}
