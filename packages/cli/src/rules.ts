/** How bad a finding is; `--fail-on` compares against this order. */
export type Severity = 'high' | 'medium' | 'low' | 'info'

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info']

/** Whether `severity` is at least as bad as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold)
}

/** What `leakguard scan` checks, one rule per kind of finding (SARIF `reportingDescriptor`s). */
export interface Rule {
  /** Stable id, `LG1xx`: SARIF `ruleId`, what CI suppressions name. */
  readonly id: string
  /** Short name, `sensitive-data`. */
  readonly name: string
  /** The severity of a typical finding (a finding may say otherwise). */
  readonly severity: Severity
  /** One line: what was found. */
  readonly summary: string
  /** What to do about it. */
  readonly help: string
  /** OWASP API Security Top 10 (2023) category. */
  readonly owasp: string
}

export const RULES = {
  sensitiveData: {
    id: 'LG101',
    name: 'sensitive-data',
    severity: 'high',
    summary: 'A response carries a secret or personal data that a detector recognises.',
    help: 'Send only the members a client needs (an allowlist) and mask what must remain: leakguard `allow` and `redact` on the route.',
    owasp: 'API3:2023 Broken Object Property Level Authorization',
  },
  excessiveExposure: {
    id: 'LG102',
    name: 'excessive-exposure',
    severity: 'medium',
    summary: 'A response carries members that its OpenAPI response schema does not name.',
    help: 'Either the document is out of date or the handler sends more than it should: derive the allowlist from the document (`fromOpenAPI`) so undocumented members never leave.',
    owasp: 'API3:2023 Broken Object Property Level Authorization',
  },
  errorDisclosure: {
    id: 'LG103',
    name: 'error-disclosure',
    severity: 'high',
    summary: 'A response shows internals: a stack trace, SQL, a driver error or a server file path.',
    help: 'Answer errors with a generic problem document and log the details server-side; leakguard `errorHygiene` replaces such bodies.',
    owasp: 'API8:2023 Security Misconfiguration',
  },
  serverError: {
    id: 'LG104',
    name: 'server-error-on-bad-input',
    severity: 'low',
    summary: 'Malformed input makes the server answer 5xx instead of a 4xx.',
    help: 'Validate input before it reaches code that can throw, and answer 400 or 422 with a problem document.',
    owasp: 'API8:2023 Security Misconfiguration',
  },
  missingAuth: {
    id: 'LG105',
    name: 'missing-auth',
    severity: 'high',
    summary: 'An operation the document protects with `security` answers 2xx without credentials.',
    help: 'Verify credentials on every protected route (leakguard `auth` with `default: "required"`), including routes added after the policy was written.',
    owasp: 'API2:2023 Broken Authentication',
  },
  missingRateLimit: {
    id: 'LG106',
    name: 'missing-rate-limit',
    severity: 'medium',
    summary: 'A burst of requests was served in full with no 429 and no RateLimit headers.',
    help: 'Limit requests per client (leakguard `rateLimit`) and advertise the policy in RateLimit headers.',
    owasp: 'API4:2023 Unrestricted Resource Consumption',
  },
  sequentialIds: {
    id: 'LG107',
    name: 'sequential-ids',
    severity: 'low',
    summary: 'Responses carry small, dense integer ids that anyone can walk.',
    help: 'Use random identifiers (UUIDs) in URLs, check ownership of every object (leakguard `owner`), and limit distinct ids per client (`enumeration`).',
    owasp: 'API1:2023 Broken Object Level Authorization',
  },
  transport: {
    id: 'LG108',
    name: 'transport-hygiene',
    severity: 'medium',
    summary: 'A transport header is missing: HSTS on HTTPS, no-store on credentialed answers, nosniff.',
    help: 'leakguard `transport: { requireHttps: true, hsts: true, noStore: true }` sets them.',
    owasp: 'API8:2023 Security Misconfiguration',
  },
  shadowEndpoint: {
    id: 'LG109',
    name: 'shadow-endpoint',
    severity: 'medium',
    summary: 'A path that is not documented (or a well-known debug path) answers 2xx.',
    help: 'Remove it, or document and protect it: leakguard `responses.default: "deny"` closes routes nobody allowed.',
    owasp: 'API9:2023 Improper Inventory Management',
  },
} as const satisfies Record<string, Rule>

export type RuleKey = keyof typeof RULES

export const RULE_LIST: readonly Rule[] = Object.values(RULES)
