import type { LeakguardEvent } from './events.js'

/** ECS `event.severity` numbers for our severities (syslog-like: lower is worse). */
const ECS_SEVERITY = { info: 6, warn: 4, error: 3 } as const

/**
 * An event in Elastic Common Schema / OpenTelemetry field names, for log pipelines and SIEMs:
 * `@timestamp`, `event.*`, `http.*`, `url.path`, `client.address`, `user.id`; leakguard's own
 * decision data under `leakguard`.
 */
export function toEcs(event: LeakguardEvent): Record<string, unknown> {
  const { type, id, time, severity, outcome, mode, request, principal, ...details } = event
  const ecs: Record<string, unknown> = {
    '@timestamp': time,
    event: {
      id,
      kind: 'event',
      category: type.startsWith('auth.') ? ['authentication'] : ['web'],
      action: type,
      outcome,
      severity: ECS_SEVERITY[severity],
      dataset: 'leakguard.audit',
    },
    log: { level: severity },
    leakguard: { mode, ...details },
  }
  if (request !== undefined) {
    ecs.http = {
      request: { id: request.id, method: request.method },
      ...(request.status === undefined ? {} : { response: { status_code: request.status } }),
      ...(request.route === undefined ? {} : { route: request.route }),
    }
    ecs.url = { path: request.path }
    if (request.clientAddress !== undefined) ecs.client = { address: request.clientAddress }
  }
  if (principal !== undefined) ecs.user = { id: principal.id }
  return ecs
}
