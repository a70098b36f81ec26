import { GATE } from '../features.js'
import type { Detector } from '../types.js'

/** File extensions that are no top-level domain (`.zip`, `.mov` and `.md` are, and stay emails). */
const FILE_EXTENSIONS = new Set(
  'png jpg jpeg gif svg webp avif bmp tif tiff ico tgz gz bz2 xz 7z rar js mjs cjs ts tsx jsx css scss less map json yml yaml xml txt csv pdf doc docx xls xlsx ppt pptx mp3 mp4 wav webm woff woff2 ttf otf eot lock log wasm htm html'.split(
    ' ',
  ),
)

/**
 * Whether an address is a file's name: a host of one label and a file's extension for a top-level
 * domain (`logo@2x.png`). An address written into a file's name (`jane.doe@example.com.pdf`) still
 * has a host of its own before the extension, and stays an email.
 */
function endsWithFileExtension(match: string): boolean {
  const dot = match.lastIndexOf('.')
  const length = match.length - dot - 1
  if (length < 2 || length > 5 || !FILE_EXTENSIONS.has(match.slice(dot + 1).toLowerCase())) return false
  return match.lastIndexOf('.', dot - 1) < match.indexOf('@')
}

export const email: Detector = {
  id: 'email',
  description:
    'Email addresses: a local part, "@", and a domain with a top-level domain of letters; internationalized local parts and domains (Unicode or xn-- labels) included.',
  set: 'default',
  requires: GATE.AT,
  prefilter: (_text, f) => f.at,
  pattern:
    /(?<![\p{L}\p{N}_.%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)*\.(?:\p{L}{2,24}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}_-]|:[\p{L}\p{N}_~/])/gu,
  // Not `git@github.com:owner/repo.git` (an SSH location: user, host, path), nor a file whose
  // name holds an `@` (`logo@2x.png`, `lodash@latest.tgz`): no top-level domain is a file's
  // extension there.
  validate: (match) => !match.startsWith('.') && !match.includes('..') && !endsWithFileExtension(match),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
