/** Error-body content that describes the server's internals (OWASP API8), by kind. */
const CHECKS: ReadonlyArray<readonly [id: string, pattern: RegExp]> = [
  [
    'stack-trace',
    /(?:^|\n)[ \t]*at [^\n]{1,300}?(?::\d+:\d+\)?|\((?:native|<anonymous>)\)|\.java:\d+\))[ \t]*(?:\r?\n|$)|Traceback \(most recent call last\)/,
  ],
  [
    'sql',
    /\b(?:SELECT\s[^;]{0,300}?\sFROM\s|INSERT\s+INTO\s|UPDATE\s+[\w."`[\]]+\s+SET\s|DELETE\s+FROM\s|(?:CREATE|DROP|ALTER|TRUNCATE)\s+TABLE\s)/i,
  ],
  [
    'driver-error',
    /\b(?:ER_[A-Z_]{3,}|SQLSTATE\[?\w*|ORA-\d{5}|PG::\w+|SQLITE_[A-Z]+|Sequelize\w*Error|MongoServerError|MongoError|E11000|duplicate key value violates|violates (?:foreign key|unique|not-null|check) constraint|syntax error at or near|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)\b/,
  ],
  [
    'file-path',
    /(?:^|[\s'"(=:,[])(?:\/(?:home|usr|var|srv|opt|etc|app|root|tmp|Users|private|mnt|data|workspace|node_modules)\/[^\s'"(),]+|[A-Za-z]:\\[^\s'"]+|file:\/\/\/[^\s'"]+)/,
  ],
]

/** The kind of internal detail in an error text (`'stack-trace'`, `'sql'`, ...), or `null`. */
export function internalDetail(text: string): string | null {
  for (const [id, pattern] of CHECKS) if (pattern.test(text)) return id
  return null
}

/** What replaces such a text: generic, plus the id the client can quote to support. */
export function genericErrorMessage(requestId: string): string {
  return `An internal error occurred. Reference: ${requestId}`
}
