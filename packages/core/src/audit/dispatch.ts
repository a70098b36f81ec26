import type { LeakguardEvent } from './events.js'

/** Delivers events to the hook after the current work is done, never in the response's path. */
export interface AuditDispatcher {
  /** Queues an event; when the queue is full the oldest is dropped and counted. */
  emit(event: LeakguardEvent): void
  /** Resolves once every queued event is delivered and every promise a hook returned settled. */
  flush(): Promise<void>
  /** Events dropped because the queue was full. */
  readonly dropped: number
}

type Hook = (event: LeakguardEvent) => void | Promise<void>

export function createDispatcher(hook: Hook | undefined, maxQueue: number): AuditDispatcher {
  const queue: LeakguardEvent[] = []
  const pending = new Set<Promise<unknown>>()
  let dropped = 0
  let scheduled = false
  let warned = false

  const report = (error: unknown): void => {
    if (warned) return
    warned = true
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    process.emitWarning(`leakguard audit.onEvent threw; further failures are not reported (${detail})`, {
      code: 'LEAKGUARD_AUDIT_HOOK_FAILED',
    })
  }

  const deliver = (event: LeakguardEvent): void => {
    try {
      const result = hook!(event)
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        const settled = Promise.resolve(result).then(undefined, report)
        pending.add(settled)
        void settled.finally(() => pending.delete(settled))
      }
    } catch (error) {
      report(error)
    }
  }

  const drain = (): void => {
    scheduled = false
    // Take the batch first: a hook that emits must not extend this loop forever.
    const batch = queue.splice(0, queue.length)
    for (const event of batch) deliver(event)
  }

  return {
    emit(event) {
      if (hook === undefined) return
      if (queue.length >= maxQueue) {
        queue.shift()
        dropped++
      }
      queue.push(event)
      if (!scheduled) {
        scheduled = true
        setImmediate(drain)
      }
    },
    async flush() {
      while (queue.length > 0 || pending.size > 0) {
        if (queue.length > 0) drain()
        await Promise.all([...pending])
      }
    },
    get dropped() {
      return dropped
    },
  }
}
