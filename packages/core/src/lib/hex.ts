/** Hex digits in text: escapes (`%2F`, `\u0040`, `&#x40;`) and JSON's `\uXXXX`. */

/** Whether a character code is a hex digit. */
export function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102)
}

/** Whether `count` hex digits stand in `text` from `at`. */
export function hexDigitsAt(text: string, at: number, count: number): boolean {
  for (let k = 0; k < count; k++) if (!isHex(text.charCodeAt(at + k))) return false
  return true
}

/** The value of a hex digit's code (one {@link isHex} accepts). */
function hexValue(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87
}

/** The byte the two hex digits from `at` write (the caller checked them with {@link isHex}). */
export function hexPair(text: string, at: number): number {
  return (hexValue(text.charCodeAt(at)) << 4) | hexValue(text.charCodeAt(at + 1))
}
