import { compileAllowlist, mergeNodes, type ProjectionNode } from '../allowlist/compile.js'
import { type CompiledRouteAuth, compileRouteAuth } from '../auth/route-policy.js'
import {
  describe,
  fail,
  functionOption,
  isPlainObject,
  objectOption,
  stringArrayOption,
} from '../lib/validate.js'
import type { RouteOptions } from '../options.js'
import { validateRouteRateLimit } from '../ratelimit/gate.js'
import { type RouteRedactOptions, validateRouteRedact } from '../redact/engine.js'
import { compileAcceptList } from '../request/accept.js'
import { type CompiledEnumeration, compileEnumeration } from '../request/enumeration.js'
import { compileOwnerPath, type OwnerCheck, type OwnerPath } from '../request/owner.js'

const ROUTE_OPTION_KEYS = [
  'allow',
  'views',
  'statusViews',
  'problemView',
  'redact',
  'auth',
  'rateLimit',
  'issuesTokens',
  'issuedTokenClaims',
  'accept',
  'acceptViews',
  'acceptQuery',
  'onUnknown',
  'owner',
  'ownerPath',
  'ownerClaim',
  'ownerDenied',
  'enumeration',
] as const

const compiledBrand: unique symbol = Symbol('leakguard.compiledRoute')

/** Route options validated and compiled once; build them with `guard.compileRoute()`. */
export interface CompiledRouteOptions {
  readonly [compiledBrand]: true
  readonly allow?: ProjectionNode
  readonly views?: ReadonlyMap<string, ProjectionNode>
  /** Status -> the success view of answers with that status (over `allow`). */
  readonly statusViews?: ReadonlyMap<number, ProjectionNode>
  readonly problemView?: ProjectionNode
  readonly redact?: RouteRedactOptions
  readonly auth?: CompiledRouteAuth
  /** Validated `rateLimit`; the guard compiles it with its own settings as defaults. */
  readonly rateLimit?: unknown
  /** The route hands tokens to its caller: its success bodies may carry them. */
  readonly issuesTokens?: boolean
  /** The claims its issued JWTs may carry; unset: claims are scanned instead. */
  readonly issuedTokenClaims?: readonly string[]
  /** Members a request body may set. */
  readonly accept?: ProjectionNode
  /** Role -> members a request body may set. */
  readonly acceptViews?: ReadonlyMap<string, ProjectionNode>
  /** Query parameters a request may set. */
  readonly acceptQuery?: ProjectionNode
  /** What unknown members get: dropped, or the request answered 422. */
  readonly onUnknown?: 'drop' | 'reject'
  /** The object-level check before the handler. */
  readonly owner?: OwnerCheck
  /** Where the owner of a response object (or list item) is. */
  readonly ownerPath?: OwnerPath
  /** The status of an owner denial. */
  readonly ownerDenied?: 403 | 404
  /** The enumeration detector of the route. */
  readonly enumeration?: CompiledEnumeration
}

export function isCompiledRouteOptions(value: unknown): value is CompiledRouteOptions {
  return typeof value === 'object' && value !== null && compiledBrand in value
}

/** Validates and compiles one route's options. @throws LeakguardConfigError */
export function compileRouteOptions(
  options: RouteOptions | undefined,
  option: string,
  params?: readonly string[],
): CompiledRouteOptions {
  const raw = objectOption(options, option, ROUTE_OPTION_KEYS)
  const compiled: {
    [compiledBrand]: true
    allow?: ProjectionNode
    views?: Map<string, ProjectionNode>
    statusViews?: Map<number, ProjectionNode>
    problemView?: ProjectionNode
    redact?: RouteRedactOptions
    auth?: CompiledRouteAuth
    rateLimit?: unknown
    issuesTokens?: boolean
    issuedTokenClaims?: readonly string[]
  } & RequestPolicies = { [compiledBrand]: true }
  compileRequestPolicies(raw, option, params, compiled)
  if (raw.issuesTokens !== undefined) {
    if (typeof raw.issuesTokens !== 'boolean')
      fail(`${option}.issuesTokens`, `expected true or false, got ${describe(raw.issuesTokens)}`)
    compiled.issuesTokens = raw.issuesTokens as boolean
  }
  if (raw.issuedTokenClaims !== undefined) {
    const claims = stringArrayOption(raw.issuedTokenClaims, `${option}.issuedTokenClaims`)!
    if (raw.issuesTokens === false)
      fail(
        `${option}.issuedTokenClaims`,
        'lists the claims of tokens the route issues, but issuesTokens is false; remove one of the two',
      )
    compiled.issuesTokens = true
    compiled.issuedTokenClaims = Object.freeze([...claims])
  }
  if (raw.redact !== undefined) compiled.redact = validateRouteRedact(raw.redact, `${option}.redact`)
  if (raw.auth !== undefined) compiled.auth = compileRouteAuth(raw.auth as never, `${option}.auth`)
  if (raw.rateLimit !== undefined)
    compiled.rateLimit = validateRouteRateLimit(raw.rateLimit, `${option}.rateLimit`)
  if (raw.allow !== undefined) compiled.allow = compileAllowlist(raw.allow, `${option}.allow`)
  if (raw.problemView !== undefined)
    compiled.problemView = compileAllowlist(raw.problemView, `${option}.problemView`)
  if (raw.views !== undefined) {
    if (!isPlainObject(raw.views))
      fail(`${option}.views`, `expected an object of role -> paths, got ${describe(raw.views)}`)
    compiled.views = new Map()
    for (const [role, paths] of Object.entries(raw.views)) {
      compiled.views.set(role, compileAllowlist(paths, `${option}.views[${JSON.stringify(role)}]`))
    }
  }
  if (raw.statusViews !== undefined) {
    if (!isPlainObject(raw.statusViews))
      fail(
        `${option}.statusViews`,
        `expected an object of status -> paths ({ '201': ['$.id'] }), got ${describe(raw.statusViews)}`,
      )
    compiled.statusViews = new Map()
    for (const [status, paths] of Object.entries(raw.statusViews)) {
      if (!/^[23]\d\d$/.test(status))
        fail(
          `${option}.statusViews`,
          `keys are success statuses from 200 to 399, got ${JSON.stringify(status)}; error bodies take problemView`,
        )
      compiled.statusViews.set(
        Number(status),
        compileAllowlist(paths, `${option}.statusViews[${JSON.stringify(status)}]`),
      )
    }
  }
  return Object.freeze(compiled)
}

/** Route-level options win over pattern-matched ones, field by field. */
export function mergeRouteOptions(
  base: CompiledRouteOptions | undefined,
  over: CompiledRouteOptions | undefined,
): CompiledRouteOptions | undefined {
  if (over === undefined) return base
  if (base === undefined) return over
  return Object.freeze({ ...base, ...over })
}

/** The allowlist a caller gets on a route, and why. `undefined` tree: no allowlist applies. */
export interface SelectedView {
  readonly tree: ProjectionNode | undefined
  readonly kind: 'allow' | 'roles' | 'deny'
  readonly roles: readonly string[]
}

const unionCache = new WeakMap<ReadonlyMap<string, ProjectionNode>, Map<string, ProjectionNode>>()
const MAX_CACHED_UNIONS = 256

function unionOfViews(views: ReadonlyMap<string, ProjectionNode>, roles: readonly string[]): ProjectionNode {
  if (roles.length === 1) return views.get(roles[0]!)!
  const key = roles.join('\u0000')
  let cache = unionCache.get(views)
  const hit = cache?.get(key)
  if (hit !== undefined) return hit
  let tree: ProjectionNode | null = null
  for (const role of roles) tree = mergeNodes(tree, views.get(role)!)
  if (cache === undefined) {
    cache = new Map()
    unionCache.set(views, cache)
  }
  if (cache.size < MAX_CACHED_UNIONS) cache.set(key, tree!)
  return tree!
}

/**
 * Picks the success view: union of the caller's role views, else the view of the answer's status
 * (`statusViews`), else `allow`, else nothing.
 */
export function selectView(
  policy: CompiledRouteOptions | undefined,
  callerRoles: readonly string[],
  status?: number,
): SelectedView {
  if (policy === undefined) return { tree: undefined, kind: 'allow', roles: [] }
  if (policy.views !== undefined && callerRoles.length > 0) {
    const matched = [...new Set(callerRoles)].filter((role) => policy.views!.has(role)).sort()
    if (matched.length > 0)
      return { tree: unionOfViews(policy.views, matched), kind: 'roles', roles: matched }
  }
  const byStatus = status === undefined ? undefined : policy.statusViews?.get(status)
  if (byStatus !== undefined) return { tree: byStatus, kind: 'allow', roles: [] }
  if (policy.allow !== undefined) return { tree: policy.allow, kind: 'allow', roles: [] }
  // A route with role views but no `allow`: a caller with none of the roles gets nothing.
  if (policy.views !== undefined) return { tree: undefined, kind: 'deny', roles: [] }
  return { tree: undefined, kind: 'allow', roles: [] }
}

/** The request-side members of compiled route options, while they are built. */
interface RequestPolicies {
  accept?: ProjectionNode
  acceptViews?: Map<string, ProjectionNode>
  acceptQuery?: ProjectionNode
  onUnknown?: 'drop' | 'reject'
  owner?: OwnerCheck
  ownerPath?: OwnerPath
  ownerDenied?: 403 | 404
  enumeration?: CompiledEnumeration
}

/** The request-side members of route options: `accept*`, `owner*`, `enumeration`. */
function compileRequestPolicies(
  raw: Record<string, unknown>,
  option: string,
  params: readonly string[] | undefined,
  compiled: RequestPolicies,
): void {
  if (raw.accept !== undefined) compiled.accept = compileAcceptList(raw.accept, `${option}.accept`)
  if (raw.acceptViews !== undefined) {
    if (!isPlainObject(raw.acceptViews))
      fail(`${option}.acceptViews`, `expected an object of role -> paths, got ${describe(raw.acceptViews)}`)
    compiled.acceptViews = new Map()
    for (const [role, paths] of Object.entries(raw.acceptViews)) {
      compiled.acceptViews.set(
        role,
        compileAcceptList(paths, `${option}.acceptViews[${JSON.stringify(role)}]`),
      )
    }
  }
  if (raw.acceptQuery !== undefined)
    compiled.acceptQuery = compileAcceptList(raw.acceptQuery, `${option}.acceptQuery`)
  if (raw.onUnknown !== undefined) {
    if (raw.onUnknown !== 'drop' && raw.onUnknown !== 'reject')
      fail(`${option}.onUnknown`, `expected 'drop' or 'reject', got ${describe(raw.onUnknown)}`)
    if (raw.accept === undefined && raw.acceptViews === undefined && raw.acceptQuery === undefined)
      fail(
        `${option}.onUnknown`,
        'applies to accept, acceptViews and acceptQuery, and the route has none of them',
      )
    compiled.onUnknown = raw.onUnknown as 'drop' | 'reject'
  }
  compiled.owner = functionOption<OwnerCheck>(raw.owner, `${option}.owner`)
  if (compiled.owner === undefined) delete compiled.owner
  if (raw.ownerPath !== undefined)
    compiled.ownerPath = compileOwnerPath(raw.ownerPath, raw.ownerClaim, option)
  else if (raw.ownerClaim !== undefined)
    fail(`${option}.ownerClaim`, 'names the claim compared with ownerPath, and the route has no ownerPath')
  if (raw.ownerDenied !== undefined) {
    if (raw.ownerDenied !== 403 && raw.ownerDenied !== 404)
      fail(
        `${option}.ownerDenied`,
        `expected 404 (the object does not exist for this caller) or 403, got ${describe(raw.ownerDenied)}`,
      )
    if (compiled.owner === undefined && compiled.ownerPath === undefined)
      fail(`${option}.ownerDenied`, 'applies to owner and ownerPath, and the route has neither')
    compiled.ownerDenied = raw.ownerDenied as 403 | 404
  }
  if (raw.enumeration !== undefined)
    compiled.enumeration = compileEnumeration(raw.enumeration, `${option}.enumeration`, params)
}
