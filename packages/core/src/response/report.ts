import { lastMemberName } from '../allowlist/project.js'
import type { ViewKind } from '../audit/events.js'
import type { RedactionSession } from '../redact/engine.js'
import { isTokenKey } from '../redact/keys.js'
import type { Emit, ResponseContext } from './phase.js'

/** What the response phase reports: one event per kind per response, built only if a sink wants it. */
export interface ResponseReports {
  /** `response.fields_dropped`: how many members the view dropped, and where (templated paths). */
  dropped(
    context: ResponseContext,
    status: number,
    view: { readonly kind: ViewKind; readonly roles: readonly string[] },
    result: {
      readonly dropped: number
      readonly droppedPaths: readonly string[]
      readonly pathsTruncated: boolean
    },
  ): void
  /** `response.redacted`: findings grouped by path and detector; `response.canary` when canaries were found. */
  redacted(context: ResponseContext, status: number, session: RedactionSession): void
  /** `response.degraded`: values redacted as text instead of failing the response. */
  degraded(context: ResponseContext, status: number, session: RedactionSession): void
  /** `LEAKGUARD_TOKEN_MASKED`, once per route: a successful POST whose token was masked. */
  issuedTokenHint(context: ResponseContext, session: RedactionSession): void
}

/** Builds the reports of a guard's response phase. */
export function createResponseReports(deps: {
  readonly emit: Emit
  /** Masks what a detector flags in a path or name that goes into an event. */
  readonly maskMetadata: (text: string) => { readonly text: string }
  readonly maxPaths: number
  readonly warnOnce: (code: string, message: string, key?: string) => void
  readonly ignoresWarning: (code: string) => boolean
}): ResponseReports {
  const { emit, maxPaths, warnOnce, ignoresWarning } = deps
  const redactMetadata = deps.maskMetadata

  function dropped(
    context: ResponseContext,
    status: number,
    view: { readonly kind: ViewKind; readonly roles: readonly string[] },
    result: {
      readonly dropped: number
      readonly droppedPaths: readonly string[]
      readonly pathsTruncated: boolean
    },
  ): void {
    if (result.dropped === 0) return
    // Paths are masked only when a sink takes the event.
    emit('response.fields_dropped', 'info', 'success', context, status, () => ({
      view: view.kind,
      roles: view.roles,
      dropped: {
        count: result.dropped,
        paths: maskedPaths(result.droppedPaths),
        truncated: result.pathsTruncated,
      },
    }))
  }

  // A view hands out the same frozen array of paths while its responses drop the same members
  // (CompiledView.droppedPaths): their masked forms are made once per array. Each event gets a
  // copy, since sinks own what they are given.
  const masked = new WeakMap<readonly string[], readonly string[]>()
  function maskedPaths(paths: readonly string[]): string[] {
    let known = Object.isFrozen(paths) ? masked.get(paths) : undefined
    if (known === undefined) {
      known = paths.map((path) => redactMetadata(path).text)
      if (Object.isFrozen(paths)) masked.set(paths, known)
    }
    return known.slice()
  }

  function redacted(context: ResponseContext, status: number, session: RedactionSession): void {
    if (session.total === 0) return
    emit('response.redacted', 'warn', 'success', context, status, () => {
      const { findings, truncated } = session.summary(maxPaths)
      return {
        // Member names are part of paths, and a member name can itself be a secret.
        findings: findings.map((finding) => ({ ...finding, path: redactMetadata(finding.path).text })),
        total: session.total,
        truncated,
      }
    })
    if (session.canaries.size > 0) {
      emit('response.canary', 'error', 'success', context, status, () => ({
        canaries: [...session.canaries],
      }))
    }
  }

  /** Values a client could write that were redacted as text instead of failing the response. */
  function degraded(context: ResponseContext, status: number, session: RedactionSession): void {
    if (session.degradedTotal === 0) return
    emit('response.degraded', 'warn', 'success', context, status, () => {
      const { values, truncated } = session.degradedSummary(maxPaths)
      return {
        values: values.map((value) => ({ ...value, path: redactMetadata(value.path).text })),
        total: session.degradedTotal,
        truncated,
      }
    })
  }

  /**
   * A successful POST whose body held a token that was masked is most likely a login or a token
   * endpoint that zero-config redaction just broke: say so once per route, with the fix.
   */
  function issuedTokenHint(context: ResponseContext, session: RedactionSession): void {
    if (session.total === 0 || ignoresWarning('LEAKGUARD_TOKEN_MASKED')) return
    let masked: string | undefined
    for (const { path, detector } of session.summaries.values()) {
      if (detector === 'jwt' || (detector === 'key-name' && isTokenKey(lastMemberName(path)))) {
        masked = path
        break
      }
    }
    // Past the summary limit (a map keyed by ids), the first masked token the session counted.
    masked ??= session.cappedTokenPath
    if (masked === undefined) return
    // A route pattern only: a request path can carry a reset token or an email.
    const route = context.route
    const where = route ?? 'a POST request to a route without a pattern in `routes`'
    const declare = route ?? 'POST /your/login/path'
    warnOnce(
      'LEAKGUARD_TOKEN_MASKED',
      `${where}: a token was masked in a successful response (at ${redactMetadata(masked).text}). If this route hands tokens to its caller (a login, an OAuth token endpoint), declare it: routes: { ${JSON.stringify(declare)}: { issuesTokens: true } }. Otherwise nothing is wrong: the token was not the caller's to see.`,
      `LEAKGUARD_TOKEN_MASKED ${route ?? ''}`,
    )
  }

  return { dropped, redacted, degraded, issuedTokenHint }
}
