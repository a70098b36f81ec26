/** Error-body content that describes the server's internals (OWASP API8), by kind. */
export const HYGIENE_CHECKS: ReadonlyArray<readonly [id: string, pattern: RegExp]> = [
  [
    'stack-trace',
    // Node/Java frames, also as HTML (`<br> &nbsp; &nbsp;at ...`), and Python tracebacks.
    /(?:^|\n|<br\s*\/?>)(?:[ \t]|&nbsp;)*at [^\n<]{1,300}?(?::\d+:\d+\)?|\((?:native|<anonymous>)\)|\.java:\d+\))|Traceback \(most recent call last\)/,
  ],
  // SELECT ... FROM within a window of 300 characters: each start costs at most 300 steps (recheck
  // reports the window as polynomial; it is linear with that constant).
  ['sql', /\bSELECT\s[^;]{0,300}?\sFROM\s/i],
  [
    'sql',
    /\b(?:INSERT\s+INTO\s|UPDATE\s+[\w."`[\]]+\s+SET\s|DELETE\s+FROM\s|(?:CREATE|DROP|ALTER|TRUNCATE)\s+TABLE\s)/i,
  ],
  [
    'driver-error',
    /\b(?:ER_[A-Z_]{3,}|SQLSTATE\[?\w*|ORA-\d{5}|PG::\w+|SQLITE_[A-Z]+|Sequelize\w*Error|MongoServerError|MongoError|E11000|duplicate key value violates|violates (?:foreign key|unique|not-null|check) constraint|syntax error at or near|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)\b/,
  ],
  [
    'file-path',
    // Well-known system roots, Windows drives, file URLs, and any absolute path to a source file,
    // read from where the path starts (a match tried at every `/` of a long path was quadratic).
    /(?:^|[\s'"(=:,[])(?:\/(?:home|usr|var|srv|opt|etc|app|root|tmp|Users|private|mnt|data|workspace|node_modules)\/[^\s'"(),]+|[A-Za-z]:\\[^\s'"]+|file:\/\/\/[^\s'"]+)|(?<![\w.@/-])\/(?:[\w.@-]+\/){2,}[\w.@-]+\.(?:[cm]?js|ts|jsx|tsx|py|rb|java|go|php|cs)\b/,
  ],
]

/** The kind of internal detail in an error text (`'stack-trace'`, `'sql'`, ...), or `null`. */
export function internalDetail(text: string): string | null {
  for (const [id, pattern] of HYGIENE_CHECKS) if (pattern.test(text)) return id
  return null
}

/** Every kind of internal detail in an error text, in the order {@link HYGIENE_CHECKS} lists them. */
export function internalDetails(text: string): string[] {
  const kinds: string[] = []
  for (const [id, pattern] of HYGIENE_CHECKS) if (!kinds.includes(id) && pattern.test(text)) kinds.push(id)
  return kinds
}

/** What replaces such a text: generic, plus the id the client can quote to support. */
export function genericErrorMessage(requestId: string): string {
  return `An internal error occurred. Reference: ${requestId}`
}
