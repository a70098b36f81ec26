import { describe, fail, objectOption } from '../lib/validate.js'

const wordCache = new Map<string, readonly string[]>()
const MAX_CACHED_KEYS = 4096
/** Longer names are judged every time: a cache of attacker-sized keys would hold their text. */
const MAX_CACHED_KEY_LENGTH = 256

/**
 * What a rule answered for names it read: up to {@link MAX_CACHED_KEYS} names of up to
 * {@link MAX_CACHED_KEY_LENGTH} characters (then it starts again); of longer names, the last
 * {@link LONG_NAMES}. Holding attacker-sized names would keep their text, but a long name is read
 * once per member of what it holds (an array of a thousand elements under it, its members' names
 * read in turn with it, holders up to four levels up), and each reading costs its length.
 */
const LONG_NAMES = 8
class NameCache {
  private readonly names = new Map<string, boolean>()
  /** The last {@link LONG_NAMES} long names and their answers, written in turn. */
  private readonly longNames: (string | null)[] = new Array(LONG_NAMES).fill(null)
  private readonly longAnswers: boolean[] = new Array(LONG_NAMES).fill(false)
  private nextLong = 0

  get(key: string): boolean | undefined {
    if (key.length > MAX_CACHED_KEY_LENGTH) {
      for (let i = 0; i < LONG_NAMES; i++) if (this.longNames[i] === key) return this.longAnswers[i]
      return undefined
    }
    return this.names.get(key)
  }

  set(key: string, answer: boolean): void {
    if (key.length > MAX_CACHED_KEY_LENGTH) {
      this.longNames[this.nextLong] = key
      this.longAnswers[this.nextLong] = answer
      this.nextLong = (this.nextLong + 1) % LONG_NAMES
      return
    }
    // Full, the map starts again: the names a service reads often come back at once, and one body
    // of new names cannot keep them out for the life of the process.
    if (this.names.size >= MAX_CACHED_KEYS) this.names.clear()
    this.names.set(key, answer)
  }
}

/** A member name as lower-case words: `userPassword`, `user_password`, `USER-PASSWORD` -> user, password. */
export function keyWords(key: string): readonly string[] {
  const cached = wordCache.get(key)
  if (cached !== undefined) return cached
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
  if (wordCache.size < MAX_CACHED_KEYS) wordCache.set(key, words)
  return words
}

/*
 * Word lists. Every entry is in the form names are compared in: lower case, accents folded, words
 * of a phrase written together (`mot de passe` -> `motdepasse`, matched in `mot_de_passe`,
 * `motDePasse` and `motdepasse` alike).
 */

/** Words in one language, by where in a member name they make it sensitive. */
interface WordList {
  /** Sensitive as a whole word, or as a run of words (`pass_word`), wherever it stands. */
  readonly words?: readonly string[]
  /** As `words`, and also glued inside a longer word (`userpassword`): no ordinary word contains them. */
  readonly compounds?: readonly string[]
  /** As `words`, and also glued at the end of a longer word (`clientsecret`), never at its start (`secretary`). */
  readonly endings?: readonly string[]
  /** Sensitive only where the name ends (`userApiKey`, not `apiKeyId`), also glued there (`usercardnumber`). */
  readonly last?: readonly string[]
  /** As `last`, but whole words only: `pass` ends `compass`, `auth` ends `oauth`. */
  readonly lastWords?: readonly string[]
  /**
   * Words that, after a leading `token` or `jeton`, name a token in noun-first languages
   * (`token_de_acceso`, `jetonAcces`): English puts them first (`accessToken`).
   */
  readonly tokenOf?: readonly string[]
}

/**
 * English, which always applies: identifiers are written in English whatever the team's language.
 * The abbreviations are the ones red teams and config files use: `pw`/`pwd`/`passwd`/`pass`
 * (nodemailer's `auth.pass`), `cred(s)`, `otp`/`totp`/`hotp`, `pat` (personal access token),
 * `sid` (session id: `connect.sid`), `auth` (`basicAuth`, docker's `auths`).
 */
const ENGLISH: WordList = {
  compounds: [
    'password',
    // The common typo: no ordinary word holds it.
    'pasword',
    'passwd',
    'passphrase',
    'passcode',
    'credential',
    'apikey',
    'privatekey',
    'privkey',
    'secretkey',
    'accesskey',
    'clientsecret',
    'socialsecurity',
  ],
  endings: [
    'secret',
    'cookie',
    'creds',
    'pw',
    'pwd',
    'pswd',
    'passport',
    'sessionid',
    'sessid',
    'mnemonic',
    'pincode',
  ],
  // `mfa` alone names a setting (`mfa: { enabled }`); its codes are caught as `mfacode` below.
  words: [
    'psw',
    'pword',
    // A data or key encryption key (envelope encryption), a SAML response (bearer assertions).
    'dek',
    'kek',
    'samlresponse',
    'passwrd',
    // Typos and short forms of password a red-team pass used, a pre-shared key (WPA, IPsec).
    'paswd',
    'passw',
    'pwrd',
    'upass',
    'psk',
    'authorization',
    'ssn',
    'cvv',
    'cvc',
    // A card's verification number, as some processors name it.
    'cvn',
    'pin',
    'otp',
    'totp',
    'hotp',
    'iban',
  ],
  last: [
    'token',
    'jwt',
    'signingkey',
    'encryptionkey',
    'decryptionkey',
    'masterkey',
    'sessionkey',
    'hmackey',
    'recoverykey',
    'licensekey',
    'accountkey',
    'sharedkey',
    'aeskey',
    'appkey',
    'creditcard',
    'cardnumber',
    'accountnumber',
    'routingnumber',
    'insurancenumber',
    'securitycode',
    'verificationvalue',
    'securityanswer',
    'setcookie',
    'authcode',
    'authorizationcode',
    'mfacode',
    'otpcode',
    'verificationcode',
    'recoverycode',
    'backupcode',
    'factorcode',
    'seedphrase',
    'walletseed',
    'recoveryphrase',
    'connectionstring',
    // Personal data that identifies or verifies a person: a birth date, a national id.
    'dateofbirth',
    'birthdate',
    'nationalid',
    'nationalidnumber',
    // A driver's license number identifies a person; a mother's maiden name is a security answer.
    'driverlicense',
    'driverslicense',
    'driverlicensenumber',
    'driverslicensenumber',
    'maidenname',
  ],
  // `taxid` would end `syntaxId`, `passhash` would end `bypassHash`; `cred` starts WebAuthn's
  // `pubKeyCredParams` and `credProps`.
  // `dsn` names a data source name with its credentials (Sentry's key, a database's password),
  // `dob` a birth date.
  lastWords: ['bearer', 'auth', 'pass', 'pat', 'sid', 'cred', 'taxid', 'passhash', 'dsn', 'dob'],
}

/**
 * Built-in word lists beside English. Password, secret and PIN words are the ones these languages'
 * UIs use; "key" alone (`Schlüssel`, `clé`, `llave`, `chiave`, `chave`, `sleutel`) is left out, as
 * English `key` is (`{ chiave: 'colore', valore: 'rosso' }` is a map entry), and only named
 * with a secret qualifier (`chiave_privata`). National numbers are named after each country's
 * registry (see the notes).
 */
const LOCALE_WORDS = {
  de: {
    // Passwort/Kennwort (password), Zugangsdaten/Anmeldedaten (login credentials), Geheimzahl (PIN),
    // Steuer-ID (tax id, §139b AO), Kartenprüfnummer (card security code).
    compounds: [
      'passwort',
      'kennwort',
      'zugangsdaten',
      'anmeldedaten',
      'geheimzahl',
      'sozialversicherungsnummer',
      'steueridentifikationsnummer',
      'kreditkartennummer',
      'kartenpruefnummer',
      'kartenprufnummer',
      'personalausweisnummer',
      'reisepassnummer',
    ],
    endings: ['geheimnis', 'geheim', 'kontonummer', 'ausweisnummer', 'zugangscode'],
    words: [
      'passworter',
      'passwoerter',
      'kennworter',
      'kennwoerter',
      'geheimnisse',
      'steuernummer',
      'reisepass',
      'privaterschlussel',
      'privaterschluessel',
      'privatschlussel',
      'privatschluessel',
      'geheimerschlussel',
      'geheimerschluessel',
      'geheimschlussel',
      'geheimschluessel',
      'apischlussel',
      'apischluessel',
      'zugangsschlussel',
      'zugangsschluessel',
    ],
    last: ['steuerid', 'kreditkarte', 'kartennummer', 'sicherheitscode'],
  },
  es: {
    // Clave is the usual word for a password or PIN in Spanish forms ("clave de acceso"). DNI/NIE
    // (Spain's national and foreigner ids), NIF (tax id), NSS (número de seguridad social, Spain and
    // Mexico), CURP (Mexico), RUT (Chile), CUIT/CUIL (Argentina).
    compounds: ['contrasena', 'numerodeseguridadsocial'],
    words: [
      'clave',
      'claveprivada',
      'clavesecreta',
      'claveapi',
      'clavedeacceso',
      'llaveprivada',
      'llavesecreta',
      'secreto',
      'pasaporte',
      'credenciales',
      'dni',
      'nie',
      'nif',
      'nss',
      'curp',
      'rut',
      'cuit',
      'cuil',
    ],
    last: ['numerodetarjeta', 'numerotarjeta', 'tarjetadecredito', 'codigodeseguridad'],
    tokenOf: ['acceso', 'actualizacion', 'refresco', 'sesion', 'usuario', 'autenticacion'],
  },
  fr: {
    // mdp is the usual short form of mot de passe. NIR (numéro d'inscription au répertoire, the
    // "numéro de sécu"), RIB (relevé d'identité bancaire), cryptogramme (the card's CVV).
    compounds: ['motdepasse', 'motsdepasse', 'numerodesecuritesociale'],
    words: [
      'mdp',
      'jeton',
      'codeconfidentiel',
      'cryptogramme',
      'cleprivee',
      'clesecrete',
      'cleapi',
      'cledapi',
      'cledacces',
      'securitesociale',
      'numerosecu',
      'passeport',
      'nir',
      'rib',
    ],
    last: ['numerodecarte', 'numerocarte', 'cartebancaire', 'cartedecredit'],
    tokenOf: ['acces', 'rafraichissement', 'session', 'utilisateur', 'authentification'],
  },
  it: {
    // Italian says "password"; parola d'ordine is the older word. Codice fiscale (tax code),
    // tessera sanitaria (health card).
    compounds: ['paroladordine', 'codicefiscale'],
    words: [
      'paroladaccesso',
      'segreto',
      'segreti',
      'chiaveprivata',
      'chiavesegreta',
      'chiaveapi',
      'chiavediaccesso',
      'codicesegreto',
      'credenziali',
      'passaporto',
      'tesserasanitaria',
    ],
    last: ['numerodicarta', 'numerocarta', 'cartadicredito', 'codicedisicurezza'],
    tokenOf: ['accesso', 'aggiornamento', 'sessione', 'utente', 'autenticazione'],
  },
  nl: {
    // BSN/burgerservicenummer (citizen service number), sofinummer (its name before 2007),
    // inloggegevens (login credentials).
    compounds: ['wachtwoord', 'burgerservicenummer', 'creditcardnummer', 'inloggegevens'],
    endings: ['geheim', 'toegangscode'],
    words: [
      'wachtwoorden',
      'geheimen',
      'geheimesleutel',
      'privesleutel',
      'privatesleutel',
      'apisleutel',
      'toegangssleutel',
      'paspoort',
      'bsn',
      'sofinummer',
    ],
    last: ['rekeningnummer', 'kaartnummer', 'beveiligingscode'],
  },
  pt: {
    // Senha (password) only as a whole word: it ends "resenha" (review). CPF (Brazil's taxpayer
    // registry), NIF (Portugal's tax id), NISS (Portugal's social security number).
    // Palavra-passe is Portugal's word for a password.
    compounds: ['palavrapasse'],
    words: [
      'senha',
      'segredo',
      'chaveprivada',
      'chavesecreta',
      'chaveapi',
      'chavedeacesso',
      'credenciais',
      'passaporte',
      'numerodesegurancasocial',
      'cpf',
      'nif',
      'niss',
    ],
    last: ['numerodocartao', 'numerodecartao', 'numerocartao', 'cartaodecredito', 'codigodeseguranca'],
    tokenOf: ['acesso', 'atualizacao', 'sessao', 'usuario', 'utilizador', 'autenticacao'],
  },
} satisfies Record<string, WordList>

/** Locales with built-in member-name words; English always applies besides them. */
export const KEY_NAME_LOCALES = Object.freeze(Object.keys(LOCALE_WORDS)) as readonly KeyNameLocale[]
export type KeyNameLocale = keyof typeof LOCALE_WORDS

/**
 * Last words that name something about the secret rather than the secret: `passwordUpdatedAt`,
 * `secretRef`, `cookieDomain`, `otpDigits`, `cvcCheck` (Stripe's verification result).
 */
const BENIGN_LAST_WORDS = new Set([
  'count',
  'type',
  'length',
  'expiry',
  'expires',
  'expired',
  'expiration',
  'at',
  'set',
  'enabled',
  'required',
  'policy',
  'hint',
  'url',
  'uri',
  'endpoint',
  'id',
  'ids',
  'name',
  'names',
  'field',
  'label',
  'updated',
  'changed',
  'reset',
  'strength',
  'min',
  'max',
  'rules',
  'format',
  'encoding',
  'version',
  'ttl',
  'age',
  'date',
  'time',
  'timestamp',
  'on',
  'exists',
  'valid',
  'status',
  'scheme',
  'algorithm',
  'alg',
  'ref',
  'refs',
  'reference',
  'method',
  'methods',
  'mode',
  'provider',
  'providers',
  'kind',
  'path',
  'file',
  'domain',
  'timeout',
  'lifetime',
  'duration',
  'attempts',
  'retries',
  'remaining',
  'digits',
  'period',
  'issuer',
  'check',
  'checks',
  'prefix',
  'suffix',
  'first',
  'last',
  'less',
])
/** Words that may come before a benign last word in a glued name: `passwordlastchangedat`. */
const TAIL_WORDS = new Set([
  ...BENIGN_LAST_WORDS,
  'is',
  'has',
  'was',
  'been',
  'not',
  'never',
  'must',
  'be',
  'to',
  'of',
  'by',
  'created',
  'modified',
  'rotated',
  'issued',
])
const TAIL_LENGTHS = lengthsOf(TAIL_WORDS)
const BENIGN_ENDS = new Set(Array.from(BENIGN_LAST_WORDS, (word) => lastTwo(word)))
const MAX_TAIL = 48
/**
 * Words before `pass`, apart or glued, that make it a pass of another kind: `boardingPass`,
 * `by_pass`, `firstPass`, `compass`, `bypass`; any other (`dbpass`, `userPass`) makes it a password.
 */
const PASS_OF_ANOTHER_KIND = new Set([
  'by',
  'com',
  'encom',
  'im',
  'fly',
  'mini',
  'keep',
  'pk',
  'one',
  'two',
  'sur',
  'tres',
  'over',
  'under',
  'boarding',
  'season',
  'day',
  'hall',
  'free',
  'bus',
  'ski',
  'first',
  'second',
  'third',
  'last',
  'next',
  'single',
  'multi',
  'render',
  'shadow',
])
/** Words before `sid` that make it a session id (`connect.sid`); alone it is one too, not `accountSid`. */
const SESSION_WORDS = new Set(['session', 'sess', 'connect', 'cookie'])
/** Last words naming a token handed to a caller, for {@link isTokenKey}. */
const TOKEN_WORDS = new Set(['token', 'jwt', 'bearer', 'jeton'])
const SESSION_ID_WORDS = new Set(['sessionid', 'sessid'])
/** Prepositions between `token` and what it is for in noun-first languages: `token_de_acceso`. */
const TOKEN_PREPOSITIONS = new Set(['de', 'd', 'di', 'do', 'da', 'del', 'du'])
/**
 * English two-word names that name a secret only at the end of a name, as before: `api_key`,
 * `userApiKey`, but not `apiKeyHeader`, `privateKeyEncoding`, `sessionIdContext` (option names);
 * glued into one word (`apikey`, `myapikey`) they count anywhere.
 */
const PAIRS_AT_END = new Set(['apikey', 'privatekey', 'accesskey', 'secretkey', 'sessionid'])
/** Last words that say a value is the thing named before them: `apiKeyValue`, `privateKeyPem`. */
const VALUE_WORDS = new Set([
  'value',
  'val',
  'str',
  'string',
  'hash',
  'pem',
  'der',
  'jwk',
  'raw',
  'plain',
  'plaintext',
  'hex',
  'base64',
  'base64url',
  'b64',
  'base32',
  'base58',
  'bytes',
  'payload',
  'encoded',
  'encrypted',
  'text',
])
/** Form words spelled with digits, read whole rather than as their letters. */
const ENCODING_WORDS = new Set(['base64', 'base64url', 'b64', 'base32', 'base58'])
/** A form word that follows a last-only secret word (`authHeader`), but not a pair (`apiKeyHeader` names the header). */
const FORM_AFTER_LAST_WORD = new Set([...VALUE_WORDS, 'header'])
/** Members of English two-word names, so `api_k3y` and `apiKeys` reach `api key`. */
const PHRASE_PARTS = ['api', 'key', 'private', 'access', 'secret', 'session', 'id', 'card', 'number', 'code']

/** Folding of digits and symbols used as letters: `p4ssw0rd`, `pa$$word`, `p@ss`. */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
}
/** Latin letters that NFKD leaves whole. */
const LATIN_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
}
/** Cyrillic and Greek letters drawn like Latin ones (lower case), for names such as `раssword`. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  һ: 'h',
  і: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  с: 'c',
  ѕ: 's',
  т: 't',
  у: 'y',
  ԝ: 'w',
  х: 'x',
  ԁ: 'd',
  α: 'a',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
}

const PLAIN_NAME = /^[a-z]+$/
/** Outside printable ASCII: such names take the Unicode path (control characters are separators there too). */
const NON_ASCII = /[^ -~]/
const LEET_CHAR = /[0-9@$]/
const SIGILS = /^[@$]+/
/** A version marker (`apiKeyV2`, `heroku-api-key-v2`): dropped, so the word before it ends the name. */
const VERSION = /^v\d+$/
const LETTER_RUNS = /\p{L}+/gu
const ONLY_LETTERS = /^\p{L}+$/u

/**
 * A member name cut into raw tokens, before any word list is consulted:
 * 1. Non-ASCII names only (the common plain-ASCII name skips this): NFKD, which applies the
 *    compatibility mapping NFKC would (fullwidth `ｐａｓｓ`, ligatures, `²`) and splits accents off;
 *    combining marks and format characters (zero-width spaces, soft hyphens) are then dropped, so
 *    `contraseña` -> `contrasena` and `pass\u200Bword` -> `password`.
 * 2. Words split at case changes (`passWD` -> pass, wd; `APIKey` -> api, key), then lower-cased.
 * 3. Tokens split at every character other than letters, digits, `@` and `$`: `_ - . space` and
 *    the rest are separators; `@` and `$` stay for leetspeak (`p@ss`) and are dropped later.
 * 4. ß, æ, ø, ł... spelled in ASCII; a token of Cyrillic/Greek look-alikes is read as Latin only
 *    when that leaves it all ASCII (`раssword`), so real Cyrillic words (`пароль`) stay whole.
 */
function rawTokens(key: string): readonly string[] {
  if (PLAIN_NAME.test(key)) return [key]
  if (NON_ASCII.test(key)) return unicodeTokens(key)
  return key
    .replace(/([a-z0-9@$])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9@$]+/)
    .filter((token) => token !== '')
}

function unicodeTokens(key: string): readonly string[] {
  const tokens: string[] = []
  const split = key
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}]+/gu, '')
    .replace(/([\p{Ll}\p{Nd}@$])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .toLowerCase()
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}@$]+/u)
  for (let token of split) {
    if (token === '') continue
    if (NON_ASCII.test(token)) {
      token = token.replace(/[ßæœøłđðþıħ]/g, (letter) => LATIN_LETTERS[letter] ?? letter)
      const latin = Array.from(token, (letter) => LOOKALIKES[letter] ?? letter).join('')
      if (!NON_ASCII.test(latin)) token = latin
    }
    tokens.push(token)
  }
  return tokens
}

const LEET_CHARS = /[013457@$]/g

/** `token` with its leetspeak characters read as letters (`1` as `one`). */
function foldLeet(token: string, one: 'i' | 'l'): string {
  // One replace: a name of many unique long members read each character into a new string.
  return token.replace(LEET_CHARS, (char) => (char === '1' ? one : (LEET[char] ?? char)))
}

function countLetters(token: string): number {
  let letters = 0
  for (const char of token) if (char >= 'a' && char <= 'z') letters++
  return letters
}

function lengthsOf(words: Iterable<string>): readonly number[] {
  return [...new Set(Array.from(words, (word) => word.length))].sort((a, b) => a - b)
}

/** The last two letters of `word` before `end`, as one number. */
function lastTwo(word: string, end = word.length): number {
  return word.charCodeAt(end - 2) * 0x10000 + word.charCodeAt(end - 1)
}

/** Words found at the end of a longer word; a two-letter index refuses most words at once. */
class Endings {
  readonly words: ReadonlySet<string>
  private readonly lengths: readonly number[]
  private readonly ends: ReadonlySet<number>

  constructor(words: Iterable<string>) {
    this.words = new Set(words)
    this.lengths = lengthsOf(this.words)
    this.ends = new Set(Array.from(this.words, (word) => lastTwo(word)))
  }

  /** Whether `word` is longer than one of the words and ends with it, or with it and a plural `s`. */
  end(word: string): boolean {
    if (word.length < 3) return false
    if (this.ends.has(lastTwo(word)) && this.endsAt(word, word.length)) return true
    return (
      word.endsWith('s') &&
      this.ends.has(lastTwo(word, word.length - 1)) &&
      this.endsAt(word, word.length - 1)
    )
  }

  private endsAt(word: string, end: number): boolean {
    for (const length of this.lengths) {
      if (length >= end) return false
      if (this.words.has(word.slice(end - length, end))) return true
    }
    return false
  }
}

/** A name as the rules read it: its words, and the words written together with their offsets. */
interface ReadName {
  readonly words: readonly string[]
  readonly compact: string
  /** Offset of each word in `compact`. */
  readonly starts: readonly number[]
}

function readName(words: readonly string[]): ReadName {
  const starts: number[] = []
  let compact = ''
  for (const word of words) {
    starts.push(compact.length)
    compact += word
  }
  return { words, compact, starts }
}

/** A name's words, plus its tokens with every leetspeak character folded when it had any. */
interface ParsedName extends ReadName {
  readonly leet: readonly ReadName[]
  /** Per word, whether the name wrote it in the plural. */
  readonly plural: readonly boolean[]
}

const NO_LEET: readonly ReadName[] = []

/** The words one matcher knows, with the lookups its rules need. */
class Lexicon {
  /** Sensitive wherever they stand (`words`, `compounds`, `endings`, extra words). */
  readonly anywhere = new Set<string>()
  readonly endings: Endings
  /** Sensitive where the name ends: `last` and `lastWords`. */
  readonly last = new Set<string>()
  /** The `last` words that also count glued to the end of a longer word. */
  readonly gluedLast: Endings
  readonly tokenOf = new Set<string>()
  /** Everything a leetspeak or plural form may be folded into. */
  readonly known = new Set<string>(PHRASE_PARTS)
  readonly compounds: RegExp | null
  readonly maxLength: number
  /**
   * Every prefix of an `anywhere` word, and of its plural in `s`: a run of words that is none of
   * them cannot grow into one, so {@link containsSecretWord} stops extending it there (a name of
   * a thousand short words is read in linear time, not a thousand runs of every length).
   */
  readonly anywherePrefixes = new Set<string>()

  constructor(lists: readonly WordList[], extra: readonly string[]) {
    const compounds = new Set<string>()
    const endings = new Set<string>()
    const gluedLast = new Set<string>()
    for (const list of lists) {
      for (const word of list.compounds ?? []) compounds.add(word)
      for (const word of [...(list.words ?? []), ...(list.compounds ?? []), ...(list.endings ?? [])]) {
        this.anywhere.add(word)
      }
      for (const word of list.endings ?? []) endings.add(word)
      for (const word of list.last ?? []) {
        this.last.add(word)
        gluedLast.add(word)
      }
      for (const word of list.lastWords ?? []) this.last.add(word)
      for (const word of list.tokenOf ?? []) this.tokenOf.add(word)
    }
    for (const word of extra) {
      this.anywhere.add(word)
      if (word.length >= 5) endings.add(word)
    }
    for (const word of [...this.anywhere, ...this.last, ...this.tokenOf]) this.known.add(word)
    this.endings = new Endings(endings)
    this.gluedLast = new Endings(gluedLast)
    this.compounds =
      compounds.size === 0
        ? null
        : new RegExp([...compounds].sort((a, b) => b.length - a.length).join('|'), 'g')
    this.maxLength = Math.max(...[...this.anywhere, ...this.last].map((word) => word.length))
    for (const word of this.anywhere) {
      for (let end = 1; end <= word.length; end++) this.anywherePrefixes.add(word.slice(0, end))
      this.anywherePrefixes.add(`${word}s`)
    }
  }

  /**
   * The known word a token stands for: itself, or its singular (`passwords`, `cookies`, `apiKeys`
   * -> key), or undefined. Never `pass` from `passes`: that is mocha's count of passing tests.
   */
  lookup(token: string): string | undefined {
    if (this.known.has(token)) return token
    if (token.length < 3 || token.charCodeAt(token.length - 1) !== 115 || token.endsWith('ss'))
      return undefined
    const singular = token.slice(0, -1)
    if (this.known.has(singular)) return singular
    if (token.endsWith('ies')) {
      const y = `${token.slice(0, -3)}y`
      if (this.known.has(y)) return y
    }
    if (token.endsWith('es')) {
      const stem = token.slice(0, -2)
      if (stem !== 'pass' && this.known.has(stem)) return stem
    }
    return undefined
  }

  /**
   * Reads a name into words:
   * - leetspeak folded (`0`->o, `1`->i or l, `3`->e, `4`->a, `5`->s, `7`->t, `@`->a, `$`->s) only
   *   in a token with two letters or more that becomes a known word by it (`pa55word`, `t0ken`,
   *   `p1n`), so `sha256`, `x509`, `oauth2`, `v2` never turn into words;
   * - otherwise the token's letter runs, digits dropped: `password2` -> password, `cvv2` -> cvv,
   *   `x509Cert` -> x, cert; a version marker (`v2`) is dropped whole;
   * - plurals made singular when the singular is known.
   * The fully folded tokens are kept aside for glued compounds split by separators (`pa55_w0rd`).
   */
  parse(key: string): ParsedName {
    const tokens = rawTokens(key)
    const words: string[] = []
    // Per word, whether it was written in the plural (`tokens` read as `token`).
    const plural: boolean[] = []
    const push = (written: string, word: string) => {
      words.push(word)
      plural.push(word !== written && written.endsWith('s') && !word.endsWith('s'))
    }
    let leet = false
    for (let token of tokens) {
      if (PLAIN_NAME.test(token) || ONLY_LETTERS.test(token)) {
        push(token, this.lookup(token) ?? token)
        continue
      }
      if (VERSION.test(token)) continue
      // Encodings named with their digits: `tokenBase64`, `secretB64` (a form word, see VALUE_WORDS).
      if (ENCODING_WORDS.has(token)) {
        push(token, token)
        continue
      }
      // A leading `@` or `$` is a sigil (`@type`, `$id`, `$ref`), not a letter.
      token = token.replace(SIGILS, '')
      if (ONLY_LETTERS.test(token)) {
        push(token, this.lookup(token) ?? token)
        continue
      }
      if (LEET_CHAR.test(token) && /[a-z]/.test(token)) {
        leet = true
        // Folded, a token longer than every known word (and a plural's ending) is none of them.
        if (token.length <= this.maxLength + 3 && countLetters(token) >= 2) {
          const hit =
            this.lookup(foldLeet(token, 'i')) ??
            (token.includes('1') ? this.lookup(foldLeet(token, 'l')) : undefined)
          if (hit !== undefined) {
            push(token, hit)
            continue
          }
        }
      }
      for (const run of token.match(LETTER_RUNS) ?? []) push(run, this.lookup(run) ?? run)
    }
    const read = readName(words)
    if (!leet) return { words, compact: read.compact, starts: read.starts, leet: NO_LEET, plural }
    const ones: ('i' | 'l')[] = tokens.some((token) => token.includes('1')) ? ['i', 'l'] : ['i']
    return {
      words,
      compact: read.compact,
      starts: read.starts,
      plural,
      leet: ones.map((one) =>
        readName(
          tokens
            .filter((token) => /\p{L}/u.test(token))
            .map((token) => foldLeet(token.replace(SIGILS, ''), one).replace(/[^\p{L}]+/gu, ''))
            .filter((token) => token !== ''),
        ),
      ),
    }
  }
}

/**
 * Whether a glued tail is only benign words, the last one a benign last word: `updatedat`,
 * `lastchangedat`, `less`. Longer tails are not read (and so not benign).
 */
function benignTail(tail: string): boolean {
  if (tail.length > MAX_TAIL || tail.length < 2 || !BENIGN_ENDS.has(lastTwo(tail))) return false
  const reached = new Uint8Array(tail.length + 1)
  reached[0] = 1
  for (let i = 0; i < tail.length; i++) {
    if (reached[i] === 0) continue
    if (BENIGN_LAST_WORDS.has(tail.slice(i))) return true
    for (const length of TAIL_LENGTHS) {
      if (i + length < tail.length && TAIL_WORDS.has(tail.slice(i, i + length))) reached[i + length] = 1
    }
  }
  return false
}

function benignLastWord(word: string): boolean {
  return BENIGN_LAST_WORDS.has(word) || (word.length > 3 && benignTail(word))
}

/** A `last` word applies unless context says otherwise: `boardingPass`, `accountSid`. */
function lastWordApplies(word: string, words: readonly string[], at: number): boolean {
  const before = words[at - 1]
  if (word === 'pass') return before === undefined || !PASS_OF_ANOTHER_KIND.has(before)
  if (word === 'sid') return before === undefined || SESSION_WORDS.has(before)
  return true
}

/**
 * Whether the name ends with a secret: a `last` word, a `last` phrase written in words
 * (`api_key`, `numero_de_carte`) or glued (`usercardnumber`, `accesstoken`), or any secret word
 * cut into words whose last part alone would read as benign (`session_id`, `steuer_id`).
 */
function endsWithSecret({ words, compact, starts }: ReadName, lex: Lexicon): boolean {
  const end = compact.length
  const last = words[words.length - 1] as string
  if (last.length > 5 && last.endsWith('pass') && !PASS_OF_ANOTHER_KIND.has(last.slice(0, -4))) return true
  if (FORM_AFTER_LAST_WORD.has(last) && words.length > 1) {
    const named = compact.slice(0, starts[words.length - 1])
    if (VALUE_WORDS.has(last)) for (const pair of PAIRS_AT_END) if (named.endsWith(pair)) return true
    // `tokenValue`, `authHeader`, `jwt_string`: a last-only secret word, then what form it is in.
    const before = words[words.length - 2] as string
    if (lex.last.has(before) && lastWordApplies(before, words, words.length - 2)) return true
  } else if (words.length === 1) {
    // The same glued: `secretvalue`, `tokenstring`.
    for (const form of VALUE_WORDS) {
      if (last.length > form.length + 2 && last.endsWith(form)) {
        const head = last.slice(0, -form.length)
        if (lex.last.has(head) || lex.anywhere.has(head)) return true
      }
    }
  }
  for (let at = words.length - 1; at >= 0; at--) {
    const start = starts[at] as number
    if (end - start > lex.maxLength) break
    const tail = at === words.length - 1 ? (words[at] as string) : compact.slice(start)
    if (lex.last.has(tail) && lastWordApplies(tail, words, at)) return true
    if (at < words.length - 1 && lex.anywhere.has(tail)) return true
  }
  return lex.gluedLast.end(compact)
}

/**
 * Words after a secret that say which one it is, not something about it: its environment, role
 * or generation (`API_KEY_PROD`, `accessTokenNew`, `GITHUB_TOKEN_RO`, `slackTokenRead2`). None is a
 * benign last word (`tokenType`, `apiKeyId` stay metadata).
 */
const QUALIFIERS = new Set([
  'prod',
  'production',
  'prd',
  'preprod',
  'live',
  'test',
  'testing',
  'dev',
  'development',
  'staging',
  'stage',
  'stg',
  'qa',
  'uat',
  'ci',
  'sandbox',
  'local',
  'old',
  'new',
  'current',
  'prev',
  'previous',
  'legacy',
  'backup',
  'primary',
  'secondary',
  'admin',
  'root',
  'ro',
  'rw',
  'readonly',
  'read',
  'write',
  'internal',
  'external',
  'temp',
  'tmp',
  'fallback',
  'eu',
  'us',
])
/** At most this many qualifiers are read back from a name's end (`API_KEY_PROD_OLD`). */
const MAX_QUALIFIERS = 2

/** A qualifier, with a number after it or not (`prod2`, `v2`). */
function isQualifier(word: string): boolean {
  let end = word.length
  while (end > 0 && word.charCodeAt(end - 1) >= 48 && word.charCodeAt(end - 1) <= 57) end--
  const stem = end === word.length ? word : word.slice(0, end)
  return QUALIFIERS.has(stem) || (stem === 'v' && end < word.length)
}

/**
 * Whether the name ends with a secret once its last qualifiers are set aside (see
 * {@link QUALIFIERS}): one secret, named in the singular, and not `auth` (`authDefault: "oidc"`,
 * `tokens_read: 412` name a mode and a count).
 */
function endsWithSecretBeforeQualifiers({ words, plural }: ParsedName, lex: Lexicon): boolean {
  let count = words.length
  while (count > 1 && words.length - count < MAX_QUALIFIERS && isQualifier(words[count - 1] as string))
    count--
  if (count === words.length) return false
  if (words[count - 1] === 'auth' || plural[count - 1] === true) return false
  return endsWithSecret(readName(words.slice(0, count)), lex)
}

/** Whether a secret word stands anywhere: as a word, a run of words (`pass_word`), or glued at a word's end. */
function containsSecretWord({ words }: ReadName, lex: Lexicon): boolean {
  for (let at = 0; at < words.length; at++) {
    const word = words[at] as string
    if (lex.anywhere.has(word) || lex.endings.end(word)) return true
    let run = word
    // Only a run that still begins a secret word (or its plural) can become one.
    if (!lex.anywherePrefixes.has(run)) continue
    for (let next = at + 1; next < words.length; next++) {
      run += words[next]
      if (run.length > lex.maxLength + 1 || !lex.anywherePrefixes.has(run)) break
      const singular = run.endsWith('s') ? run.slice(0, -1) : run
      if ((lex.anywhere.has(run) || lex.anywhere.has(singular)) && !PAIRS_AT_END.has(singular)) return true
    }
  }
  return false
}

/**
 * Whether a compound (`password`, `kennwort`...) stands in the name glued to other words: it
 * starts where a word starts (`pass_wordhash`) or lies inside one word (`userpassword`), never
 * across a word's start (`compass_word`); and what follows is not only benign words
 * (`passwordupdatedat`, `passwordless`).
 */
function containsCompound({ compact, starts }: ReadName, lex: Lexicon): boolean {
  const pattern = lex.compounds
  if (pattern === null || compact.length < 6) return false
  pattern.lastIndex = 0
  for (let match = pattern.exec(compact); match !== null; match = pattern.exec(compact)) {
    const start = match.index
    const end = start + match[0].length
    const inOneWord = wordAt(starts, start) === wordAt(starts, end - 1)
    if (inOneWord || (startsWord(starts, start) && !PAIRS_AT_END.has(match[0]))) {
      if (end === compact.length || compact.length - end > MAX_TAIL || !benignTail(compact.slice(end)))
        return true
    }
    pattern.lastIndex = start + 1
  }
  return false
}

function startsWord(starts: readonly number[], offset: number): boolean {
  return starts[wordAt(starts, offset)] === offset
}

/** Index of the word holding `offset` (binary search: names may hold thousands of words). */
function wordAt(starts: readonly number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if ((starts[middle] as number) <= offset) low = middle
    else high = middle - 1
  }
  return low
}

/** `token_de_acceso`, `jetonAcces`: a leading token word qualified by what it gives access to. */
function isNounFirstToken({ words }: ReadName, lex: Lexicon): boolean {
  const first = words[0]
  if ((first !== 'token' && first !== 'jeton') || words.length < 2) return false
  for (let at = 1; at < words.length; at++) {
    const word = words[at] as string
    if (lex.tokenOf.has(word)) return true
    if (!TOKEN_PREPOSITIONS.has(word)) return false
  }
  return false
}

/**
 * The member-name rule, in order:
 * 1. a secret where the name ends wins (`authToken`, `apiKey`, `session_id`);
 * 2. a benign last word clears it (`passwordUpdatedAt`, `tokenType`, `apiKeyId`);
 * 3. a secret word anywhere (`passwordHash`, `mot_de_passe_utilisateur`, `token_de_acceso`);
 * 4. a compound glued inside (`userpassword`), also after folding leetspeak across separators.
 */
function judge(name: ParsedName, lex: Lexicon): boolean {
  const last = name.words[name.words.length - 1]
  if (last === undefined) return false
  if (endsWithSecret(name, lex) || endsWithSecretBeforeQualifiers(name, lex)) return true
  if (benignLastWord(last)) return false
  if (isNounFirstToken(name, lex) || containsSecretWord(name, lex) || containsCompound(name, lex)) return true
  return name.leet.some((folded) => containsCompound(folded, lex))
}

/** Options of {@link compileKeyNameMatcher}. */
export interface KeyNameMatcherOptions {
  /**
   * Languages whose built-in words apply besides English (which always does): codes from
   * {@link KEY_NAME_LOCALES}; a region is ignored (`pt-BR` is `pt`). `[]` keeps English only.
   * @default 'all'
   */
  locales?: readonly string[] | 'all'
  /**
   * More sensitive words, normalized as names are (`Kunden-Geheimnis` -> `kundengeheimnis`):
   * matched as a word, as a run of words, and, from five letters, glued at a word's end. Letters only.
   * @default []
   */
  words?: readonly string[]
  /**
   * Member names never sensitive, compared after case, accents and separators are folded
   * (`tokenHint` also covers `token_hint`); leetspeak is not folded here.
   * @default []
   */
  ignore?: readonly string[]
}

function localesOption(value: unknown, option: string): readonly WordList[] {
  if (value === undefined || value === 'all') return [ENGLISH, ...Object.values(LOCALE_WORDS)]
  if (!Array.isArray(value))
    fail(option, `expected "all" or an array of locale codes, got ${describe(value)}`)
  const valid = `valid codes are ${KEY_NAME_LOCALES.map((code) => `"${code}"`).join(', ')} (or "all")`
  const lists: WordList[] = [ENGLISH]
  for (const [i, code] of (value as unknown[]).entries()) {
    if (typeof code !== 'string') fail(`${option}[${i}]`, `expected a locale code, got ${describe(code)}`)
    // A region changes no word here: `pt-BR` and `pt-PT` share the list.
    const language = code.toLowerCase().split(/[-_]/)[0] as string
    if (language === 'en') continue
    if (!Object.hasOwn(LOCALE_WORDS, language)) {
      fail(`${option}[${i}]`, `no built-in words for ${describe(code)}; ${valid}`)
    }
    lists.push(LOCALE_WORDS[language as KeyNameLocale])
  }
  return lists
}

function wordListOption(value: unknown, option: string, letters: boolean): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) fail(option, `expected an array of strings, got ${describe(value)}`)
  return value.map((word: unknown, i) => {
    if (typeof word !== 'string') return fail(`${option}[${i}]`, `expected a string, got ${describe(word)}`)
    const compact = rawTokens(word).join('')
    if (letters && !/^\p{L}{2,}$/u.test(compact)) {
      return fail(
        `${option}[${i}]`,
        `expected a word of two letters or more (digits are read as separators or leetspeak in names), got ${describe(word)}`,
      )
    }
    if (compact === '') return fail(`${option}[${i}]`, `expected a member name, got ${describe(word)}`)
    return compact
  })
}

/**
 * Whether a member name says its string value is a session (`session`, `userSession`,
 * `current_session`, `sessions`, `activesessions`): the session's token itself, as a cookie
 * carries it, and so is each string of an array under it (`sessions: ["s%3A...", ...]`). An object
 * or array of objects under such a name stays readable (`session: { expiresAt, user }`), so this
 * is not part of the member-name rule. Names are read as that rule reads them (case, separators,
 * fullwidth and look-alike letters, leetspeak, plurals), and `session` glued to the end of a word
 * counts but in `possession` and `obsession`. `ignore` applies as to that rule, a singular or
 * plural entry to both forms (`ignore: ['session']` leaves `sessions` alone too).
 * @throws LeakguardConfigError
 */
export function compileSessionNameMatcher(
  options: KeyNameMatcherOptions = {},
  option = 'keyNames',
): (key: string) => boolean {
  const given = objectOption(options, option, ['locales', 'words', 'ignore'])
  const ignore = new Set(wordListOption(given.ignore, `${option}.ignore`, false))
  // The built-in words only: `session` is one of the phrase parts every lexicon knows.
  const lex = new Lexicon([], [])
  const cache = new NameCache()
  const ignored = (key: string): boolean => {
    if (ignore.size === 0) return false
    const name = rawTokens(key).join('')
    return ignore.has(name) || ignore.has(`${name}s`) || (name.endsWith('s') && ignore.has(name.slice(0, -1)))
  }
  return function isSessionName(key: string): boolean {
    let session = cache.get(key)
    if (session === undefined) {
      const read = lex.parse(key)
      session =
        (endsWithSession(read.compact) || read.leet.some((leet) => endsWithSession(leet.compact))) &&
        !ignored(key)
      cache.set(key, session)
    }
    return session
  }
}

/** Words naming a collection of what precedes them: `sessionList` holds sessions. */
const COLLECTION_WORDS = ['list', 'array', 'set', 'values', 'entries', 'items', 'strings']

/**
 * Whether a name's words written together end with `session(s)`, alone or before a collection
 * word (`sessionList`), not as `possession`/`obsession`.
 */
function endsWithSession(compact: string): boolean {
  const collection = COLLECTION_WORDS.find((word) => compact.endsWith(word))
  const last = collection === undefined ? compact.length : compact.length - collection.length
  const end = compact.endsWith('sessions', last) ? last - 1 : last
  return (
    compact.endsWith('session', end) &&
    !compact.endsWith('ossession', end) &&
    !compact.endsWith('obsession', end)
  )
}

/**
 * Compiles the rule that says a member's value is a secret from its name alone. Names are read
 * through case, separators, camelCase, leetspeak, accents, fullwidth and look-alike letters,
 * plurals, and words glued together; see the word lists above for what is sensitive.
 * @param option Dotted name of these options in the caller's options, for error messages.
 * @throws LeakguardConfigError
 */
export function compileKeyNameMatcher(
  options: KeyNameMatcherOptions = {},
  option = 'keyNames',
): (key: string) => boolean {
  const given = objectOption(options, option, ['locales', 'words', 'ignore'])
  const lex = new Lexicon(
    localesOption(given.locales, `${option}.locales`),
    wordListOption(given.words, `${option}.words`, true),
  )
  const ignore = new Set(wordListOption(given.ignore, `${option}.ignore`, false))
  const cache = new NameCache()
  return function isSensitiveKeyName(key: string): boolean {
    // A name that is an identifier (a map keyed by UUIDs, numbers or hex ids) names no secret;
    // read for words, its digits could fold into one (`5a17` -> salt).
    if (IDENTIFIER_NAME.test(key)) return false
    let sensitive = cache.get(key)
    if (sensitive === undefined) {
      sensitive = !(ignore.size > 0 && ignore.has(rawTokens(key).join(''))) && judge(lex.parse(key), lex)
      cache.set(key, sensitive)
    }
    return sensitive
  }
}

/** UUIDs, numbers and hex ids (16 hex digits or more: ObjectIds, hashes) used as member names. */
const IDENTIFIER_NAME =
  /^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|\d+|[0-9A-Fa-f]{16,64})$/

let defaultLexicon: Lexicon | undefined
let defaultMatcher: ((key: string) => boolean) | undefined
const tokenKeyCache = new NameCache()

function builtInLexicon(): Lexicon {
  defaultLexicon ??= new Lexicon([ENGLISH, ...Object.values(LOCALE_WORDS)], [])
  return defaultLexicon
}

/**
 * Whether a member name says its value is a secret, with every built-in locale:
 * `compileKeyNameMatcher({})`. `password`, `db_password`, `passwordHash`, `pa55_w0rd`, `apiKey`,
 * `X-Api-Key`, `authToken`, `basicAuth`, `authorization`, `cookies`, `ssn`, `cardNumber`,
 * `Kennwort`, `contraseña`, `mot_de_passe`; not `passwordUpdatedAt`, `tokenType`, `secretary`,
 * `author`, `compass`, `accountSid`. Arrays and objects are judged by the same rule (`credentials`).
 */
export function isSensitiveKey(key: string): boolean {
  defaultMatcher ??= compileKeyNameMatcher({})
  return defaultMatcher(key)
}

/** Whether a name mentions a secret other than a token: `passwordToken`, `apiKeyToken`. */
function mentionsSecret(name: ReadName, lex: Lexicon): boolean {
  if (containsSecretWord(name, lex) || containsCompound(name, lex)) return true
  const { compact } = name
  for (const pair of PAIRS_AT_END) if (compact.includes(pair)) return true
  for (const word of lex.gluedLast.words) {
    if (compact.endsWith(word) && !TOKEN_WORDS.has(word)) return true
  }
  return false
}

/** Where the token word that ends a name starts in its compact form, or -1. */
function tokenWordStart({ words, compact, starts }: ReadName): number {
  const last = words[words.length - 1] as string
  if (TOKEN_WORDS.has(last) || SESSION_ID_WORDS.has(last)) return starts[words.length - 1] as number
  if (last === 'sid' && lastWordApplies(last, words, words.length - 1))
    return starts[words.length - 1] as number
  for (let at = words.length - 2; at >= 0; at--) {
    const start = starts[at] as number
    if (compact.length - start > 9) break
    const tail = compact.slice(start)
    if (TOKEN_WORDS.has(tail) || SESSION_ID_WORDS.has(tail)) return start
  }
  for (const word of [...TOKEN_WORDS, ...SESSION_ID_WORDS]) {
    if (word !== 'bearer' && compact.length > word.length) {
      if (compact.endsWith(word)) return compact.length - word.length
      if (compact.endsWith(`${word}s`)) return compact.length - word.length - 1
    }
  }
  return -1
}

/**
 * Whether a member name says its value is a token handed to a caller: `token`, `accessToken`,
 * `access_t0ken`, `refresh_token`, `id_token`, `jwt`, `sessionId`, `connect.sid`, `jeton_d_acces`;
 * not `apiKey`, `password`, nor a token named after another secret (`passwordToken`,
 * `apiKeyToken`, `clientSecretJwt`).
 */
export function isTokenKey(key: string): boolean {
  let cached = tokenKeyCache.get(key)
  if (cached !== undefined) return cached
  const lex = builtInLexicon()
  const name = lex.parse(key)
  cached = false
  if (name.words.length > 0) {
    if (isNounFirstToken(name, lex)) {
      cached = !mentionsSecret(readName(name.words.slice(1)), lex)
    } else {
      const start = tokenWordStart(name)
      if (start >= 0) {
        const before = name.words.flatMap((word, at) => {
          const offset = name.starts[at] as number
          if (offset >= start) return []
          return [offset + word.length > start ? word.slice(0, start - offset) : word]
        })
        cached = !mentionsSecret(readName(before), lex)
      }
    }
  }
  tokenKeyCache.set(key, cached)
  return cached
}

/** Descriptor words of schemas and settings, besides the benign last words: OpenAPI's `in`, `scheme`. */
const DESCRIPTOR_WORDS = new Set([
  'in',
  'scheme',
  'format',
  'status',
  'provider',
  'issuer',
  'audience',
  'scope',
  'scopes',
  'realm',
  'region',
  'tenant',
  'kind',
  'mode',
  'path',
  'seconds',
])

/**
 * Whether a member name describes a secret rather than holding one (`type`, `format`, `status`,
 * `expiresAt`, `tokenUrl`, `minLength`, `name`): under a container named like a secret (an
 * OpenAPI security scheme, a GitHub `secret_scanning` block), such members keep their values and
 * are read by the detectors like any other.
 */
export function describesSecret(key: string): boolean {
  const words = keyWords(key)
  const last = words[words.length - 1]
  return (
    last !== undefined && (BENIGN_LAST_WORDS.has(last) || DESCRIPTOR_WORDS.has(last)) && !isSensitiveKey(key)
  )
}
