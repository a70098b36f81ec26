import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { LiteralAutomaton } from './catalogue/automaton.js'
import { DETECTORS } from './detectors/index.js'
import { GATE, mayHoldSecret, stringFeatures } from './features.js'
import type { DetectionContext, Detector } from './types.js'

/** The features of `text` counted the slow, obvious way. */
/** Unicode's default-ignorable code points (DerivedCoreProperties.txt), as ranges. */
const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfff8],
]

/** Whether a character a reader reads otherwise (invisible, compatibility form, a pair that may be either) stands next to an ASCII letter or digit or another such. */
function recastReference(text: string): boolean {
  const candidate = (unit: number, second: number) => {
    if (unit >= 0xd800 && unit <= 0xdbff)
      return (
        [0xd801, 0xd82f, 0xd833, 0xd834, 0xd835, 0xd83c, 0xd83e, 0xdb40, 0xdb41, 0xdb42, 0xdb43].includes(
          unit,
        ) &&
        second >= 0xdc00 &&
        second <= 0xdfff
      )
    if (unit >= 0xdc00 && unit <= 0xdfff) return false
    const ch = String.fromCharCode(unit)
    const normal = ch.normalize('NFKC')
    return (
      INVISIBLE_RANGES.some(([a, b]) => unit >= a && unit <= b) ||
      (unit > 127 &&
        (unit < 0xff00 || unit > 0xffef) &&
        normal !== ch &&
        (/^[ -~]*[A-Za-z0-9][ -~]*$/.test(normal) || /^[@.+\-_:/=]$/.test(normal)))
    )
  }
  const joins = (i: number) =>
    i >= 0 &&
    i < text.length &&
    (/[A-Za-z0-9]/.test(text[i]!) ||
      candidate(text.charCodeAt(i), text.charCodeAt(i + 1)) ||
      (text.charCodeAt(i) >= 0xd800 &&
        text.charCodeAt(i) <= 0xdbff &&
        [0xd801, 0xd82f, 0xd833, 0xd834, 0xd835, 0xd83c, 0xd83e, 0xdb40, 0xdb41, 0xdb42, 0xdb43].includes(
          text.charCodeAt(i),
        )))
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    const pair = unit >= 0xd800 && unit <= 0xdbff
    const isCandidate = pair
      ? [0xd801, 0xd82f, 0xd833, 0xd834, 0xd835, 0xd83c, 0xd83e, 0xdb40, 0xdb41, 0xdb42, 0xdb43].includes(
          unit,
        )
      : candidate(unit, 0)
    const width = pair ? 2 : 1
    const script =
      [0xaa, 0xba, 0xb2, 0xb3, 0xb9].includes(unit) ||
      (unit >= 0x2b0 && unit <= 0x2e3) ||
      (unit >= 0x1d2c && unit <= 0x1dbf) ||
      (unit >= 0x2070 && unit <= 0x209c)
    const compat =
      !pair && isCandidate && script && !INVISIBLE_RANGES.some(([a, b]) => unit >= a && unit <= b)
    const digitOrForm = (k: number) =>
      k >= 0 && k < text.length && (/[0-9]/.test(text[k]!) || (text.charCodeAt(k) > 127 && joins(k)))
    const alnum = (k: number) => k >= 0 && k < text.length && /[A-Za-z0-9]/.test(text[k]!)
    if (
      isCandidate &&
      (compat
        ? digitOrForm(i - 1) || digitOrForm(i + width) || (alnum(i - 1) && alnum(i + width))
        : joins(i - 1) || joins(i + width))
    )
      return true
  }
  return false
}

function expected(text: string) {
  const count = (re: RegExp) => (text.match(re) ?? []).length
  // Digits joined by at most two of ` ()/.-` at a time.
  let digitRun = 0
  for (const run of text.match(/\d(?:[ ()/.-]{0,2}\d)*/g) ?? []) {
    digitRun = Math.max(digitRun, (run.match(/\d/g) ?? []).length)
  }
  const length = text.length
  const digits = count(/\d/g)
  const upper = count(/[A-Z]/g)
  const gates =
    (text.includes('@') ? GATE.AT : 0) |
    (text.includes('$') ? GATE.DOLLAR : 0) |
    (text.includes('_') ? GATE.UNDERSCORE : 0) |
    (count(/\./g) >= 2 ? GATE.DOTS2 : 0) |
    (text.includes(':') ? GATE.COLON : 0) |
    (count(/-/g) >= 5 ? GATE.DASH5 : 0) |
    (digitRun >= 6 ? GATE.RUN6 : 0) |
    (digitRun >= 8 ? GATE.RUN8 : 0) |
    (digits >= 8 ? GATE.DIGITS8 : 0) |
    (length >= 14 ? GATE.LENGTH14 : 0) |
    (length >= 24 ? GATE.LENGTH24 : 0) |
    (length >= 37 ? GATE.LENGTH37 : 0) |
    (upper >= 4 ? GATE.UPPER4 : 0)
  return {
    gates,
    length: text.length,
    digits: count(/\d/g),
    digitRun,
    upper: count(/[A-Z]/g),
    lower: count(/[a-z]/g),
    spaces: count(/ /g),
    dots: count(/\./g),
    dashes: count(/-/g),
    colons: count(/:/g),
    at: text.includes('@'),
    dollar: text.includes('$'),
    underscore: text.includes('_'),
    plus: text.includes('+'),
    assign: /[=>]/.test(text),
    fullwidth: /[\uff01-\uff5e]/.test(text),
    ibanShape: /[A-Za-z]{2}\d{2}/.test(text),
    quotes: count(/"/g),
    escapes: count(/[%\\&]/g),
    // base64's alphabet, `=`, and the coarse classes' `(`, `)`, `>`.
    base64Chars: count(/[A-Za-z0-9+/=_()>-]/g),
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are counted
    controls: count(/[\u0000-\u001f]/g),
    // biome-ignore lint/suspicious/noControlCharactersInRegex: what JSON.stringify escapes
    plainJson: !/["\\\u0000-\u001f\ud800-\udfff]/.test(text),
    // Default-ignorable characters (zero-width, soft hyphen, bidi marks, variation selectors), a
    // compatibility form NFKC turns into ASCII letters or digits (fullwidth forms aside), or a
    // surrogate (a pair may be either).
    recast: recastReference(text),
    // Runs of digits by length; every bit when escapes (read blanked) may hide digits.
    groups: /[%\\&]/.test(text)
      ? -1
      : (text.match(/\d+/g) ?? []).reduce((bits, run) => bits | (1 << Math.min(run.length, 30)), 0),
  }
}

const ALPHABET =
  'aZ9 -./()@$_+:=>"%\\&é\uff21\uff0e\u0000\n\ud83d\ude00\udc00k3Y\u200b\u00ad\u2463\u00b2\u00ba'
const LITERALS = ['ghp_', 'sk_live_', 'password', 'AKIA', 'xox', 'secret', '=', 'key']

const byId = (ids: readonly string[]) => {
  const detectors = DETECTORS.filter((d) => ids.includes(d.id))
  expect(detectors).toHaveLength(ids.length)
  return detectors
}

/** Whether `detector`'s pattern and validator find something in `text`. */
function finds(detector: Detector, text: string, context: DetectionContext): boolean {
  const pattern = new RegExp(detector.pattern.source, detector.pattern.flags)
  return [...text.matchAll(pattern)].some(
    (match) => detector.validate === undefined || detector.validate(match[0], context),
  )
}

/**
 * Checks `detector` on `text`: whatever its prefilter accepts has one of the gate bits it declares,
 * and, for a detector whose prefilter only saves work (`pure`), the prefilter accepts whatever its
 * pattern and validator find. Returns whether the pattern found something.
 */
function checkGates(detector: Detector, text: string, context: DetectionContext, pure: boolean): boolean {
  const features = stringFeatures(text)
  if (detector.prefilter(text, features, context))
    expect(features.gates & detector.requires, `${detector.id}: ${text}`).not.toBe(0)
  if (detector.whole?.(stringFeatures(text)) === true) checkWhole(detector, text)
  if (!pure || !finds(detector, text, context)) return false
  expect(detector.prefilter(text, stringFeatures(text), context), `${detector.id}: ${text}`).toBe(true)
  return true
}

/** Where `detector.whole` holds, its pattern matches `text` once, whole. */
function checkWhole(detector: Detector, text: string): void {
  const pattern = new RegExp(detector.pattern.source, detector.pattern.flags)
  const matches = [...text.matchAll(pattern)].map((match) => [match.index, match[0].length])
  expect(matches, `${detector.id}: ${text}`).toEqual([[0, text.length]])
}

/** Positives and negatives of the gitleaks and secretlint vectors in test/corpus. */
function corpusTexts(): string[] {
  type Vectors = { rules: Record<string, { positives: string[]; negatives: string[] }> }
  const corpus = new URL('../../../../test/corpus/', import.meta.url)
  const files = readdirSync(new URL('gitleaks/', corpus))
    .filter((name) => name.endsWith('.json') && name !== 'exceptions.json')
    .map((name) => new URL(`gitleaks/${name}`, corpus))
  files.push(new URL('secretlint/vectors.json', corpus))
  return files.flatMap((file) =>
    Object.values((JSON.parse(readFileSync(file, 'utf8')) as Vectors).rules).flatMap((rule) => [
      ...rule.positives,
      ...rule.negatives,
    ]),
  )
}

describe('stringFeatures', () => {
  it('counts what every prefilter reads, alone and while it steps the literal automaton', () => {
    const automaton = new LiteralAutomaton(LITERALS)
    const random = seededRandom(16)
    const samples = [
      '',
      'GB82 WEST 1234 5698 7654 32',
      '+44 7700 900123',
      '4111-1111-1111-1111',
      'Prefers delivery after 6pm; gate code is 4471.',
      'x="a%20b\\nc&amp;"',
      // IBAN starts: two capitals and two digits, read back from the second digit.
      'GB82',
      'xGB82y',
      'GB8',
      'G8B2',
      'AB1 2CD',
      'ab12 AB12',
      'A1B22',
      'ＧＢ８２',
      'Ä GB 82 GB82',
    ]
    for (let i = 0; i < 500; i++) {
      let text = ''
      const length = Math.floor(random() * 60)
      for (let c = 0; c < length; c++) text += ALPHABET[Math.floor(random() * ALPHABET.length)]
      samples.push(text)
    }
    for (const text of samples) {
      const want = expected(text)
      expect({ ...stringFeatures(text) }, JSON.stringify(text)).toEqual(want)
      const hits: number[] = []
      expect({ ...stringFeatures(text, automaton, hits) }, JSON.stringify(text)).toEqual(want)
      const scanned: number[] = []
      automaton.scan(text, scanned)
      expect(hits).toEqual(scanned)
    }
  })

  it('reads long strings (copied a chunk at a time) as it reads short ones', () => {
    // Past 96 characters the pass reads a copy of the code units, 16,384 at a time: literals, digit
    // runs and IBAN starts across a chunk's edge, lone surrogates and fullwidth forms in the copy.
    const automaton = new LiteralAutomaton(LITERALS)
    const random = seededRandom(61)
    const edge = 16_384
    const around = (at: number, piece: string) => 'x'.repeat(at - 2) + piece + 'y'.repeat(120)
    const samples = [
      'a'.repeat(95),
      'a'.repeat(96),
      `${'word '.repeat(40)}password=ghp_x`,
      around(edge, 'password'),
      around(edge, 'GB82 1234'),
      around(edge - 1, 'GB82'),
      around(edge, '12345678'),
      around(edge, '\ud83d\ude00\udc00\uff21'),
      around(2 * edge, 'sk_live_'),
      `${'\ud800'.repeat(edge + 3)}AKIA`,
    ]
    for (let i = 0; i < 40; i++) {
      let text = ''
      const length = 90 + Math.floor(random() * 3 * edge)
      for (let c = 0; c < length; c++) text += ALPHABET[Math.floor(random() * ALPHABET.length)]
      samples.push(text)
    }
    for (const text of samples) {
      const label = `${text.length} characters: ${JSON.stringify(text.slice(0, 40))}`
      const want = expected(text)
      expect({ ...stringFeatures(text) }, label).toEqual(want)
      const hits: number[] = []
      expect({ ...stringFeatures(text, automaton, hits) }, label).toEqual(want)
      const scanned: number[] = []
      automaton.scan(text, scanned)
      expect(hits, label).toEqual(scanned)
      expect(automaton.stoppedAt, label).toBe(text.length)
    }
  })

  it('stops at the limit in a long string too, where the scanner then goes on', () => {
    const automaton = new LiteralAutomaton(['a=', '='])
    const text = `${'b'.repeat(16_380)}${'a=b '.repeat(10)}GB82 1234 5678`
    const hits: number[] = []
    expect({ ...stringFeatures(text, automaton, hits, 3) }).toEqual(expected(text))
    expect(hits).toEqual([0, 16_380, 1, 16_381, 0, 16_384, 1, 16_385])
    expect(automaton.stoppedAt).toBe(16_386)
    const rest: number[] = []
    automaton.scan(text, rest, Number.POSITIVE_INFINITY, automaton.stoppedAt)
    expect(rest.length / 2).toBe(16)
  })

  it('stops collecting hits at the limit, records where, and still reads the whole string', () => {
    const automaton = new LiteralAutomaton(['a=', '='])
    const text = `${'a=b '.repeat(10)}GB82 1234 5678`
    const hits: number[] = []
    const features = { ...stringFeatures(text, automaton, hits, 3) }
    expect(features).toEqual(expected(text))
    // "a=" then "=" end on the same character: both are reported before the limit is checked.
    expect(hits).toEqual([0, 0, 1, 1, 0, 4, 1, 5])
    expect(automaton.stoppedAt).toBe(6)
    // The scanner goes on from there and finds the rest.
    const rest: number[] = []
    automaton.scan(text, rest, Number.POSITIVE_INFINITY, automaton.stoppedAt)
    expect(rest.length / 2).toBe(16)
  })

  it('lets words, names and cities skip every detector', () => {
    for (const text of ['Graz', 'Ada Dijkstra', 'customer', 'Herrengasse 84']) {
      expect(mayHoldSecret(stringFeatures(text))).toBe(false)
    }
  })

  it('never lets a prefilter turn away a string its detector would find something in', () => {
    // Digit groups, separators and letters, in the shapes of phones, cards, national ids and dates.
    const random = seededRandom(29)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
    const parts = [' ', '-', '.', '', '(', ')', '+', '/', 'AB', 'ce', 'QQ', ' C', 'x', '@', ':']
    const keys = [null, 'note', 'nhsNumber', 'itin', 'routingNumber', 'ssn']
    // Detectors whose prefilter only saves work (others, such as us-ssn-bare, also require a
    // member name or a mention: their prefilter decides).
    const pure = new Set(
      byId([
        'card',
        'phone',
        'us-ssn',
        'us-itin',
        'uk-nino',
        'uk-nhs',
        'iban',
        'email',
        'mac-address',
        'ip-address',
        'crypto-wallet',
      ]),
    )
    const found = new Map<string, number>()
    const SHAPES = [
      'DDD-DD-DDDD',
      'DDD DD DDDD',
      '9DD-7D-DDDD',
      '9DD 8D DDDD',
      'LL DD DD DD A',
      'LLDDDDDDB',
      'DDD DDD DDDD',
      'DDDDDDDDDD',
      '+DD DDDD DDDDDD',
      '(DDD) DDD-DDDD',
      '4DDD DDDD DDDD DDDD',
      '4DDDDDDDDDDDDDDD',
      '5DDD-DDDD-DDDD-DDDD',
    ]
    for (let i = 0; i < 40_000; i++) {
      let text = pick(['', 'x ', 'no: ', '#'])
      for (const c of pick(SHAPES)) {
        text += c === 'D' ? Math.floor(random() * 10) : c === 'L' ? pick(['A', 'C', 'j', 'P', 'T', 'w']) : c
      }
      text += pick(parts)
      const context = { key: pick(keys) }
      for (const detector of DETECTORS) {
        if (checkGates(detector, text, context, pure.has(detector)))
          found.set(detector.id, (found.get(detector.id) ?? 0) + 1)
      }
    }
    for (const id of ['card', 'phone', 'us-ssn', 'us-itin', 'uk-nino', 'uk-nhs'])
      expect(found.get(id), id).toBeGreaterThan(5)
  })

  it('skips a pattern only where it could match nothing but the whole string (Detector.whole)', () => {
    const random = seededRandom(41)
    const wholes = DETECTORS.filter((detector) => detector.whole !== undefined)
    expect(wholes.map((detector) => detector.id)).toContain('card')
    let checked = 0
    for (let i = 0; i < 20_000; i++) {
      const length = 1 + Math.floor(random() * 26)
      let text = ''
      for (let c = 0; c < length; c++)
        text += random() < 0.97 ? String(Math.floor(random() * 10)) : ' -.+xA'[Math.floor(random() * 6)]
      for (const detector of wholes) {
        if (detector.whole!(stringFeatures(text))) {
          checkWhole(detector, text)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })

  it('records the lengths of digit runs, and every length where escapes may hide digits', () => {
    expect(stringFeatures('123-45-6789 and 4471').groups).toBe((1 << 3) | (1 << 2) | (1 << 4))
    expect(stringFeatures(`${'9'.repeat(40)}x`).groups).toBe(1 << 30)
    expect(stringFeatures('123%2045%206789').groups).toBe(-1)
    expect(stringFeatures('no digits').groups).toBe(0)
  })

  it('gives each detector a gate its prefilter never contradicts, on the gitleaks and secretlint vectors', () => {
    const texts = corpusTexts()
    expect(texts.length).toBeGreaterThan(300)
    // Token detectors whose prefilter only saves work: it accepts whatever the pattern and the
    // validator would find.
    const pure = new Set(
      byId([
        'private-key',
        'jwt',
        'github-token',
        'slack-token',
        'stripe-key',
        'google-api-key',
        'npm-token',
        'password-hash',
      ]),
    )
    const keys = [
      null,
      'note',
      'password',
      'aws_secret_access_key',
      'nhsNumber',
      'itin',
      'ssn',
      'routingNumber',
    ]
    let found = 0
    for (const text of texts) {
      for (const key of keys) {
        for (const detector of DETECTORS)
          if (checkGates(detector, text, { key }, key === null && pure.has(detector))) found++
      }
    }
    expect(found).toBeGreaterThan(20)
  })
})

describe('classes of characters past ASCII', () => {
  it('reads every BMP character into the class its features count', () => {
    // The table of classes is built from a few blocks: every character outside them must read
    // as no class (a letter of another script), inside them as folded, invisible or compatible.
    for (let code = 0x80; code < 0x10000; code++) {
      const features = { ...stringFeatures(`a${String.fromCharCode(code)}a`) }
      const surrogate = code >= 0xd800 && code <= 0xdfff
      const ch = String.fromCharCode(code)
      const normal = ch.normalize('NFKC')
      const compat =
        code < 0xff00 &&
        normal !== ch &&
        (/^[ -~]*[A-Za-z0-9][ -~]*$/.test(normal) || /^[@.+\-_:/=]$/.test(normal))
      const invisible = INVISIBLE_RANGES.some(([a, b]) => code >= a && code <= b)
      const lead = [
        0xd801, 0xd82f, 0xd833, 0xd834, 0xd835, 0xd83c, 0xd83e, 0xdb40, 0xdb41, 0xdb42, 0xdb43,
      ].includes(code)
      // A combining mark on an ASCII letter or digit (`a\u0332`) is read otherwise too.
      const mark =
        (code >= 0x300 && code <= 0x36f) ||
        (code >= 0x1ab0 && code <= 0x1aff) ||
        (code >= 0x1dc0 && code <= 0x1dff) ||
        (code >= 0x20d0 && code <= 0x20ff) ||
        (code >= 0xfe20 && code <= 0xfe2f)
      expect(features.recast, code.toString(16)).toBe((surrogate && lead) || compat || invisible || mark)
    }
  })
})
