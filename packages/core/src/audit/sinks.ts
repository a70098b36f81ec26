import { createRequire } from 'node:module'
import type { Writable } from 'node:stream'
import type { AuditSink } from './dispatch.js'
import { toEcs } from './ecs.js'
import type { LeakguardEvent, LeakguardEventType } from './events.js'

/** The part of a pino logger the sink uses (a pino `Logger` fits). */
export interface PinoLike {
  child(bindings: Record<string, unknown>): PinoLike
  info(object: object, message: string): void
  warn(object: object, message: string): void
  error(object: object, message: string): void
}

/**
 * Logs every event through a pino child logger (`{ component: 'leakguard' }`) at the event's
 * level, in ECS field names, with the event type as the message.
 */
export function pinoSink(logger: PinoLike): AuditSink {
  const child = logger.child({ component: 'leakguard' })
  return {
    write(event) {
      child[event.severity](toEcs(event), event.type)
    },
  }
}

/** Writes every event as one line of JSON (ECS field names) to a writable stream. */
export function jsonLinesSink(stream: Pick<Writable, 'write'>): AuditSink {
  return {
    write(event) {
      stream.write(`${JSON.stringify(toEcs(event))}\n`)
    },
  }
}

/** The part of an OpenTelemetry span the sink uses. */
export interface SpanLike {
  addEvent(name: string, attributes?: Record<string, string | number | boolean | string[]>): unknown
  setAttribute(key: string, value: string | number | boolean): unknown
}

/** Flat OpenTelemetry attributes of an event (semantic-convention names where they exist). */
export function toOtelAttributes(
  event: LeakguardEvent,
): Record<string, string | number | boolean | string[]> {
  const attributes: Record<string, string | number | boolean | string[]> = {
    'event.id': event.id,
    'event.outcome': event.outcome,
    'leakguard.severity': event.severity,
    'leakguard.mode': event.mode,
  }
  if (event.request !== undefined) {
    attributes['http.request.method'] = event.request.method
    attributes['url.path'] = event.request.path
    if (event.request.route !== undefined) attributes['http.route'] = event.request.route
    if (event.request.status !== undefined) attributes['http.response.status_code'] = event.request.status
  }
  if (event.type === 'response.redacted') {
    attributes['leakguard.redacted.total'] = event.total
    attributes['leakguard.redacted.detectors'] = [...new Set(event.findings.map((f) => f.detector))]
  } else if (event.type === 'response.fields_dropped') {
    attributes['leakguard.dropped.count'] = event.dropped.count
    attributes['leakguard.dropped.paths'] = [...event.dropped.paths]
  } else if (event.type === 'response.blocked') {
    attributes['error.type'] = event.error.code
  } else if (event.type === 'response.canary') {
    attributes['leakguard.canaries'] = [...event.canaries]
  }
  return attributes
}

/**
 * Adds each event as a span event (named by its type) to the span that was active when leakguard
 * decided, through `@opentelemetry/api` only: no SDK, nothing recorded unless the app has one.
 * Pass `getSpan` to choose the span yourself.
 */
export function openTelemetrySink(options: { getSpan?: () => SpanLike | undefined } = {}): AuditSink {
  let getSpan = options.getSpan
  return {
    capture() {
      if (getSpan === undefined) {
        try {
          // Optional peer dependency: without it there is no span to add to.
          const api = createRequire(import.meta.url)('@opentelemetry/api') as {
            trace: { getActiveSpan(): SpanLike | undefined }
          }
          getSpan = () => api.trace.getActiveSpan()
        } catch {
          getSpan = () => undefined
        }
      }
      return getSpan()
    },
    write(event, captured) {
      const span = captured as SpanLike | undefined
      if (span === undefined) return
      span.addEvent(event.type, toOtelAttributes(event))
      if (event.type === 'response.blocked') span.setAttribute('leakguard.blocked', true)
    },
  }
}

/** Per-type event counters kept in-process, for a Prometheus or StatsD exporter. */
export interface CountersSink extends AuditSink {
  /** Events seen, by type, since creation. */
  snapshot(): Readonly<Partial<Record<LeakguardEventType, number>>>
}

export function countersSink(): CountersSink {
  const counts: Partial<Record<LeakguardEventType, number>> = {}
  return {
    write(event) {
      counts[event.type] = (counts[event.type] ?? 0) + 1
    },
    snapshot: () => ({ ...counts }),
  }
}
