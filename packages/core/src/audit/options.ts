import { createHmac } from 'node:crypto'
import {
  describe,
  fail,
  functionOption,
  integerOption,
  isPlainObject,
  objectOption,
  oneOf,
  secretKeyOption,
} from '../lib/validate.js'
import { type AuditDispatcher, type AuditSink, createDispatcher } from './dispatch.js'
import type { LeakguardEvent, LeakguardEventType } from './events.js'

const AUDIT_OPTION_KEYS = [
  'onEvent',
  'sinks',
  'types',
  'minSeverity',
  'sample',
  'maxQueue',
  'fingerprintKey',
] as const
/** Every event type a guard emits: what `audit.types` and `audit.sample` may name. */
export const EVENT_TYPES: readonly LeakguardEventType[] = [
  'response.fields_dropped',
  'response.redacted',
  'response.canary',
  'response.blocked',
  'response.unfiltered',
  'response.degraded',
  'auth.failed',
  'auth.forbidden',
  'ratelimit.exceeded',
  'ratelimit.store_error',
  'ratelimit.store_full',
  'request.invalid_target',
  'request.member_dropped',
  'request.rejected_members',
  'access.denied',
  'access.items_dropped',
  'abuse.enumeration',
  'abuse.alert',
  'inventory.sequential_ids',
  'inventory.undeclared_route',
  'transport.insecure',
  'engine.route_mismatch',
  'config.warning',
  'audit.events_dropped',
]

/** What a guard's `audit` options compile to. */
export interface CompiledAudit {
  /** Where events go: the sinks, filtered by type, severity and sampling, queued. */
  readonly dispatcher: AuditDispatcher
  /** A found value as events fingerprint it (HMAC with `audit.fingerprintKey`), when a key is set. */
  readonly fingerprint: ((value: string) => string) | undefined
}

/** Validates a guard's `audit` options once, at startup. @throws LeakguardConfigError */
export function compileAuditOptions(value: unknown): CompiledAudit {
  const audit = objectOption(value, 'audit', AUDIT_OPTION_KEYS)
  const dispatcher = compileDispatcher(audit)
  const fingerprintKey =
    audit.fingerprintKey === undefined
      ? undefined
      : secretKeyOption(audit.fingerprintKey, 'audit.fingerprintKey')
  return {
    dispatcher,
    fingerprint:
      fingerprintKey === undefined
        ? undefined
        : (found: string) => createHmac('sha256', fingerprintKey).update(found).digest('hex').slice(0, 16),
  }
}

function isSink(value: unknown): value is AuditSink {
  return typeof value === 'object' && value !== null && typeof (value as AuditSink).write === 'function'
}

/** Validates the audit options and builds the dispatcher. @throws LeakguardConfigError */
function compileDispatcher(audit: Record<string, unknown>): AuditDispatcher {
  const sinks: AuditSink[] = []
  const onEvent = functionOption<(event: LeakguardEvent) => void | Promise<void>>(
    audit.onEvent,
    'audit.onEvent',
  )
  if (onEvent !== undefined) sinks.push({ write: (event) => onEvent(event) })
  if (audit.sinks !== undefined) {
    if (!Array.isArray(audit.sinks))
      fail('audit.sinks', `expected an array of sinks, got ${describe(audit.sinks)}`)
    ;(audit.sinks as unknown[]).forEach((sink, i) => {
      if (!isSink(sink))
        fail(`audit.sinks[${i}]`, `expected a sink such as pinoSink(logger), got ${describe(sink)}`)
      sinks.push(sink as AuditSink)
    })
  }
  let types: Set<LeakguardEventType> | undefined
  if (audit.types !== undefined) {
    if (!Array.isArray(audit.types))
      fail('audit.types', `expected an array of event types, got ${describe(audit.types)}`)
    types = new Set()
    ;(audit.types as unknown[]).forEach((type, i) => {
      if (!EVENT_TYPES.includes(type as LeakguardEventType)) {
        fail(`audit.types[${i}]`, `unknown event type ${describe(type)}; known: ${EVENT_TYPES.join(', ')}`)
      }
      types!.add(type as LeakguardEventType)
    })
  }
  const sample: Partial<Record<LeakguardEventType, number>> = {}
  if (audit.sample !== undefined) {
    if (!isPlainObject(audit.sample))
      fail('audit.sample', `expected an object of event type -> rate, got ${describe(audit.sample)}`)
    for (const [type, rate] of Object.entries(audit.sample as Record<string, unknown>)) {
      if (!EVENT_TYPES.includes(type as LeakguardEventType))
        fail(`audit.sample.${type}`, 'unknown event type')
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
        fail(`audit.sample.${type}`, `expected a rate from 0 to 1, got ${describe(rate)}`)
      sample[type as LeakguardEventType] = rate as number
    }
  }
  return createDispatcher({
    sinks,
    types,
    sample,
    minSeverity: oneOf(audit.minSeverity, 'audit.minSeverity', ['info', 'warn', 'error'] as const, 'info'),
    maxQueue: integerOption(audit.maxQueue, 'audit.maxQueue', 1, 1_000_000, 1024),
  })
}
