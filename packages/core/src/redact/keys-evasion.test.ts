import { describe, expect, it } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { compileKeyNameMatcher, isSensitiveKey, isTokenKey, KEY_NAME_LOCALES } from './keys.js'

function configError(run: () => unknown): LeakguardConfigError {
  try {
    run()
  } catch (error) {
    if (error instanceof LeakguardConfigError) return error
    throw error
  }
  throw new Error('expected a LeakguardConfigError')
}

/** Names a red team used to get secrets past the member-name rule, and variations of each form. */
const EVASIONS = {
  // A red-team pass: a typo, encodings named with their digits, envelope keys, bearer assertions.
  'a typo, encoded forms, key material': [
    'pasword',
    'tokenBase64',
    'secretB64',
    'tokenPayload',
    'dek',
    'kek',
    'walletSeed',
    'SAMLResponse',
  ],
  'separators and case': [
    'pass_word',
    'pass-word',
    'pass.word',
    'pass word',
    'passWD',
    'PassWD',
    'PaSsWoRd',
    'PASSWORD',
    'p_a_s_s_w_o_r_d',
    'Pass_Word_Hash',
    'pass_wordhash',
    'user_password',
    'USER-PASSWORD',
  ],
  leetspeak: [
    'p@ssword',
    'pa55word',
    'p4ssw0rd',
    'P@$$W0RD',
    'pa$$word',
    'passw0rd',
    'pass_w0rd',
    'pa55_w0rd',
    'k3nnw0rt',
    'm0t_de_pa55e',
    's3cr3t',
    '5ecret',
    'client_s3cret',
    't0ken',
    'access_t0ken',
    'p1n',
    'api_k3y',
    'cr3d3nt14ls',
  ],
  'digits after the word': [
    'password1',
    'password_2',
    'pass2',
    'secret2',
    'apiKey2',
    'apiKeyV2',
    'cvv2',
    'cvc2',
    'pin1',
  ],
  'accents, fullwidth, look-alike and invisible letters': [
    'contraseña',
    'CONTRASEÑA',
    'ｐａｓｓｗｏｒｄ',
    'ＡＰＩ＿ＫＥＹ',
    'раssword', // Cyrillic р and а
    'ѕесrеt', // Cyrillic ѕ, е, с
    'pass\u200Bword',
    'pass\u00ADword',
    'p̲a̲s̲s̲w̲o̲r̲d̲',
    'Passwörter',
  ],
  abbreviations: [
    'pw',
    'pwd',
    'userPwd',
    'dbpwd',
    'pwHash',
    'passwd',
    'pass',
    'PASS',
    'dbPass',
    'dbpass',
    'DBPASS',
    'userpass',
    'adminpw',
    'pswd',
    'psw',
    'smtp.pass',
    'auth',
    'basicAuth',
    'x-auth',
    'proxy_auth',
    'creds',
    'dbCreds',
    'cred',
    'sid',
    'SID',
    'connect.sid',
    'pat',
    'githubPat',
    'otp',
    'totp',
    'mfaCode',
    'mfa_code',
    'verificationCode',
    'authCode',
    'apikey',
    'APIKEY',
    'api_key',
    'x-api-key',
    'passphrase',
    'passcode',
    'pin',
    'pinCode',
    'pincode',
  ],
  'plurals and containers': [
    'passwords',
    'tokens',
    'secrets',
    'cookies',
    'credentials',
    'apiKeys',
    'api_keys',
    'privateKeys',
    'secretKeys',
    'client_secrets',
    'auths',
    'sids',
    'recoveryCodes',
    'backupCodes',
    'IBANs',
  ],
  'words glued together': [
    'userpassword',
    'USERPASSWORD',
    'newpassword',
    'userpasswordhash',
    'clientsecret',
    'topsecret',
    'usertoken',
    'accesstokens',
    'myapikey',
    'usercardnumber',
    'PHPSESSID',
    'JSESSIONID',
    'dbcreds',
  ],
  'secrets named in English': [
    'confirmPassword',
    'password_confirmation',
    'authToken',
    'X-Auth-Token',
    'idToken',
    'oauth2Token',
    'bearer',
    'jwt',
    'sessionId',
    'session_id',
    'ssn',
    'socialSecurityNumber',
    'social_security_number',
    'credit_card_number',
    'bankAccountNumber',
    'taxId',
    'connectionString',
    'seedPhrase',
    'mnemonic',
    'recoveryPhrase',
    'licenseKey',
    'hmacKey',
    'setCookie',
    'Set-Cookie',
    'Authorization',
    'passport',
    'apiKeyValue',
    'private_key_pem',
  ],
  // A red-team pass: data source names carry credentials; birth dates and national ids identify.
  'data source names and identifying personal data': [
    'dsn',
    'sentryDsn',
    'DATABASE_DSN',
    'dob',
    'userDob',
    'dateOfBirth',
    'date_of_birth',
    'birthDate',
    'birthdate',
    'nationalId',
    'national_id',
    'nationalIdNumber',
    'driversLicense',
    'driver_license',
    'driverLicenseNumber',
    'DRIVERS_LICENSE_NUMBER',
    'mothersMaidenName',
    'maiden_name',
  ],
  // A red-team pass: a word after the secret that says which one (environment, role, generation).
  'a qualifier after the secret': [
    'API_KEY_PROD',
    'apiKeyProd2',
    'accessTokenNew',
    'GITHUB_TOKEN_RO',
    'privateKey_prod',
    'api_key_live',
    'AUTH_TOKEN_OLD',
    'slackTokenRead',
    'API_KEY_PROD_OLD',
    'tokenStaging',
    'API_KEY_V2',
    'token_admin',
  ],
} as const

/** Member names in the built-in languages, with the spelling variants identifiers use. */
const LOCALE_SECRETS = {
  de: [
    'Passwort',
    'benutzerPasswort',
    'Kennwort',
    'Kennwörter',
    'passwoerter',
    'Zugangsdaten',
    'Geheimzahl',
    'geheimnis',
    'betriebsgeheimnis',
    'geheim',
    'privaterSchlüssel',
    'geheimer_schluessel',
    'Sozialversicherungsnummer',
    'Steuer-ID',
    'steuerId',
    'Kreditkartennummer',
    'kartennummer',
    'reisepass',
    'Zugriffstoken',
  ],
  es: [
    'contrasena',
    'contraseñas',
    'contraseña_usuario',
    'clave',
    'claves',
    'clave_privada',
    'secreto',
    'numero_de_tarjeta',
    'tarjetaDeCredito',
    'código_de_seguridad',
    'numero_de_seguridad_social',
    'dni',
    'nie',
    'nif',
    'nss',
    'curp',
    'rut',
    'cuit',
    'pasaporte',
    'credenciales',
    'token_de_acceso',
    'tokenAcceso',
  ],
  fr: [
    'mot_de_passe',
    'motDePasse',
    'MotDePasseUtilisateur',
    'motsDePasse',
    'mdp',
    'jeton',
    'jetons',
    'jeton_d_acces',
    'clé_privée',
    'numero_de_securite_sociale',
    'numéro_de_sécurité_sociale',
    'nir',
    'numeroDeCarte',
    'carte_de_credit',
    'cryptogramme',
    'code_confidentiel',
    'passeport',
  ],
  it: [
    'password',
    'parola_d_ordine',
    "parola d'ordine",
    'segreto',
    'segreti',
    'chiave_privata',
    'chiaveSegreta',
    'codice_fiscale',
    'codiceFiscale',
    'numero_di_carta',
    'credenziali',
    'passaporto',
    'token_di_accesso',
  ],
  nl: [
    'wachtwoord',
    'wachtwoorden',
    'gebruikerWachtwoord',
    'geheim',
    'geheime_sleutel',
    'bsn',
    'BSN',
    'burgerservicenummer',
    'sofinummer',
    'rekeningnummer',
    'inloggegevens',
    'paspoort',
    'toegangscode',
    'toegangstoken',
  ],
  pt: [
    'palavra_passe',
    'palavraPasse',
    'senha',
    'senhas',
    'senhaUsuario',
    'segredo',
    'segredos',
    'chave_privada',
    'cpf',
    'numero_do_cartao',
    'número_do_cartão',
    'codigo_de_seguranca',
    'credenciais',
    'passaporte',
    'token_de_acesso',
  ],
} as const

/** Real API field names that must stay clean, grouped by the rule they would trip. */
const BENIGN = {
  'auth is a word only at the end': [
    'author',
    'authorId',
    'authorName',
    'coauthor',
    'authority',
    'authorities',
    'authorized',
    'isAuthorized',
    'unauthorized',
    'authMethod',
    'authProvider',
    'authUrl',
    'authType',
    'authEnabled',
    'oauth',
    'oauthProvider',
    'authorizationUrl',
    'authorizationEndpoint',
  ],
  'pass is a word only at the end, and not every pass': [
    'passenger',
    'passengers',
    'passengerName',
    'compass',
    'compassHeading',
    'bypass',
    'bypassCache',
    'bypassed',
    'passThrough',
    'passRate',
    'passed',
    'passing',
    'passes', // mocha's count of passing tests
    'pass_count',
    'passCount',
    'boardingPass',
    'firstPass',
    'seasonPass',
    'encompass',
    'trespass',
    'overpass',
    'minipass', // an npm package, in a dependencies map
    'passage',
  ],
  'about a password, not the password': [
    'passwordUpdatedAt',
    'password_updated_at',
    'PASSWORD_UPDATED_AT',
    'passwordupdatedat',
    'passwordRequired',
    'passwordMinLength',
    'passwordless',
    'passwordlessEnabled',
    'passwordResetUrl',
    'passwordExpiresAt',
    'passwordStrength',
    'passwordHint',
    'passwordPolicy',
  ],
  'pin, sid and pat inside other words': [
    'pinned',
    'isPinned',
    'pinnedAt',
    'spin',
    'spinner',
    'pinyin',
    'opinion',
    'sidebar',
    'side',
    'sidecar',
    'inside',
    'consider',
    'considered',
    'residence',
    'accountSid', // Twilio's account id; its secret is the auth token
    'messageSid',
    'patient',
    'patientId',
    'pattern',
    'patch',
    'path',
  ],
  'secret, key and token words that are not secrets': [
    'secretary',
    'secretaryName',
    'secretariat',
    'secretion',
    'key',
    'keys',
    'keyId',
    'kid',
    'keyboard',
    'keystroke',
    'monkey',
    'turkey',
    'hockey',
    'publicKey', // public by definition
    'publicKeyPem',
    'keyPair',
    'apiKeyId',
    'apiKeyPrefix',
    'apiKeyHeader',
    'apiKeyName',
    'accessKeyId',
    'privateKeyEncoding',
    'secretName',
    'secretRef',
    'secretKeyRef',
    'tokenType',
    'token_type',
    'tokenCount',
    'tokenUrl',
    'tokens_url',
    'tokenEndpoint',
    'tokenExpiresIn',
    'tokenizer',
    'tokenBalance',
    'tokenSymbol',
    'tokenAddress',
  ],
  'sessions, cookies, cards and codes described': [
    'session',
    'sessionCount',
    'sessionTimeout',
    'sessionIdleTimeout',
    'sessionIdContext',
    'cookieName',
    'cookieDomain',
    'cookiePath',
    'cookieMaxAge',
    'credit',
    'credits',
    'creditLimit',
    'creditCardType',
    'creditCardExpiry',
    'cardholderName',
    'cardLast4',
    'cardBrand',
    'ssnLast4',
    'cvcCheck', // Stripe's verification result
    'credentialId',
    'webauthnCredentialId',
    'credentialsType',
    'credentialsProvider',
    'pubKeyCredParams',
    'credProps',
    'otpEnabled',
    'otpDigits',
    'mfa',
    'mfaEnabled',
    'totpPeriod',
    'authCodeExpiresAt',
    'verificationCodeSentAt',
  ],
  'real digits and sigils': [
    'x509Certificate',
    'sha256',
    'sha256Fingerprint',
    'oauth2',
    'oauth2Provider',
    'v2',
    'apiV2Url',
    's3Bucket',
    'ec2InstanceId',
    'base64',
    'utf8',
    'i18n',
    'l10n',
    'a11y',
    'k8sNamespace',
    'ipv4',
    'top10',
    'md5',
    'e164Phone',
    '@type',
    '@context',
    '@id',
    '$ref',
    '$schema',
    '$id',
    '1234',
    '_',
    '',
  ],
  'plain fields': [
    'id',
    'name',
    'email',
    'description',
    'title',
    'createdAt',
    'updatedAt',
    'url',
    'status',
    'discount',
    // Words that hold `dsn` or `dob` letters, or a birth date's words, without naming one.
    'dsnEnabled',
    'adobe',
    'doberman',
    'birthPlace',
    'nationality',
    'nationalHoliday',
  ],
  'words of other languages that contain a secret word': [
    'geheimnisvoll',
    'geheimdienst',
    'geheimtipp',
    'kennzeichen',
    'resenha', // pt review: ends with senha
    'imageBase64',
    'payload',
    'randomSeed',
    'deck',
    'samlRequest',
    'enclave',
    'autoclave',
    'clavier',
    'segretario',
    'secretario',
    'secretaria',
    'passeio',
    'passagem',
    'senhor',
    'nieve',
    'rutas',
    'nifty',
    'wachttijd',
    'motif',
  ],
  // "Key" alone is not a secret in any language, as English `key` is not: `{ chiave, valore }`.
  // A qualifier only qualifies a secret: not a key alone, metadata, or a public key.
  'a qualifier after what is no secret': [
    'key_prod',
    'tokenTypeProd',
    'publicKeyProd',
    // Counts and modes (a red-team pass): plurals and `auth` take no qualifier.
    'tokens_read',
    'tokens_write',
    'authDefault',
    'auth_primary',
    'authLegacy',
    'api_key_id_prod',
    'tokenCountOld',
  ],
  'key alone, in every language': ['chiave', 'sleutel', 'chave', 'clé', 'Schlüssel', 'schluessel', 'llave'],
} as const

describe('member names that evade the rule', () => {
  for (const [form, names] of Object.entries(EVASIONS)) {
    it.each(names)(`masks %j (${form})`, (name) => {
      expect(isSensitiveKey(name)).toBe(true)
    })
  }
})

describe('member names in other languages', () => {
  for (const [locale, names] of Object.entries(LOCALE_SECRETS)) {
    it.each(names)(`masks %j (${locale})`, (name) => {
      expect(isSensitiveKey(name)).toBe(true)
    })

    it(`leaves the ${locale} words to their locale`, () => {
      const englishOnly = compileKeyNameMatcher({ locales: [] })
      const withLocale = compileKeyNameMatcher({ locales: [locale] })
      for (const name of names) expect(withLocale(name)).toBe(true)
      expect(names.filter((name) => englishOnly(name)).length).toBeLessThan(names.length)
    })
  }
})

describe('member names that stay clean', () => {
  for (const [reason, names] of Object.entries(BENIGN)) {
    it.each(names)(`leaves %j (${reason})`, (name) => {
      expect(isSensitiveKey(name)).toBe(false)
    })
  }

  it('covers at least 80 sensitive and 80 benign names', () => {
    const sensitive = [...Object.values(EVASIONS), ...Object.values(LOCALE_SECRETS)].flat()
    expect(sensitive.length).toBeGreaterThanOrEqual(80)
    expect(Object.values(BENIGN).flat().length).toBeGreaterThanOrEqual(80)
  })
})

describe('isTokenKey', () => {
  it.each([
    'token',
    'tokens',
    'accessToken',
    'access_token',
    'access_t0ken',
    'accesstoken',
    'refresh_token',
    'id_token',
    'authToken',
    'jwt',
    'sessionId',
    'session_id',
    'sessionid',
    'PHPSESSID',
    'connect.sid',
    'jeton',
    'jeton_d_acces',
    'token_de_acceso',
  ])('says %j is a token handed to the caller', (name) => {
    expect(isTokenKey(name)).toBe(true)
  })

  it.each([
    'apiKey',
    'password',
    'passwordToken',
    'passwordtoken',
    'pa55word_token',
    'apiKeyToken',
    'clientSecretJwt',
    'tokenType',
    'accountSid',
    'key',
  ])('says %j is not', (name) => {
    expect(isTokenKey(name)).toBe(false)
  })
})

describe('compileKeyNameMatcher', () => {
  const everyName = [
    ...Object.values(EVASIONS).flat(),
    ...Object.values(LOCALE_SECRETS).flat(),
    ...Object.values(BENIGN).flat(),
  ]

  it('with no options answers as isSensitiveKey does', () => {
    const matcher = compileKeyNameMatcher({})
    const defaults = compileKeyNameMatcher()
    for (const name of everyName) {
      expect(matcher(name)).toBe(isSensitiveKey(name))
      expect(defaults(name)).toBe(isSensitiveKey(name))
    }
  })

  it('lists its built-in locales, and takes "all", a region or "en"', () => {
    expect([...KEY_NAME_LOCALES].sort()).toEqual(['de', 'es', 'fr', 'it', 'nl', 'pt'])
    expect(compileKeyNameMatcher({ locales: 'all' })('senha')).toBe(true)
    expect(compileKeyNameMatcher({ locales: ['pt-BR'] })('senha')).toBe(true)
    expect(compileKeyNameMatcher({ locales: ['en'] })('senha')).toBe(false)
  })

  it('keeps English whatever the locales', () => {
    const german = compileKeyNameMatcher({ locales: ['de'] })
    expect(german('Passwort')).toBe(true)
    expect(german('password')).toBe(true)
    expect(german('apiKey')).toBe(true)
    expect(german('senha')).toBe(false)
    expect(german('mot_de_passe')).toBe(false)
  })

  it('adds words, normalized as names are, matched as words, runs and glued endings', () => {
    const matcher = compileKeyNameMatcher({ words: ['Kunden-Geheimnis', 'ticket'] })
    expect(matcher('kundengeheimnis')).toBe(true)
    expect(matcher('kunden_geheimnis')).toBe(true)
    expect(matcher('KundenGeheimnisAlt')).toBe(true)
    expect(matcher('ticket')).toBe(true)
    expect(matcher('t1ck3t')).toBe(true)
    expect(matcher('tickets')).toBe(true)
    expect(matcher('supportTicket')).toBe(true)
    expect(matcher('eticket')).toBe(true)
    expect(matcher('ticketCount')).toBe(false)
    expect(matcher('ticketing')).toBe(false)
    expect(isSensitiveKey('ticket')).toBe(false)
  })

  it('ignores names whatever their case and separators', () => {
    const matcher = compileKeyNameMatcher({ ignore: ['pin', 'apiKey'] })
    expect(matcher('pin')).toBe(false)
    expect(matcher('PIN')).toBe(false)
    expect(matcher('api_key')).toBe(false)
    expect(matcher('X-Api-Key')).toBe(true)
    expect(matcher('pinCode')).toBe(true)
  })

  it('refuses unknown locales, bad words and unknown options, naming the option', () => {
    const locale = configError(() => compileKeyNameMatcher({ locales: ['de', 'xx'] }))
    expect(locale.code).toBe('ERR_LG_CONFIG_INVALID_OPTION')
    expect(locale.option).toBe('keyNames.locales[1]')
    expect(locale.message).toContain('"de", "es", "fr", "it", "nl", "pt"')
    expect(configError(() => compileKeyNameMatcher({ locales: 'de' as never })).option).toBe(
      'keyNames.locales',
    )
    expect(configError(() => compileKeyNameMatcher({ words: ['k3y'] })).option).toBe('keyNames.words[0]')
    expect(configError(() => compileKeyNameMatcher({ words: ['x'] })).option).toBe('keyNames.words[0]')
    expect(configError(() => compileKeyNameMatcher({ ignore: ['--'] })).option).toBe('keyNames.ignore[0]')
    expect(configError(() => compileKeyNameMatcher({ ignore: [1 as never] })).option).toBe(
      'keyNames.ignore[0]',
    )
    const unknown = configError(() => compileKeyNameMatcher({ local: ['de'] } as never, 'redact.keyNames'))
    expect(unknown.code).toBe('ERR_LG_CONFIG_UNKNOWN_OPTION')
    expect(unknown.option).toBe('redact.keyNames.local')
  })

  it('reads very long names in linear time and gives the same answer twice', () => {
    const long = `${'a'.repeat(100_000)}Password`
    const started = performance.now()
    expect(isSensitiveKey(long)).toBe(true)
    expect(isSensitiveKey('x_'.repeat(50_000))).toBe(false)
    expect(performance.now() - started).toBeLessThan(2_000)
    expect(isSensitiveKey(long)).toBe(true)
  })
})

describe('a secret word followed by the form it is in (red-team pass)', () => {
  it.each([
    'tokenValue',
    'token_str',
    'tokenString',
    'tokenRaw',
    'jwtString',
    'accessTokenValue',
    'bearerValue',
    'authHeader',
    'auth_header',
    'passVal',
    'apiKeyString',
    'secretvalue',
    'SECRETVALUE',
  ])('masks %s', (name) => {
    expect(isSensitiveKey(name)).toBe(true)
  })

  it.each(['apiKeyHeader', 'authData', 'tokenType', 'headerText', 'valueText', 'boardingPassValue'])(
    'leaves %s',
    (name) => {
      expect(isSensitiveKey(name)).toBe(false)
    },
  )
})

describe('identifiers used as member names', () => {
  it('reads no UUID, number or hex id as a name, so a map keyed by them costs no word reading', () => {
    for (const name of [
      '3f2a9c1e-4b7d-4e2a-9c1e-3f2a9c1e4b7d',
      '1234567',
      '507f1f77bcf86cd799439011',
      'deadbeef5ec7e7aa',
    ])
      expect(isSensitiveKey(name)).toBe(false)
    // Names with words around them are read as before.
    expect(isSensitiveKey('pa55w0rd-0000-4000-8000-000000000000')).toBe(true)
    expect(isSensitiveKey('password_507f1f77bcf86cd799439011')).toBe(true)
  })
})
