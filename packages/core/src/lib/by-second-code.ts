/**
 * `entries` grouped by the code of their name's second character (ASCII only), for a reader that
 * meets a lead character (`&`, `%`) at every few positions of a text: it compares only the names
 * that can match there, not every one (`&amp;` against the one name that starts `&a`).
 */
export function bySecondCode<T>(entries: readonly T[], name: (entry: T) => string): (T[] | undefined)[] {
  const table: (T[] | undefined)[] = []
  for (const entry of entries) {
    const code = name(entry).charCodeAt(1)
    const list = table[code]
    if (list === undefined) table[code] = [entry]
    else list.push(entry)
  }
  return table
}
