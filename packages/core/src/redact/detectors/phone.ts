import { GATE } from '../features.js'
import { keyWords } from '../keys.js'
import type { DetectionContext, Detector } from '../types.js'

const DATE = /^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}$|^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4}$/
/** Group lengths of dotted phone numbers: North America's 3.3.4 (and 1.3.3.4), France's 2.2.2.2.2. */
const DOTTED_PHONE = new Set(['3.3.4', '1.3.3.4', '2.2.2.2.2'])
const DATE_HOUR = /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}$/

/** Whether the first and the last blank-separated parts of a match both hold a dot. */
function decimalsSideBySide(match: string): boolean {
  const first = match.search(/[ \t]/)
  if (first === -1) return false
  const last = Math.max(match.lastIndexOf(' '), match.lastIndexOf('\t'))
  return match.slice(0, first).includes('.') && match.slice(last + 1).includes('.')
}

/**
 * How a member name ends when it names a phone number (compared on its words written together,
 * lower case, accents folded, numbers after it dropped: `phone_number_2`, `telefonNummer`,
 * `teléfono`): its values are phone numbers, JSON numbers included.
 */
const PHONE_ENDINGS = [
  'phone',
  'phones',
  'phonenumber',
  'phonenumbers',
  'phoneno',
  'phonenos',
  'phonenum',
  'phonenr',
  'fax',
  'faxes',
  'faxnumber',
  'faxno',
  'msisdn',
  'msisdns',
  'mobilenumber',
  'mobilenumbers',
  'mobileno',
  'mobilenum',
  'mobilenr',
  'cellnumber',
  'cellnumbers',
  'whatsapp',
  'whatsappnumber',
  'telefon',
  'telefone',
  'telefones',
  'telefonnummer',
  'telefonnr',
  'handynummer',
  'handynr',
  'telefono',
  'telefonos',
  'celular',
  'celulares',
  'landline',
  'landlines',
]
const PLURAL_ENDINGS = new Set([
  'phones',
  'phonenumbers',
  'phonenos',
  'faxes',
  'msisdns',
  'mobilenumbers',
  'cellnumbers',
  'telefones',
  'telefonos',
  'celulares',
])
/** Names that end like a phone's but name a device or an instrument (`iPhone`, `headphones`). */
const NOT_PHONE_ENDINGS = [
  'iphone',
  'iphones',
  'headphone',
  'headphones',
  'earphone',
  'earphones',
  'smartphone',
  'smartphones',
  'microphone',
  'microphones',
  'speakerphone',
  'speakerphones',
  'saxophone',
  'saxophones',
  'xylophone',
  'xylophones',
  'megaphone',
  'megaphones',
  'gramophone',
  'gramophones',
  'francophone',
  'francophones',
  'anglophone',
  'anglophones',
  'carfax',
]
/** Words after a phone's that say which of a person's phones it is (`phone_home`, `phoneWork`). */
const PHONE_QUALIFIERS = new Set([
  'home',
  'work',
  'office',
  'mobile',
  'cell',
  'main',
  'primary',
  'secondary',
  'alt',
  'alternate',
  'alternative',
  'other',
  'personal',
  'business',
  'private',
  'direct',
  'day',
  'evening',
  'night',
  'emergency',
])
/** Words before a phone's that make it a channel, not a number (`salesByPhone`, `ordersViaPhone`). */
const CHANNEL_WORDS = new Set(['by', 'per', 'via', 'over'])
/** `tel` and its numbers, as the name's last word or two (`tel`, `tel_no`, `telNr`), never glued (`hotel`). */
const TEL_NAMES = new Set(['tel', 'tels', 'telno', 'telnr', 'telnum', 'telnumber'])
/**
 * Names whose strings are phone numbers but whose JSON numbers may be counts or record numbers
 * (`mobile: 12034567` visits by device, `contactNo: 10004567`): the last word `mobile` or `handy`,
 * or a contact's, a text message's or a callback's number.
 */
const STRING_ONLY_WORDS = new Set(['mobile', 'mobiles', 'handy', 'movil', 'moviles', 'cellular', 'pager'])
const STRING_ONLY_ENDINGS = [
  'contactnumber',
  'contactno',
  'contactnum',
  'smsnumber',
  'smsno',
  'callbacknumber',
  'cellno',
  'cellnr',
]

/** Longest name read for a phone's: longer ones name something else, and are not read (nor kept). */
const MAX_PHONE_NAME = 64

const namedPhone = new Map<string, number>()

/**
 * What a member name says of its values: 2 when they are phone numbers (`phone`, `mobilePhone`,
 * `phoneNumber2`, `tel_no`, `fax`, `msisdn`, `telefonNummer`, `whatsApp`), 3 for a plural's
 * (`phones`: the strings and the list's numbers are, its own number is a count), 1 when its
 * strings are and its numbers may be counts (`mobile`, `contactNo`), 0 otherwise
 * (`phoneVerified`, `phoneId`, `cell`, `iPhone`, `hotel`).
 */
function phoneName(key: string): number {
  if (key.length > MAX_PHONE_NAME) return 0
  let named = namedPhone.get(key)
  if (named === undefined) {
    named = readPhoneName(key)
    if (namedPhone.size < 4096) namedPhone.set(key, named)
  }
  return named
}

function readPhoneName(key: string): number {
  // A format named after the number (`mobile_e164`) names the same number.
  const words = keyWords(key.normalize('NFKD').replace(/\p{M}/gu, ''))
    .map((word) => (word === 'e164' ? '' : withoutNumber(word)))
    .filter((word) => word !== '')
  // A Salesforce custom field (`MobilePhone__c`) is named by what stands before its suffix.
  if (words.length > 1 && words[words.length - 1] === 'c' && /__c$/i.test(key)) words.pop()
  // Which of a person's phones (`phone_home`, `phoneWork`): the phone's name before it.
  if (words.length > 1 && PHONE_QUALIFIERS.has(words[words.length - 1]!)) {
    const before = phoneName(words.slice(0, -1).join('_'))
    if (before !== 0) return 2
  }
  const last = words[words.length - 1]
  if (last === undefined) return 0
  const compact = words.join('')
  if (NOT_PHONE_ENDINGS.some((ending) => compact.endsWith(ending))) return 0
  // A channel (`salesByPhone`, `orders_via_phone`): what came in by phone is counted, not dialled.
  if (words.length > 1 && CHANNEL_WORDS.has(words[words.length - 2]!)) return 0
  // A plural's own number is a count (`shipped: { phones: 10500000 }`), its list's are phone numbers.
  const ending = PHONE_ENDINGS.find((ending) => compact.endsWith(ending))
  if (ending !== undefined) return PLURAL_ENDINGS.has(ending) ? 3 : 2
  const lastTwo = words.length >= 2 ? words[words.length - 2]! + last : last
  if (last === 'tels') return 3
  if (TEL_NAMES.has(last) || TEL_NAMES.has(lastTwo)) return 2
  if (STRING_ONLY_WORDS.has(last) || STRING_ONLY_ENDINGS.some((ending) => compact.endsWith(ending))) return 1
  return 0
}

/** A word without the number after it (`phone2`), read back from its end (no regex: names are read as they come). */
function withoutNumber(word: string): string {
  let end = word.length
  while (end > 0 && word.charCodeAt(end - 1) >= 48 && word.charCodeAt(end - 1) <= 57) end--
  return end === word.length ? word : word.slice(0, end)
}

/** Whether a member name says its string values are phone numbers (see {@link phoneName}). */
export function namesPhone(key: string | null): boolean {
  return key !== null && phoneName(key) !== 0
}

/**
 * Whether a member name says its JSON numbers are phone numbers too (see {@link phoneName}): its
 * own (`tel: 4155552671`), or, with `inList`, those of a list under it (`phones: [4155552671]`).
 */
export function namesPhoneNumber(key: string | null, inList = false): boolean {
  if (key === null) return false
  const named = phoneName(key)
  return named === 2 || (named === 3 && inList)
}

/**
 * A whole value written as a phone number is: digits, blanks, `+`, `-`, `.`, `/` and brackets
 * only, from a digit, `+` or `(` to a digit, 8 to 15 digits, not a date, and dotted only in the
 * layouts phones are written in (`+91-9876543210`, `(415) 5552671`, `+7(916)1234567`,
 * `415/555/2671`). Read under a phone's name, where the detector's pattern would take only its
 * last groups.
 */
export function isPhoneValue(text: string): boolean {
  const length = text.length
  if (length < 8 || length > 40) return false
  const lead = text.charCodeAt(0)
  const tail = text.charCodeAt(length - 1)
  if (!((lead >= 48 && lead <= 57) || lead === 43 || lead === 40) || tail < 48 || tail > 57) return false
  let digits = 0
  let dots = 0
  let onlyDots = true
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) digits++
    else if (c === 46) dots++
    else if (c === 32 || c === 45 || c === 47 || c === 40 || c === 41 || (c === 43 && i === 0))
      onlyDots = false
    else return false
  }
  if (digits < 8 || digits > 15) return false
  // A date (and hour) has 8 to 10 digits and starts with one.
  if (digits <= 10 && length <= 13 && lead !== 43 && lead !== 40 && (DATE.test(text) || DATE_HOUR.test(text)))
    return false
  return dots === 0 || !onlyDots || dottedPhone(text)
}

/** Whether digits split by dots alone are in a phone's layout (not a version, an address or a decimal). */
function dottedPhone(match: string): boolean {
  return DOTTED_PHONE.has(
    match
      .split('.')
      .map((group) => group.length)
      .join('.'),
  )
}

/** Digits in `match`, and whether it holds nothing but digits and dots. */
let digitsAndDots = true
function countDigits(match: string): number {
  let digits = 0
  digitsAndDots = true
  for (let i = 0; i < match.length; i++) {
    const code = match.charCodeAt(i)
    if (code >= 48 && code <= 57) digits++
    else if (code !== 46) digitsAndDots = false
  }
  return digits
}

export const phone: Detector = {
  id: 'phone',
  description:
    'Phone numbers: E.164 (+ and 8-15 digits, grouped or not) or national formats of 10-11 digits in groups (split by a space, two spaces, a tab, a dot or a dash); a bare run of digits only under a member named for a phone (`phone`, `mobileNumber`, `tel`: 8-15 digits, grouped or not).',
  set: 'default',
  requires: GATE.RUN8,
  // Without a +, digits in groups: at least one space, dot or dash between them; under a phone's
  // name, any digits.
  prefilter: (_text, f, context) =>
    f.digitRun >= 8 &&
    (f.plus || (f.digitRun >= 10 && f.spaces + f.dots + f.dashes > 0) || namesPhone(context.key)),
  // E.164 unbroken; a national or international number in groups; a bare run (its member's name decides).
  pattern:
    /(?<![\w+.-])(?:\+\d{7,15}|(?:\+\d{1,3}(?:[ \t.-]| {2})?)?(?:\(\d{1,4}\)(?:[ \t.-]| {2})?)?\d{1,6}(?:(?:[ \t.-]| {2})\d{1,8}){1,5}|\d{8,15})(?![\w-]|\.\d)/g,
  validate(match, context?: DetectionContext) {
    const digits = countDigits(match)
    if (match.charCodeAt(0) === 43) return digits >= 8 && digits <= 15 // +
    // Under a phone's name (`{"phone": "07700900123"}`), 8 to 15 digits in any grouping but a
    // date's, dotted only in a phone's layout (not an address, a version or a decimal).
    if (context !== undefined && namesPhone(context.key))
      return (
        digits >= 8 &&
        digits <= 15 &&
        !DATE.test(match) &&
        !DATE_HOUR.test(match) &&
        (!digitsAndDots || !match.includes('.') || dottedPhone(match))
      )
    // National formats: 10 or 11 digits in groups, neither a dotted number nor a date.
    if (digits < 10 || digits > 11) return false
    // Dotted numbers are versions, addresses and decimals, but in the layouts phones are written
    // in: 415.555.2671, 1.415.555.2671 (North America), 01.23.45.67.89 (France); a bare run of
    // digits (no group) is none of them.
    // Numbers with a dot on each side of a space are decimals side by side (`EUR/USD 1.0850
    // 1.0852`, coordinates `48.8584 2.2945`: a red-team pass), not one number; `1 415.555.2671`
    // and `(415) 555.2671` are phones.
    if (!digitsAndDots && decimalsSideBySide(match)) return false
    if (digitsAndDots) return dottedPhone(match)
    return !DATE.test(match) && !DATE_HOUR.test(match)
  },
  mask: { operator: 'partial', keepStart: 0, keepEnd: 2 },
  confidence: 'medium',
}
