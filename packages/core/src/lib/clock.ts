let lastMs = Number.NaN
let lastIso = ''

/**
 * The current time as an ISO 8601 string (`new Date().toISOString()`), made once per millisecond:
 * every event carries one, and formatting a date costs about a microsecond.
 */
export function isoNow(): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastIso = new Date(now).toISOString()
  }
  return lastIso
}
