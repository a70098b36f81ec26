import { GATE } from '../features.js'
import type { Detector } from '../types.js'

/** File extensions that are no top-level domain (`.zip`, `.mov` and `.md` are, and stay emails). */
const FILE_EXTENSIONS = new Set(
  'png jpg jpeg gif svg webp avif bmp tif tiff ico tgz gz bz2 xz 7z rar js mjs cjs ts tsx jsx css scss less map json yml yaml xml txt csv pdf doc docx xls xlsx ppt pptx mp3 mp4 wav webm woff woff2 ttf otf eot lock log wasm htm html'
    .split(' ')
    .map((extension) => extensionCode(extension, extension.length)),
)

/**
 * The last `length` characters of `text` as one number (seven bits each, ASCII letters
 * folded to lower case), or -1 when one of them is no ASCII letter or digit: an extension of at
 * most five characters looked up without a slice or a case fold allocated (every email is read).
 */
function extensionCode(text: string, length: number): number {
  let code = 0
  for (let i = text.length - length; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c >= 65 && c <= 90) c |= 32
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return -1
    code = code * 128 + c
  }
  return code
}

/**
 * Whether an address is a file's name: a host of one label, or a version's numbers, and a file's
 * extension for a top-level domain (`logo@2x.png`, `react@18.2.0.tgz`). An address written into a file's name (`jane.doe@example.com.pdf`) still
 * has a host of its own before the extension, and stays an email.
 */
function endsWithFileExtension(match: string): boolean {
  // The last dot, at most six characters from the end (an extension has two to five).
  let dot = match.length - 3
  const last = match.length - 6
  while (dot >= 0 && dot >= last && match.charCodeAt(dot) !== 46) dot--
  if (dot < 0 || dot < last || !isFileExtension(match, dot + 1)) return false
  // The host before the extension: one label (`logo@2x.png`), or a version (`react@18.2.0.tgz`).
  let dots = false
  let digits = true
  for (let i = match.indexOf('@') + 1; i < dot; i++) {
    const c = match.charCodeAt(i)
    if (c === 46) dots = true
    else if (c < 48 || c > 57) digits = false
  }
  return !dots || digits
}

/** Whether `text` from `from` to its end is a file's extension that is no top-level domain (`png`, `json`). */
export function isFileExtension(text: string, from: number): boolean {
  const length = text.length - from
  return length >= 2 && length <= 5 && FILE_EXTENSIONS.has(extensionCode(text, length))
}

/** A relative path after a host (`deploy@web1:releases/current`, `hg@bitbucket.org:owner/repo`). */
const RELATIVE_PATH = /^[\w.~-]+(?:\/[\w.~-]*)+$/

/**
 * What follows an address and a colon in a `user@host:...` match (see {@link email}): an SSH or
 * SCP location (`git@github.com:owner/repo.git`, `deploy@host.example:/srv`), a port (`:8080`,
 * `:8080/path`), or a credential pair's password (`ada@example.com:hunter2`, a combo list).
 */
function afterColon(match: string): 'location' | 'port' | 'password' {
  const at = match.indexOf('@')
  const colon = match.indexOf(':', at)
  const value = match.slice(colon + 1)
  const lead = value.charCodeAt(0)
  if (
    lead === 47 ||
    lead === 126 ||
    /\.git\/?$/i.test(value) ||
    match.slice(0, at).toLowerCase() === 'git' ||
    RELATIVE_PATH.test(value)
  )
    return 'location'
  return /^\d{1,5}(?:[/?#]|$)/.test(value) ? 'port' : 'password'
}

/** Whether an address (no colon after it) is one: see {@link email}'s `validate`. */
function isAddress(match: string): boolean {
  return !match.startsWith('.') && !match.includes('..') && !endsWithFileExtension(match)
}

export const email: Detector = {
  id: 'email',
  description:
    'Email addresses: a local part, "@", and a domain with a top-level domain of letters; internationalized local parts and domains (Unicode or xn-- labels) included. An address and its password (`ada@example.com:hunter2`, a combo list\'s line) are masked together.',
  set: 'default',
  requires: GATE.AT,
  prefilter: (_text, f) => f.at,
  // An address, then a colon and what follows it to a blank or a quote, or nothing that
  // continues the host. Not after a dot inside a word (`x.jane@...` is one local part), but
  // after dots in a row or a dot after a blank (`more...jane@example.com`, ` .jane@example.com`:
  // the address after them).
  pattern:
    /(?<![\p{L}\p{N}_%+-])(?<!(?<=[\p{L}\p{N}_%+-])\.)[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)*\.(?:\p{L}{2,24}|xn--[a-z0-9-]{1,59})(?::[^\s"'<>]{1,128}(?![^\s"'<>])|(?![\p{L}\p{N}_-]))/gu,
  // Not `git@github.com:owner/repo.git` (an SSH location: user, host, path), nor a file whose
  // name holds an `@` (`logo@2x.png`, `lodash@latest.tgz`): no top-level domain is a file's
  // extension there. An address before a port is masked alone; a URL's authority
  // (`ada@example.com:8080/x`) and a location are left as they are.
  validate: (match) => {
    const colon = match.indexOf(':', match.indexOf('@'))
    if (colon === -1) return isAddress(match)
    return isAddress(match.slice(0, colon)) && afterColon(match) === 'password'
  },
  // A local part refused for its dots (`me...jane@example.com`, `.jane@example.com`): the address
  // after the last of them is read again.
  retryFrom: (match) => {
    const at = match.indexOf('@')
    let from = match.lastIndexOf('..', at)
    if (from !== -1) from += 2
    else if (match.charCodeAt(0) === 46) from = 1
    else return 0
    while (from < at && match.charCodeAt(from) === 46) from++
    return from < at ? from : 0
  },
  trim: (match) => {
    const colon = match.indexOf(':', match.indexOf('@'))
    return colon !== -1 && /^\d{1,5}$/.test(match.slice(colon + 1)) && isAddress(match.slice(0, colon))
      ? colon
      : 0
  },
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
