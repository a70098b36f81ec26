/**
 * Values of a command line's option that say where a secret is kept, not what it is: a file's
 * path (`~/.aws/credentials`, `/run/secrets/db`, `./pass.txt`) or openssl's pass phrase sources
 * (`env:VAR`, `file:path`, `fd:3`, `stdin`; `pass:...` is the phrase itself).
 */
const OPTION_SOURCE = /^(?:~?\/|\.\.?\/|env:|file:|fd:|stdin$)/

/** Whether an option's value names where its secret is (see {@link OPTION_SOURCE}). */
export function isOptionSource(value: string): boolean {
  return OPTION_SOURCE.test(value)
}
