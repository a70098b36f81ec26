import { keyWords } from '../keys.js'

/*
 * Member names that say their values are phone numbers (`phone`, `mobileNumber`, `tel_no`,
 * `Telefonnummer`): read by the `phone` detector (phone.ts) and by the engine, which reads a whole
 * value, a JSON number and a list's elements under such a name as a phone number.
 */

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
