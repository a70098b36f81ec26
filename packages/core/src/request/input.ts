import type { ProjectionNode } from '../allowlist/compile.js'
import type { LeakguardEventMap, MemberPaths, Outcome, Severity } from '../audit/events.js'
import type { Principal } from '../auth/principal.js'
import { LeakguardRequestError } from '../errors.js'
import { type ProblemDocument, problemBody } from '../http/problem.js'
import { isPromise } from '../lib/promise.js'
import { type InputRejection as RejectedRequest, rejection } from '../request-phase.js'
import { paramsOf, type RoutePattern } from '../routes/pattern.js'
import { type CompiledRouteOptions, mergeRouteOptions, selectView } from '../routes/policy.js'
import { type AcceptedMembers, acceptMembers, type MemberLimits } from './accept.js'
import type { CompiledEnumeration, EnumerationDetector, EnumerationSubject } from './enumeration.js'
import { mayReadBody, type OwnerCheck } from './owner.js'

/** What an adapter knows of a request's input when it asks for the request-side policies. */
export interface RequestInput {
  /** The parsed body, when the framework (or the app's parser) has parsed one. */
  readonly body?: unknown
  /**
   * Whether the body can be read now: `false` while a body is still to be parsed (Express and Koa
   * before the app's body parser). Body checks, and `owner` functions that take the body, wait for
   * a later call. @default true
   */
  readonly bodyReady?: boolean
  /** The parsed query, as the handler will read it. */
  readonly query?: unknown
  /** Path parameters as the framework's router decoded them; else leakguard's own route match. */
  readonly params?: Readonly<Record<string, string>> | undefined
  /** Route-level options given in the framework's idiom. */
  readonly routeOptions?: CompiledRouteOptions | undefined
  /**
   * The route the framework matched (`'GET /orders/:orderId'`): what route-level enumeration
   * rules count under, the same on every instance. @default an id of the rule
   */
  readonly route?: string | undefined
}

/** What the request-side policies decided: what the handler reads, or leakguard's refusal. */
export type InputDecision =
  | {
      readonly allowed: true
      /** The body to hand to the handler: the same value when nothing was dropped. */
      readonly body: unknown
      readonly query: unknown
      /** Whether `body` (or `query`) is a new value the adapter must put in place. */
      readonly bodyChanged: boolean
      readonly queryChanged: boolean
    }
  | RejectedRequest

/** What the input phase keeps of a request between calls (leakguard(), a body checkpoint). */
export interface InputState {
  /** The query trees the query was checked against (a route helper may add a stricter one). */
  queryTrees?: ProjectionNode[]
  /** The body was checked at least once (it is checked again on every call: parsers mutate it). */
  body?: boolean
  /** Report mode: the body value and tree last checked, so the same pair is not reported twice. */
  checked?: { readonly body: unknown; readonly tree: ProjectionNode }
  /** The owner checks that ran (the table's and a route helper's are both run). */
  owners?: OwnerCheck[]
  /** An owner check that reads the body waits for it. */
  ownerPending?: OwnerCheck
  /**
   * The body a route-level parser set while an owner check waited for it: the handler reads an
   * empty one until a route helper has run the check (with none, it never gets it back). `shown`:
   * the empty body the handler reads, which a parser may fill after assigning it (multer).
   */
  held?: { readonly body: unknown; readonly shown: unknown }
  /** The owner checks that read the body, and the body they read (a later one is read again). */
  ownerRead?: { readonly checks: OwnerCheck[]; body: unknown }
  /** The enumeration rules that counted this request, each with the route key it counted under. */
  enumerations?: CompiledEnumeration[]
  enumerationRoutes?: Map<CompiledEnumeration, string>
  /** A refusal decided where it could not be answered (a body setter): the next check answers it. */
  refusal?: RejectedRequest
  /** The path parameters by the table pattern's names, once read. */
  tableParams?: Readonly<Record<string, string>>
}

/** What the input phase reads of a request. */
export interface InputContext {
  readonly method: string
  readonly targetPath: string
  readonly route: string | undefined
  readonly principal: Principal | undefined
  readonly entry: { readonly pattern: RoutePattern; readonly policy: CompiledRouteOptions } | undefined
  readonly input: InputState
}

type Emit = <T extends keyof LeakguardEventMap>(
  type: T,
  severity: Severity,
  outcome: Outcome,
  context: InputContext,
  status: number,
  details: () => LeakguardEventMap[T],
) => void

interface Dependencies {
  readonly mode: 'enforce' | 'report'
  readonly limits: MemberLimits
  readonly emit: Emit
  readonly mask: (text: string) => string
  /** The caller's roles (token roles, or `getRoles`). @throws when `getRoles` throws */
  readonly roles: (context: InputContext) => readonly string[]
  /** Who the enumeration detector counts. */
  readonly subject: (context: InputContext, by: 'principal' | 'address' | 'auto') => EnumerationSubject
  /** The guard's enumeration detector, built on first use. */
  readonly enumeration: () => EnumerationDetector
  /** Reports a store failure of the detector (the request goes on). */
  readonly detectorFailed: (context: InputContext, error: unknown) => void
}

/** Whether a route has anything for the input phase to do. */
/**
 * The checks of `candidates` (the table's and a route helper's) not run yet for this request:
 * each once, whichever checkpoint ran it first.
 */
function notYetRun<T>(candidates: ReadonlyArray<T | undefined>, ran: readonly T[] | undefined): T[] {
  const out: T[] = []
  for (const check of candidates)
    if (check !== undefined && !out.includes(check) && !ran?.includes(check)) out.push(check)
  return out
}

export function hasInputPolicies(policy: CompiledRouteOptions | undefined): boolean {
  return (
    policy !== undefined &&
    (policy.accept !== undefined ||
      policy.acceptViews !== undefined ||
      policy.acceptQuery !== undefined ||
      policy.owner !== undefined ||
      policy.enumeration !== undefined)
  )
}

/** Whether a route checks request bodies (so a body parser must hand leakguard the body). */
export function checksBody(policy: CompiledRouteOptions | undefined): boolean {
  return policy !== undefined && (policy.accept !== undefined || policy.acceptViews !== undefined)
}

/**
 * The request-side policies, run before the handler: `acceptQuery`, `accept` (with role views),
 * the enumeration detector, then `owner`. Each runs once per request, however many times an
 * adapter asks (leakguard(), a route helper, a body checkpoint).
 */
export function createInputPhase(deps: Dependencies) {
  const { mode, limits, emit } = deps
  // Route-level enumeration rules without a framework route: one stable key per rule.
  const ruleIds = new WeakMap<CompiledEnumeration, string>()
  let rulesNamed = 0
  const failure: Outcome = mode === 'report' ? 'unknown' : 'failure'

  const memberPaths = (result: Pick<AcceptedMembers, 'dropped' | 'paths' | 'truncated'>): MemberPaths => ({
    count: result.dropped,
    paths: result.paths.map((path) => deps.mask(path)),
    truncated: result.truncated,
  })

  function refuseMembers(
    context: InputContext,
    source: 'body' | 'query',
    error: LeakguardRequestError,
    members: MemberPaths,
  ): RejectedRequest | undefined {
    emit('request.rejected_members', 'warn', failure, context, error.status, () => ({
      source,
      members,
      reason: { code: error.code, message: error.message },
    }))
    if (mode === 'report') return undefined
    const body: ProblemDocument & { members?: readonly string[] } =
      members.count === 0
        ? problemBody(error.status, error.message)
        : {
            ...problemBody(error.status, `The request ${source} sets members this endpoint does not accept.`),
            members: members.paths,
          }
    return rejection(error.status, error.code, body)
  }

  /**
   * Checks one input against its allowlist. @returns the value to use, or the refusal
   */
  function checkMembers(
    context: InputContext,
    source: 'body' | 'query',
    value: unknown,
    tree: ProjectionNode,
    onUnknown: 'drop' | 'reject',
  ): { value: unknown; changed: boolean } | RejectedRequest {
    let result: AcceptedMembers
    try {
      result = acceptMembers(value, tree, limits)
    } catch (error) {
      const refusal = refuseMembers(context, source, error as LeakguardRequestError, {
        count: 0,
        paths: [],
        truncated: false,
      })
      return refusal ?? { value, changed: false }
    }
    if (result.dropped === 0) return { value, changed: false }
    const members = memberPaths(result)
    if (onUnknown === 'reject') {
      const error = result.forbidden
        ? new LeakguardRequestError(
            'ERR_LG_REQUEST_FORBIDDEN_MEMBER',
            422,
            'the request sets a member that is never accepted',
          )
        : new LeakguardRequestError(
            'ERR_LG_REQUEST_UNKNOWN_MEMBERS',
            422,
            'the request sets members the route does not accept',
          )
      return refuseMembers(context, source, error, members) ?? { value, changed: false }
    }
    emit('request.member_dropped', result.forbidden ? 'warn' : 'info', 'success', context, 0, () => ({
      source,
      members,
    }))
    return mode === 'report' ? { value, changed: false } : { value: result.value, changed: true }
  }

  /** The accept tree of the caller: its role views' union, else `accept`. */
  function acceptTreeOf(context: InputContext, policy: CompiledRouteOptions): ProjectionNode | undefined {
    if (policy.acceptViews === undefined) return policy.accept
    const selected = selectView(
      // Only what selectView reads (a spread adding members costs ~0.6 us per request on Node 20).
      { allow: policy.accept, views: policy.acceptViews } as CompiledRouteOptions,
      deps.roles(context),
    )
    // A caller with none of the roles and no `accept`: nothing may be set.
    return selected.tree ?? (selected.kind === 'deny' ? EMPTY_TREE : undefined)
  }

  /**
   * The path parameters a policy reads: named by the table's pattern for the table's policies (so
   * `param: 'id'` of `'GET /orders/:id'` holds whatever the framework calls it), by the framework
   * for route-level ones.
   */
  function paramsFor(
    context: InputContext,
    input: RequestInput,
    fromTable: boolean,
  ): Readonly<Record<string, string>> {
    if (!fromTable && input.params !== undefined) return input.params
    if (context.entry === undefined) return NO_PARAMS
    // Read once per request from the path leakguard matched.
    context.input.tableParams ??= paramsOf(context.entry.pattern, context.targetPath)
    return context.input.tableParams
  }

  /** What a rule counts under: the table's pattern, the framework's route, else the rule itself. */
  function routeKeyOf(context: InputContext, input: RequestInput, rule: CompiledEnumeration): string {
    if (context.entry !== undefined && context.entry.policy.enumeration === rule) return context.route!
    if (input.route !== undefined) return input.route
    let id = ruleIds.get(rule)
    if (id === undefined) {
      id = `route-options#${++rulesNamed}`
      ruleIds.set(rule, id)
    }
    return id
  }

  function denied(
    context: InputContext,
    policy: CompiledRouteOptions,
    code: 'ERR_LG_REQUEST_NOT_OWNER' | 'ERR_LG_REQUEST_OWNER_FAILED',
    message: string,
  ): RejectedRequest | undefined {
    const status = policy.ownerDenied ?? 404
    emit('access.denied', 'warn', failure, context, status, () => ({
      check: 'owner' as const,
      status,
      reason: { code, message },
    }))
    return mode === 'report' ? undefined : rejection(status, code, problemBody(status))
  }

  /** Runs the route's `owner` check. */
  function checkOwner(
    context: InputContext,
    policy: CompiledRouteOptions,
    owner: OwnerCheck,
    params: Readonly<Record<string, string>>,
    body: unknown,
  ): RejectedRequest | undefined | Promise<RejectedRequest | undefined> {
    const settle = (verdict: unknown) =>
      verdict === true
        ? undefined
        : denied(context, policy, 'ERR_LG_REQUEST_NOT_OWNER', 'the owner check denied the caller')
    const failed = (error: unknown) =>
      denied(
        context,
        policy,
        'ERR_LG_REQUEST_OWNER_FAILED',
        `the owner check failed: ${deps.mask(String((error as Error)?.message ?? error)).slice(0, 200)}`,
      )
    try {
      const verdict = owner(context.principal, params, body)
      return isPromise(verdict) ? verdict.then(settle, failed) : settle(verdict)
    } catch (error) {
      return failed(error)
    }
  }

  function checkEnumeration(
    context: InputContext,
    input: RequestInput,
    rule: CompiledEnumeration,
  ): RejectedRequest | undefined | Promise<RejectedRequest | undefined> {
    const params = paramsFor(context, input, context.entry?.policy.enumeration === rule)
    let id: string | undefined
    if (rule.param !== undefined) id = params[rule.param]
    else {
      const names = Object.keys(params)
      id =
        names.length === 1
          ? params[names[0]!]
          : names.length === 0
            ? undefined
            : names
                .sort()
                .map((name) => params[name])
                .join('\u0000')
    }
    if (id === undefined) return undefined
    const route = routeKeyOf(context, input, rule)
    context.input.enumerationRoutes ??= new Map()
    context.input.enumerationRoutes.set(rule, route)
    const settle = (verdict: { refused: boolean; retryAfterMs?: number }) => {
      if (!verdict.refused || mode === 'report') return undefined
      const seconds = Math.max(1, Math.ceil((verdict.retryAfterMs ?? 1000) / 1000))
      return rejection(
        429,
        'ERR_LG_REQUEST_ENUMERATION',
        problemBody(429, 'Too many distinct objects requested; try again later.'),
        {
          'retry-after': String(seconds),
        },
      )
    }
    const failed = (error: unknown) => {
      deps.detectorFailed(context, error)
      return undefined
    }
    try {
      const verdict = deps.enumeration().check(route, deps.subject(context, rule.by), id, rule, context)
      return isPromise(verdict) ? verdict.then(settle, failed) : settle(verdict)
    } catch (error) {
      return failed(error)
    }
  }

  return {
    /**
     * Applies the request-side policies that can run with what `input` holds. Never throws;
     * synchronous unless an owner check or the detector's store is asynchronous.
     */
    check(context: InputContext, input: RequestInput): InputDecision | Promise<InputDecision> {
      const table = context.entry?.policy
      const policy = mergeRouteOptions(table, input.routeOptions)
      const state = context.input
      let body = input.body
      let query = input.query
      let bodyChanged = false
      let queryChanged = false
      const bodyReady = input.bodyReady !== false
      // The body a parser set while an owner check waited: the check reads it, and the handler
      // gets it back once every check let it through.
      if (bodyReady && state.held !== undefined) {
        const { shown } = state.held
        body =
          input.body === shown && typeof shown === 'object' && shown !== null && Object.keys(shown).length > 0
            ? shown
            : state.held.body
        bodyChanged = true
        state.held = undefined
      }
      if (policy === undefined || !hasInputPolicies(policy))
        return { allowed: true, body, query, bodyChanged, queryChanged }
      if (state.refusal !== undefined) return state.refusal
      // Each tree, rule and check runs once per request; one a route helper adds runs too.
      if (
        policy.acceptQuery !== undefined &&
        query !== undefined &&
        !state.queryTrees?.includes(policy.acceptQuery)
      ) {
        const checked = checkMembers(context, 'query', query, policy.acceptQuery, policy.onUnknown ?? 'drop')
        if ('allowed' in checked) return checked
        state.queryTrees ??= []
        state.queryTrees.push(policy.acceptQuery)
        query = checked.value
        queryChanged = checked.changed
      }
      if (bodyReady) {
        const checked = checkBody(context, policy, body)
        if ('allowed' in checked) return checked
        body = checked.value
        bodyChanged ||= checked.changed
      }
      const decided = (): InputDecision => ({ allowed: true, body, query, bodyChanged, queryChanged })
      // The table's owner check and a route helper's are both run: the merge keeps only one.
      const owners = notYetRun([table?.owner, input.routeOptions?.owner], state.owners)
      const runOwners = (): InputDecision | Promise<InputDecision> => {
        const owner = owners.shift()
        if (owner === undefined) return decided()
        // An owner check that reads the body waits for it (Express and Koa parse after leakguard()).
        if (!bodyReady && mayReadBody(owner)) {
          state.ownerPending = owner
          return runOwners()
        }
        state.owners ??= []
        state.owners.push(owner)
        if (state.ownerPending === owner) state.ownerPending = undefined
        // A body set after this one (a parser after the checkpoint) makes the check run again.
        if (mayReadBody(owner)) {
          state.ownerRead ??= { checks: [], body }
          state.ownerRead.checks.push(owner)
          state.ownerRead.body = body
        }
        const params = paramsFor(context, input, table?.owner === owner)
        const denial = checkOwner(context, policy, owner, params, body)
        const next = (refusal: RejectedRequest | undefined) => refusal ?? runOwners()
        return isPromise(denial) ? denial.then(next) : next(denial)
      }
      const rules = notYetRun([table?.enumeration, input.routeOptions?.enumeration], state.enumerations)
      const countIds = (): InputDecision | Promise<InputDecision> => {
        const rule = rules.shift()
        if (rule === undefined) return runOwners()
        state.enumerations ??= []
        state.enumerations.push(rule)
        const counted = checkEnumeration(context, input, rule)
        const next = (refusal: RejectedRequest | undefined) => refusal ?? countIds()
        return isPromise(counted) ? counted.then(next) : next(counted)
      }
      return countIds()
    },
    /**
     * Checks a body the moment a parser sets it (Express `req.body`, Koa `ctx.request.body`), where
     * nothing can be answered: returns what the handler may read, and keeps a refusal for the next
     * {@link check}. Never throws.
     */
    filterBody(
      context: InputContext,
      body: unknown,
      routeOptions: CompiledRouteOptions | undefined,
      inRoute: boolean,
    ): unknown {
      const policy = mergeRouteOptions(context.entry?.policy, routeOptions)
      const state = context.input
      // A body the owner checks that read one never saw (a parser after the checkpoint, a second
      // parser): they run again, before the handler or, failing that, deny the response.
      const read = state.ownerRead
      if (read !== undefined && body !== read.body) {
        state.owners = state.owners?.filter((owner) => !read.checks.includes(owner))
        state.ownerPending = read.checks[0]
        state.ownerRead = undefined
      }
      const pending = state.ownerPending !== undefined
      if (!pending && !checksBody(policy)) return body
      // Nothing of a refused body reaches a handler that runs anyway, nor of any body set after it.
      const emptied =
        body === undefined || body === null || typeof body !== 'object'
          ? undefined
          : Array.isArray(body)
            ? []
            : {}
      if (context.input.refusal !== undefined) return emptied
      const checked = checkBody(context, policy!, body)
      if ('allowed' in checked) {
        context.input.refusal = checked
        return emptied
      }
      // Set by an app-level parser, the body goes on to the middleware before the checkpoint, which
      // runs the waiting check. Set in the route's own chain, past any such checkpoint, it is held:
      // the handler reads none unless a route helper runs the check (else the response is denied,
      // and LEAKGUARD_BODY_UNCHECKED says why).
      if (!pending || !inRoute) return checked.value
      state.held = { body: checked.value, shown: emptied }
      return emptied
    },
    /** Whether a check is still waiting for the body: an owner check, or a body never checked. */
    waiting(context: InputContext, policy: CompiledRouteOptions | undefined): 'owner' | 'body' | undefined {
      if (context.input.ownerPending !== undefined) return 'owner'
      if (context.input.refusal !== undefined) return 'body'
      return checksBody(policy) && context.input.body !== true ? 'body' : undefined
    },
  }

  /** The body against the caller's accept view: what the handler may read, or the refusal. */
  function checkBody(
    context: InputContext,
    policy: CompiledRouteOptions,
    body: unknown,
  ): { value: unknown; changed: boolean } | RejectedRequest {
    if (!checksBody(policy)) return { value: body, changed: false }
    let tree: ProjectionNode | undefined
    try {
      tree = acceptTreeOf(context, policy)
    } catch (error) {
      return refuseMembersOf(context, error) ?? { value: body, changed: false }
    }
    const state = context.input
    state.body = true
    if (tree === undefined) return { value: body, changed: false }
    // Enforced, a body is walked again on every call (a parser may have filled it since; what was
    // already filtered passes the read-only walk). Reported, the same body is reported once.
    if (mode === 'report' && state.checked?.body === body && state.checked?.tree === tree)
      return { value: body, changed: false }
    const checked = checkMembers(context, 'body', body, tree, policy.onUnknown ?? 'drop')
    if (mode === 'report') state.checked = { body, tree }
    return checked
  }

  function refuseMembersOf(context: InputContext, error: unknown): RejectedRequest | undefined {
    // getRoles threw: the body cannot be checked against the caller's view; refuse, fail closed.
    emit('request.rejected_members', 'error', failure, context, 500, () => ({
      source: 'body' as const,
      members: { count: 0, paths: [], truncated: false },
      reason: {
        code: 'ERR_LG_REQUEST_UNSUPPORTED_BODY' as const,
        message: `getRoles failed: ${deps.mask(String((error as Error)?.message ?? error)).slice(0, 200)}`,
      },
    }))
    return mode === 'report' ? undefined : rejection(500, 'ERR_LG_REQUEST_INTERNAL', problemBody(500))
  }
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({})

const EMPTY_TREE: ProjectionNode = Object.freeze({ keep: false, children: null, any: null })

export type InputPhase = ReturnType<typeof createInputPhase>
