import { randomUUID } from 'node:crypto'
import { REMOVE } from '../allowlist/project.js'
import { acceptRequestId } from '../http/request-id.js'
import { isoNow } from '../lib/clock.js'
import { RedactionSession, type Redactor } from '../redact/engine.js'
import type { AuditDispatcher } from './dispatch.js'
import type {
  EventRequest,
  LeakguardEvent,
  LeakguardEventMap,
  LeakguardEventType,
  Outcome,
  Severity,
} from './events.js'

/** What an event reads of the request it is about. */
export interface EventSource {
  readonly requestId: string
  readonly method: string
  readonly route: string | undefined
  /** The canonical path (what `request.path` carries, masked). */
  readonly path: string
  readonly clientAddress: string | undefined
  readonly principal: { readonly sub?: string | undefined } | undefined
  /** The masked path, kept on the request once an event needed it (see {@link GuardEvents.eventPath}). */
  eventPath: string | undefined
}

/** A metadata string with what a detector flags in it masked, and whether there was any. */
export interface MaskedMetadata {
  readonly text: string
  readonly found: boolean
}

/**
 * How a guard builds and sends its audit events: nothing is built unless a sink wants the event,
 * and the paths, subjects and request ids events carry never hold what a detector flags.
 */
export interface GuardEvents {
  /** An event about a request; `details` runs only when a sink wants it. */
  emit<T extends keyof LeakguardEventMap>(
    type: T,
    severity: Severity,
    outcome: Outcome,
    source: EventSource,
    status: number,
    details: () => LeakguardEventMap[T],
  ): void
  /** An event about the guard itself (a warning, the inventory), with no request. */
  emitUnattached<T extends LeakguardEventType>(
    type: T,
    severity: Severity,
    details: () => Omit<
      Extract<LeakguardEvent, { type: T }>,
      'type' | 'id' | 'time' | 'severity' | 'outcome' | 'mode'
    >,
  ): void
  /** `text` with what the built-in detectors flag masked (remembered, bounded). Never throws. */
  maskMetadata(text: string): MaskedMetadata
  /** The request's path as events carry it. */
  eventPath(source: EventSource): string
  /** A token's `sub` as events carry it: an email or phone number used as subject is masked. */
  principalId(sub: string): string
  /** A client-supplied request id, if ids are read from a header and it is plain and flags nothing. */
  incomingRequestId(value: string | string[] | undefined): string | undefined
}

/** Most metadata strings remembered masked; forgotten all at once when full. */
const MAX_REMEMBERED = 4096

export function createGuardEvents(options: {
  readonly dispatcher: AuditDispatcher
  readonly mode: 'enforce' | 'report'
  /** The guard's redactor: its built-in detectors read metadata, its custom rules do not. */
  readonly redactor: Redactor
  /** The header request ids are read from, if any. */
  readonly requestIdHeader: string | undefined
}): GuardEvents {
  const { dispatcher, mode, requestIdHeader } = options
  // Event paths and incoming request ids are checked with the built-in detectors only: custom
  // rules run on responses, and nothing here may throw.
  const metadataRedactor: Redactor = {
    ...options.redactor,
    rules: { patterns: [], functions: [], keys: [] },
    keyNameMask: null,
    nestedJson: false,
  }
  // The same dropped paths, finding paths and request paths come back on every response of a
  // route: their masked forms are remembered.
  const remembered = new Map<string, MaskedMetadata>()
  const maskMetadata = (text: string): MaskedMetadata => {
    const known = remembered.get(text)
    if (known !== undefined) return known
    let masked: MaskedMetadata
    try {
      const session = new RedactionSession(metadataRedactor, {
        hygiene: false,
        requestId: '',
        detailed: false,
      })
      const out = session.string(text, null, null)
      masked = { text: out === REMOVE ? '[REDACTED]' : out, found: session.total > 0 }
    } catch {
      masked = { text: '[REDACTED]', found: true }
    }
    if (remembered.size >= MAX_REMEMBERED) remembered.clear()
    remembered.set(text, masked)
    return masked
  }
  const eventPath = (source: EventSource): string => {
    // On the request, not in a WeakMap: an entry per request made each one an ephemeron.
    source.eventPath ??= maskMetadata(source.path).text
    return source.eventPath
  }
  const principalId = (sub: string): string => maskMetadata(sub).text
  const eventRequest = (source: EventSource, status: number): EventRequest => {
    // Built member by member: object spreads cost more than the rest of an event together.
    const request: { -readonly [K in keyof EventRequest]: EventRequest[K] } = {
      id: source.requestId,
      method: source.method,
    } as EventRequest
    if (source.route !== undefined) request.route = source.route
    request.path = eventPath(source)
    request.status = status
    if (source.clientAddress !== undefined) request.clientAddress = source.clientAddress
    return request
  }
  return {
    emit(type, severity, outcome, source, status, details) {
      if (!dispatcher.wants(type, severity)) return
      const event: Record<string, unknown> = {
        type,
        id: randomUUID(),
        time: isoNow(),
        severity,
        outcome,
        mode,
        request: eventRequest(source, status),
      }
      const sub = source.principal?.sub
      if (sub !== undefined) event.principal = { id: principalId(sub) }
      // T and details() agree by the signature.
      dispatcher.emit(Object.assign(event, details()) as unknown as LeakguardEvent)
    },
    emitUnattached(type, severity, details) {
      if (!dispatcher.wants(type, severity)) return
      const event = { type, id: randomUUID(), time: isoNow(), severity, outcome: 'unknown', mode }
      dispatcher.emit(Object.assign(event, details()) as unknown as LeakguardEvent)
    },
    maskMetadata,
    eventPath,
    principalId,
    incomingRequestId(value) {
      if (requestIdHeader === undefined) return undefined
      const id = acceptRequestId(value)
      return id === undefined || maskMetadata(id).found ? undefined : id
    },
  }
}
