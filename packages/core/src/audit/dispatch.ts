import { isoNow } from '../lib/clock.js'
import { isPromise } from '../lib/promise.js'
import type { LeakguardEvent, LeakguardEventType, Severity } from './events.js'

/**
 * Where events go. `write` runs after the response is on its way; `capture`, if present, runs
 * synchronously when the event is created, in the request's own context (the OpenTelemetry sink
 * takes the active span there), and its result is handed to `write`.
 */
export interface AuditSink {
  write(event: LeakguardEvent, captured: unknown): void | Promise<void>
  capture?(): unknown
}

/** Counters of the audit stream, for a metrics exporter. */
export interface AuditMetrics {
  /** Events accepted for delivery, by type (after filters and sampling). */
  readonly events: Readonly<Partial<Record<LeakguardEventType, number>>>
  /** Events lost because the queue was full. */
  readonly dropped: number
  /** Deliveries that threw or rejected. */
  readonly failed: number
}

/** Delivers events to the sinks after the current work is done, never in the response's path. */
export interface AuditDispatcher {
  /** Whether an event of this type and severity would be kept: saves building it otherwise. */
  wants(type: LeakguardEventType, severity: Severity): boolean
  /** Queues an event; when the queue is full the oldest is dropped and counted. */
  emit(event: LeakguardEvent): void
  /** Resolves once every queued event is delivered and every promise a sink returned settled. */
  flush(): Promise<void>
  metrics(): AuditMetrics
}

export interface DispatchOptions {
  readonly sinks: readonly AuditSink[]
  readonly maxQueue: number
  readonly types: ReadonlySet<LeakguardEventType> | undefined
  readonly minSeverity: Severity
  readonly sample: Readonly<Partial<Record<LeakguardEventType, number>>>
  readonly random?: () => number
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, error: 2 }

/** What sinks without `capture` took: nothing (one array for every event). */
const NOTHING_CAPTURED: readonly unknown[] = Object.freeze([])

interface Queued {
  readonly event: LeakguardEvent
  readonly captured: readonly unknown[]
}

export function createDispatcher(options: DispatchOptions): AuditDispatcher {
  const { sinks, maxQueue, types, sample } = options
  const minRank = SEVERITY_RANK[options.minSeverity]
  const random = options.random ?? Math.random
  const queue: Queued[] = []
  const pending = new Set<Promise<unknown>>()
  const counts: Partial<Record<LeakguardEventType, number>> = {}
  let dropped = 0
  let droppedSinceRecovery = 0
  let failed = 0
  let scheduled = false
  let warned = false

  const report = (error: unknown): void => {
    failed++
    if (warned) return
    warned = true
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    process.emitWarning(
      `leakguard audit sink or onEvent threw; further failures are only counted (${detail})`,
      {
        code: 'LEAKGUARD_AUDIT_HOOK_FAILED',
      },
    )
  }

  const deliver = ({ event, captured }: Queued): void => {
    sinks.forEach((sink, i) => {
      try {
        const result = sink.write(event, captured[i])
        if (isPromise(result)) {
          const settled = Promise.resolve(result).then(undefined, report)
          pending.add(settled)
          void settled.finally(() => pending.delete(settled))
        }
      } catch (error) {
        report(error)
      }
    })
  }

  const drain = (): void => {
    scheduled = false
    // Take the batch first: a sink that emits must not extend this loop forever.
    const batch = queue.splice(0, queue.length)
    for (const item of batch) deliver(item)
    if (droppedSinceRecovery > 0 && queue.length === 0) {
      const lost = droppedSinceRecovery
      droppedSinceRecovery = 0
      deliver({ event: recoveryEvent(lost), captured: [] })
    }
  }

  return {
    wants(type, severity) {
      if (sinks.length === 0) return false
      if (SEVERITY_RANK[severity] < minRank) return false
      return types === undefined || types.has(type)
    },
    emit(event) {
      if (!this.wants(event.type, event.severity)) return
      const rate = sample[event.type]
      if (rate !== undefined && random() >= rate) return
      counts[event.type] = (counts[event.type] ?? 0) + 1
      if (queue.length >= maxQueue) {
        queue.shift()
        dropped++
        droppedSinceRecovery++
      }
      // A sink's capture that throws costs that sink its context, never the request.
      let captured: readonly unknown[] = NOTHING_CAPTURED
      for (const sink of sinks) {
        if (sink.capture === undefined) continue
        captured = sinks.map((sink) => {
          try {
            return sink.capture?.()
          } catch (error) {
            report(error)
            return undefined
          }
        })
        break
      }
      queue.push({ event, captured })
      if (!scheduled) {
        scheduled = true
        setImmediate(drain)
      }
    },
    async flush() {
      while (queue.length > 0 || pending.size > 0 || droppedSinceRecovery > 0) {
        drain()
        await Promise.all([...pending])
      }
    },
    metrics: () => ({ events: { ...counts }, dropped, failed }),
  }
}

function recoveryEvent(lost: number): LeakguardEvent {
  return {
    type: 'audit.events_dropped',
    id: globalThis.crypto.randomUUID(),
    time: isoNow(),
    severity: 'warn',
    outcome: 'failure',
    mode: 'enforce',
    dropped: lost,
  }
}
