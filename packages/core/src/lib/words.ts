/**
 * Whether `text` reads as a word rather than a value someone chose: small ASCII letters only,
 * the first one maybe a capital (`required`, `Email`). A value with a digit, a symbol or a capital
 * inside (`hunter2`, `S3cret`, `pass!word`) does not: used where a name is followed by what may be
 * a secret or only another word.
 */
export function readsAsWord(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 97 && code <= 122) continue
    if (code >= 65 && code <= 90 && i === 0) continue
    return false
  }
  return true
}
