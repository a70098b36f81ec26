/**
 * The output names of one object, kept unique when masking makes two of them the same
 * (`[REDACTED:email]`, then `[REDACTED:email]#2`, `#3`...). Each name remembers the next suffix
 * to try: a map keyed by 20,000 email addresses is written in linear time, where trying every
 * suffix from 2 again for each name took seconds.
 */
export class UniqueNames {
  /** Each name taken, with the next suffix to try for it. */
  private readonly taken = new Map<string, number>()

  /** @param names Names the object holds already. */
  constructor(names: Iterable<string> = []) {
    for (const name of names) this.taken.set(name, 2)
  }

  /** Takes `name` when it is free, else `name#n` with the least free `n` from 2; returns it. */
  claim(name: string): string {
    const taken = this.taken
    let next = taken.get(name)
    if (next === undefined) {
      taken.set(name, 2)
      return name
    }
    // Every suffix below `next` was taken when it was tried, and names are never given back.
    while (taken.has(`${name}#${next}`)) next++
    taken.set(name, next + 1)
    const unique = `${name}#${next}`
    taken.set(unique, 2)
    return unique
  }
}
