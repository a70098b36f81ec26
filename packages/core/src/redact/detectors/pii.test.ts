import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { abaCheckValid, base58Decode, bech32Decode, convertBits, nhsCheckValid } from '../checksums.js'
import { stringFeatures } from '../features.js'
import { keccak256, sha3_256 } from '../keccak.js'
import type { Detector } from '../types.js'
import { bitcoinSegwitValid, cryptoWallet, eip55Valid } from './crypto.js'
import { ipAddress, parseIPv6 } from './ip.js'
import { macAddress } from './mac.js'
import { usSsnBare, usSsnDotted } from './ssn-forms.js'
import { ukNhs, ukNino } from './uk.js'
import { urlPassword } from './url.js'
import { abaRouting, usItin } from './us.js'

const DETECTORS = [
  ukNino,
  ukNhs,
  usItin,
  abaRouting,
  cryptoWallet,
  ipAddress,
  macAddress,
  usSsnBare,
  usSsnDotted,
  urlPassword,
]

/** What one detector finds in a string: prefilter, pattern, then validate, as the engine runs them. */
function findings(detector: Detector, text: string, key: string | null = 'note'): string[] {
  const context = { key }
  if (!detector.prefilter(text, stringFeatures(text), context)) return []
  const found: string[] = []
  for (const match of text.matchAll(detector.pattern)) {
    if (detector.validate === undefined || detector.validate(match[0], context)) found.push(match[0])
  }
  return found
}

/** A string to scan; `match` is the span expected (the whole text when left out). */
type Case = string | { readonly text: string; readonly key?: string; readonly match?: string }
const text = (c: Case) => (typeof c === 'string' ? c : c.text)
const keyOf = (c: Case) => (typeof c === 'string' ? 'note' : (c.key ?? 'note'))
const expected = (c: Case) => (typeof c === 'string' ? c : (c.match ?? c.text))
const label = (c: Case) => (typeof c === 'string' ? c : `${c.text} (key ${keyOf(c)})`)

// Test vectors, by source:
// - BIP-173 and BIP-350 (github.com/bitcoin/bips, bip-0173.mediawiki and bip-0350.mediawiki, "Test vectors").
// - Bitcoin Core src/test/data/key_io_valid.json (mainnet Base58Check and segwit entries).
// - EIP-55 (github.com/ethereum/EIPs, EIPS/eip-55.md; the all-caps/all-lower cases of its later revision).
// - RFC 4291 §2.2 and RFC 5952 §2, §4, §5, §6 IPv6 text forms; RFC 6052 §2.4 (64:ff9b::192.0.2.33);
//   RFC 4007 §11 zone ids.
// - NHS number 943 476 5919 (NHS Digital's example) and 900 000 0009 (the PDS FHIR sandbox patient).
// - ABA routing numbers published by their banks: 021000021 (JPMorgan Chase, NY), 011000015 (Federal
//   Reserve Bank of Boston), 121000248 (Wells Fargo, CA), 026009593 (Bank of America, NY), 322271627
//   (JPMorgan Chase, CA).
// - HMRC NIM39110 for NINO prefixes (QQ 12 34 56 C is HMRC's specimen: Q is never a first letter).
// - ITINs are made up from the IRS group ranges (IRS publishes only the 9XX-7X-XXXX shape).
const CASES: ReadonlyArray<{ detector: Detector; positives: Case[]; negatives: Case[] }> = [
  {
    // RFC 3986 §3.2.1 user information, in the schemes a red-team pass got past the catalogue.
    detector: urlPassword,
    positives: [
      { text: 'http://elastic:Zq9x7Kp2mW9vR4tL@elasticsearch:9200', match: 'Zq9x7Kp2mW9vR4tL' },
      { text: 'see https://admin:s3cr3t!@10.0.0.5/api', match: 's3cr3t!' },
      { text: 'mssql://sa:Pa55w0rd@sqlserver:1433/app', match: 'Pa55w0rd' },
      { text: 'postgresql+psycopg2://app:hunter2x@db:5432/app', match: 'hunter2x' },
      { text: 'ldap://cn=admin:Zq9x7Kp2@ldap:389', match: 'Zq9x7Kp2' },
      { text: 'ftp://u:p@ss%40word@files.internal/', match: 'p@ss%40word' },
      { text: '"url":"https://bot:tok3n@[::1]:8443/hook"', match: 'tok3n' },
      // A red-team pass: a password holding a raw `/`, `?` or `#` (no `:`), up to the first `@`.
      { text: 'postgres://app:pa/ss#w?rd@db.internal:5432/app', match: 'pa/ss#w?rd' },
      { text: 'mongodb://admin:p#ssw0rd123@mongo:27017', match: 'p#ssw0rd123' },
    ],
    negatives: [
      'https://user@example.com/path',
      'ssh://git@github.com:22/org/repo.git',
      'http://localhost:8080/a@b',
      // A port, then a path or query holding an `@`: not a password.
      'http://api.internal:8080/cb?to=ada@example.com',
      'https://host:443#frag@x.example',
      'https://example.com/login?next=a:b@c',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, written as in a config file
      'postgres://app:${DB_PASSWORD}@db/app',
      'redis://:<password>@cache:6379',
      'mysql://root:****@db/app',
      'amqp://guest:password@rabbit:5672',
      'mailto:ada@example.com',
    ],
  },
  {
    detector: ukNino,
    positives: [
      'AB123456C',
      'AB 12 34 56 C',
      'ab123456c', // people write it in lower case too
      'JG103759A',
      { text: 'NINO: JG 10 37 59 A.', match: 'JG 10 37 59 A' },
      'ZY999999D',
      'OA000001B',
      // Spaces between some pairs only, as forms and people write it.
      'AB 123456 C',
      'AB12 34 56C',
      { text: 'nino: PR 123612C', match: 'PR 123612C' },
    ],
    negatives: [
      'QQ123456C',
      'QQ 12 34 56 C',
      'DA123456C',
      'FA123456C',
      'AO123456C',
      'AV123456C',
      'BG123456A',
      'GB123456A',
      'KN123456A',
      'NK123456A',
      'NT123456A',
      'TN123456A',
      'ZZ123456A',
      'AB123456E',
      'AB12345C',
      'AB1234567C',
      'AB  123456 C', // two spaces
      // Spaced between some pairs only, in lower case: English, not a NINO (a red-team pass).
      'rose by 120000 a year',
      'sold at 100000 a piece',
      'Ok 123456 C',
      'ab 123456 c',
      'AB-12-34-56-C',
      'XAB123456C',
      'AB123456C1',
    ],
  },
  {
    detector: ukNhs,
    positives: [
      '943 476 5919',
      { text: '943-476-5919', key: 'nhsNumber' },
      '900 000 0009',
      { text: 'NHS No: 401 023 2137.', match: '401 023 2137' },
      { text: '9434765919', key: 'nhsNumber' },
      { text: '9000000009', key: 'nhs_no' },
    ],
    negatives: [
      '943 476 5918',
      '943 476 5910',
      '943 476 5920',
      '123 456 7890', // check value 10: never issued, whatever the last digit
      '123 456 7891',
      '9434765919',
      { text: '9434765919', key: 'id' },
      '943-476-5919', // dashed as US phone numbers are: only under an NHS member name
      '943 476-5919',
      '943 4765 919',
      '943 476 59190',
      '1732288532',
      '1700000000',
      '2024-01-15',
      '3.141592653589793',
      'v943.476.5919',
    ],
  },
  {
    detector: usItin,
    positives: [
      '912-70-1234',
      '900-50-0001',
      '999-88-8888',
      '912 94 5678',
      { text: 'ITIN: 987-65-4321.', match: '987-65-4321' },
      { text: '912901234', key: 'itin' },
      { text: '912921234', key: 'taxpayerTin' },
    ],
    negatives: [
      '912-93-1234',
      '912-66-1234',
      '912-69-1234',
      '912-89-1234',
      '912-49-1234',
      '812-70-1234',
      '123-45-6789',
      '912701234',
      { text: '912701234', key: 'orderId' },
      '912-70 1234',
      '912-70-12345',
      '1912-70-1234',
    ],
  },
  {
    detector: abaRouting,
    positives: [
      { text: '021000021', key: 'routingNumber' },
      { text: '011000015', key: 'aba' },
      { text: '121000248', key: 'bank_rtn' },
      { text: 'Routing number: 121000248', match: '121000248' },
      { text: 'Routing No. 121000248', match: '121000248' },
      { text: 'routing transit number (RTN): 021000021', match: '021000021' },
      { text: 'ABA 026009593', match: '026009593' },
      { text: 'RTN#322271627', match: '322271627' },
      { text: 'account 021000021, routing 011000015', match: '011000015' },
    ],
    negatives: [
      '021000021',
      { text: '021000021', key: 'id' },
      'Order 021000021 shipped',
      { text: '021000022', key: 'routingNumber' },
      { text: '021000020', key: 'routingNumber' },
      { text: '130000006', key: 'routingNumber' }, // checksum passes, 13 is not a Federal Reserve prefix
      { text: '0210000210', key: 'routingNumber' },
      'routing 0210000210',
      { text: '021-000-021', key: 'routingNumber' },
    ],
  },
  {
    detector: cryptoWallet,
    positives: [
      // BIP-350 valid mainnet segwit addresses (v0 Bech32, v1-v16 Bech32m).
      'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4',
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
      'BC1SW50QGDZ25J',
      'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
      // Bitcoin Core key_io_valid.json, mainnet.
      '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo',
      '36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm',
      '1FjL87pn8ky6Vbavd1ZHeChRXtoxwRGCRd',
      '3BZECeAH8gSKkjrTx8PwMrNQBLG18yHpvf',
      'bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv',
      'bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7',
      'bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu',
      // The genesis block's coinbase address.
      '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
      // EIP-55: all caps, all lower, then checksummed mixed case.
      '0x52908400098527886E0F7030069857D2E4169EE7',
      '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
      '0xde709f2102306220921060314715629080e2fb77',
      '0x27b1fdb04752bbc536007a920d24acb045561c26',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
      '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
      '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
      {
        text: 'Send to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.',
        match: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      },
      {
        text: 'pay bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv now',
        match: 'bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv',
      },
    ],
    negatives: [
      // BIP-350 invalid segwit addresses.
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
      'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh',
      'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4',
      'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R',
      'bc1pw5dgrnzv',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
      'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf',
      'bc1gmk9yu',
      // BIP-173 invalid, and its v1 vector, which BIP-350 made invalid (Bech32 for v1).
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5',
      'BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2',
      'bc1rw5uspcuh',
      'bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du',
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx',
      'Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
      // Testnet and other networks are out of scope.
      'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
      'mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ',
      '2NC2hEhe28ULKAJkW5MjZ3jtTMJdvXmByvK',
      // One character off, one letter's case flipped.
      '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb',
      '36j4NfKv6Akva9amjWrLG6MuSQym1GuEmn',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
      '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0XD1220A0CF47C7B9BE7A2E6BA89F429762E7B9ADB',
      '0x0000000000000000000000000000000000000000',
      '0x123',
      // A git SHA, a transaction hash, a UUID, digests.
      'e83c5163316f89bfbde7d9ab23ca2e25604af290',
      'commit 5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
      '0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b',
      '550e8400-e29b-41d4-a716-446655440000',
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '1Password and 3Com were both founded before Bitcoin existed.',
      'The quick brown fox jumps over the lazy dog while Bitcoin1 stays put.',
    ],
  },
  {
    detector: ipAddress,
    positives: [
      // RFC 4291 §2.2.
      'ABCD:EF01:2345:6789:ABCD:EF01:2345:6789',
      '2001:DB8:0:0:8:800:200C:417A',
      '2001:DB8::8:800:200C:417A',
      'FF01::101',
      '::1',
      '0:0:0:0:0:0:13.1.68.3',
      '0:0:0:0:0:FFFF:129.144.52.38',
      '::13.1.68.3',
      '::FFFF:129.144.52.38',
      {
        text: '2001:0DB8:0000:CD30:0000:0000:0000:0000/60',
        match: '2001:0DB8:0000:CD30:0000:0000:0000:0000',
      },
      // RFC 5952 §2 and §4: one address in many spellings.
      '2001:db8:0:0:1:0:0:1',
      '2001:0db8:0:0:1:0:0:1',
      '2001:db8::1:0:0:1',
      '2001:db8::0:1:0:0:1',
      '2001:0db8::1:0:0:1',
      '2001:db8:0:0:1::1',
      '2001:db8:0000:0:1::1',
      '2001:DB8:0:0:1::1',
      '2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001',
      '2001:db8:aaaa:bbbb:cccc:dddd::1',
      '2001:db8::aaaa:0:0:1',
      '2001:db8:aaaa:bbbb:cccc:dddd:eeee:AaAa',
      '2001:db8::1',
      // RFC 5952 §5 and §6.
      '::ffff:192.0.2.1',
      { text: '[2001:db8::1]:80', match: '2001:db8::1' },
      { text: '2001:db8::1 port 80', match: '2001:db8::1' },
      // RFC 6052 well-known prefix; RFC 4007 zone ids.
      '64:ff9b::192.0.2.33',
      'fe80::1%eth0',
      'fe80::1234%1',
      '1::',
      'dead:beef::cafe',
      // IPv4.
      '192.168.1.10',
      { text: 'from 10.0.0.255 to', match: '10.0.0.255' },
      { text: 'host 10.0.0.1:8080', match: '10.0.0.1' },
      { text: 'It came from 192.0.2.1.', match: '192.0.2.1' },
    ],
    negatives: [
      '::',
      '0:0:0:0:0:0:0:0',
      '12:30:45',
      '12:30',
      'at 12:30:45.123',
      '2024-01-15T12:30:45Z',
      'aa:bb:cc:dd:ee:ff',
      '1:2:3:4:5:6:7:8:9',
      '2001:db8::1::2',
      '2001:db8:::1',
      '12345::1',
      '2001:db8:0:0:1:0:0:1:0',
      'fe80::1%',
      '::ffff:256.0.0.1',
      '::ffff:192.0.2.01',
      '256.1.1.1',
      '1.2.3',
      'v1.2.3.4.5',
      'std::vector',
      'Add::Bed',
      '550e8400-e29b-41d4-a716-446655440000',
    ],
  },
  {
    detector: macAddress,
    positives: [
      '00:1A:2B:3C:4D:5E',
      '00-1a-2b-3c-4d-5e',
      '001a.2b3c.4d5e',
      { text: 'mac=3c:22:fb:12:34:56;', match: '3c:22:fb:12:34:56' },
      { text: 'Interface 001A.2B3C.4D5E is up.', match: '001A.2B3C.4D5E' },
    ],
    negatives: [
      '00:00:00:00:00:00',
      'FF:FF:FF:FF:FF:FF',
      'ff-ff-ff-ff-ff-ff',
      '0000.0000.0000',
      '12:30:45',
      '00:1A:2B:3C:4D',
      '00:1A:2B:3C:4D:5E:6F',
      '00:1A-2B:3C:4D:5E',
      '001a.2b3c.4d5e.6f70',
      '2001:db8::1',
      'v1.2.3',
    ],
  },
  {
    detector: usSsnBare,
    positives: [
      { text: '123456789', key: 'ssn' },
      { text: '457555462', key: 'socialSecurityNumber' },
      { text: '123456789', key: 'customer_ssn' },
      { text: 'SSN 123456789', match: '123456789' },
      { text: 'ssn:123456789', match: '123456789' },
      { text: 'SSN#123456789.', match: '123456789' },
      { text: 'Social Security No. 457555462', match: '457555462' },
    ],
    negatives: [
      '123456789',
      { text: '123456789', key: 'id' },
      { text: '078051120', key: 'ssn' },
      { text: '000123456', key: 'ssn' },
      { text: '666123456', key: 'ssn' },
      { text: '900123456', key: 'ssn' },
      { text: '123006789', key: 'ssn' },
      { text: '123450000', key: 'ssn' },
      { text: '1234567890', key: 'ssn' },
      'order 123456789, SSN pending',
      'assn 123456789',
      'SSN 1234567890',
    ],
  },
  {
    detector: usSsnDotted,
    positives: ['123.45.6789', { text: 'SSN 457.55.5462.', match: '457.55.5462' }],
    negatives: [
      '000.12.3456',
      '666.12.3456',
      '900.12.3456',
      '123.00.4567',
      '123.45.0000',
      '078.05.1120',
      '1.123.45.6789',
      '123.45.6789.1',
      '123.456.789',
      'v123.45.6789',
    ],
  },
]

describe('PII detectors, run alone', () => {
  for (const { detector, positives, negatives } of CASES) {
    describe(detector.id, () => {
      it.each(positives.map((c) => [label(c), c] as const))('finds %s', (_, c) => {
        expect(findings(detector, text(c), keyOf(c))).toEqual([expected(c)])
      })
      it.each(negatives.map((c) => [label(c), c] as const))('ignores %s', (_, c) => {
        expect(findings(detector, text(c), keyOf(c))).toEqual([])
      })
    })
  }

  it('finds nothing in English prose, dates, versions and phone numbers', () => {
    const prose = [
      'The meeting moved to 12:30 on 2024-01-15; see v10.24.1 release notes.',
      'Call +44 20 7946 0958 or (415) 555-2671 for a quote of 1,234,567.89.',
      'Build 20240115.3 shipped with commit e83c5163316f89bfbde7d9ab23ca2e25604af290.',
      'Our routing of packets through node 3 was fine; ABA therapy is unrelated.',
      'Session 550e8400-e29b-41d4-a716-446655440000 expired at 1732288532.',
    ]
    for (const sentence of prose) {
      for (const detector of DETECTORS) {
        expect([detector.id, findings(detector, sentence)]).toEqual([detector.id, []])
      }
    }
  })

  it('declares the sets the brief asks for', () => {
    expect(Object.fromEntries(DETECTORS.map((d) => [d.id, d.set]))).toEqual({
      'uk-nino': 'default',
      'uk-nhs': 'default',
      'us-itin': 'default',
      'aba-routing': 'default',
      'crypto-wallet': 'default',
      'ip-address': 'strict',
      'mac-address': 'strict',
      'us-ssn-bare': 'strict',
      'us-ssn-dotted': 'strict',
      'url-password': 'default',
    })
  })

  it('has global, linear-time patterns, per recheck', () => {
    const { checkSync } = createRequire(import.meta.url)('recheck') as {
      checkSync(source: string, flags: string, params?: { timeout: number }): { status: string }
    }
    // recheck reports `unknown` past its time budget (10 s by default), which a loaded shared
    // machine reached on the card pattern: a minute each, well inside the test's own limit.
    const budget = { timeout: 60_000 }
    for (const detector of DETECTORS) {
      expect(detector.pattern.global).toBe(true)
      expect([
        detector.id,
        checkSync(detector.pattern.source, detector.pattern.flags.replace('g', ''), budget).status,
      ]).toEqual([detector.id, 'safe'])
    }
  }, 300_000)
})

/** Mulberry32: a seeded generator, so a failing rate reproduces. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomDigits(random: () => number, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += Math.floor(random() * 10)
  return out
}

describe('check digits accept random numbers at the expected rate only', () => {
  const trials = 50_000

  it('ABA 3-7-1: one in 10', () => {
    const random = seeded(1)
    let accepted = 0
    for (let i = 0; i < trials; i++) if (abaCheckValid(randomDigits(random, 9))) accepted++
    expect(Math.abs(accepted / trials - 0.1)).toBeLessThan(0.006)
  })

  it('NHS mod 11: one in 11 (10 of 11 check values are digits, and one of 10 digits matches)', () => {
    const random = seeded(2)
    let accepted = 0
    for (let i = 0; i < trials; i++) if (nhsCheckValid(randomDigits(random, 10))) accepted++
    expect(Math.abs(accepted / trials - 1 / 11)).toBeLessThan(0.006)
  })

  it('adds the context rules on top: bare runs of digits alone are never NHS or routing numbers', () => {
    const random = seeded(3)
    let nhs = 0
    let routing = 0
    for (let i = 0; i < 5_000; i++) {
      nhs += findings(ukNhs, randomDigits(random, 10)).length
      routing += findings(abaRouting, randomDigits(random, 9)).length
    }
    expect([nhs, routing]).toEqual([0, 0])
  })
})

describe('checksum helpers on published vectors', () => {
  it('Keccak-256 (the Keccak team and Ethereum yellow paper values)', () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
    expect(hex(keccak256(new Uint8Array()))).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    )
    expect(hex(keccak256(Buffer.from('abc')))).toBe(
      '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    )
    expect(hex(keccak256(Buffer.from('The quick brown fox jumps over the lazy dog')))).toBe(
      '4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15',
    )
  })

  it('the same sponge with the SHA-3 domain byte equals node:crypto SHA3-256 across block boundaries', () => {
    const random = seeded(4)
    for (let length = 0; length <= 300; length++) {
      const data = Uint8Array.from({ length }, () => Math.floor(random() * 256))
      const expected = createHash('sha3-256').update(data).digest('hex')
      expect(Buffer.from(sha3_256(data)).toString('hex')).toBe(expected)
    }
  })

  it('EIP-55 rejects every single-letter case flip of a checksummed address', () => {
    const address = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'
    expect(eip55Valid(address)).toBe(true)
    for (let i = 2; i < address.length; i++) {
      const c = address[i]!
      if (!/[a-fA-F]/.test(c)) continue
      const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()
      expect(eip55Valid(address.slice(0, i) + flipped + address.slice(i + 1))).toBe(false)
    }
  })

  it('Bech32 and Bech32m strings of BIP-173 and BIP-350', () => {
    const bech32 = [
      'A12UEL5L',
      'a12uel5l',
      'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
      'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
      '11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j',
      'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
      '?1ezyfcl',
    ]
    const bech32m = [
      'A1LQFN3A',
      'a1lqfn3a',
      'an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6',
      'abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx',
      '11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8',
      'split1checkupstagehandshakeupstreamerranterredcaperredlc445v',
      '?1v759aa',
    ]
    for (const valid of bech32) expect(bech32Decode(valid)?.variant).toBe('bech32')
    for (const valid of bech32m) expect(bech32Decode(valid)?.variant).toBe('bech32m')
    for (const invalid of [
      '\x201nwldj5',
      '\x7f1axkwrx',
      '\x801eym55h',
      'an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx',
      'pzry9x0s0muk',
      '1pzry9x0s0muk',
      'x1b4n0q5v',
      'li1dgmt3',
      'de1lg7wt\xff',
      'A1G7SGD8',
      '10a06t8',
      '1qzzfhee',
      'qyrz8wqd2c9m',
      'y1b0jsk6g',
      'lt1igcx5c0',
      'in1muywd',
      'mm1crxm3i',
      'au1s5cgom',
      'M1VUXWEZ',
      '16plkw9',
      '1p2gdwpf',
    ]) {
      expect([invalid, bech32Decode(invalid)]).toEqual([invalid, null])
    }
  })

  it('segwit programs decode to the scriptPubKey BIP-350 lists', () => {
    const program = (address: string) => {
      const decoded = bech32Decode(address)!
      const bytes = convertBits(decoded.data.slice(1), 5, 8)!
      const version = decoded.data[0]!
      return Buffer.from([version === 0 ? 0 : 0x50 + version, bytes.length, ...bytes]).toString('hex')
    }
    expect(program('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')).toBe(
      '0014751e76e8199196d454941c45d1b3a323f1433bd6',
    )
    expect(program('BC1SW50QGDZ25J')).toBe('6002751e')
    expect(program('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toBe(
      '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    )
    // Valid on testnet only: the checks pass, the network does not.
    const testnet = 'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c'
    expect(bech32Decode(testnet)?.variant).toBe('bech32m')
    expect(bitcoinSegwitValid(testnet)).toBe(false)
  })

  it('Base58 decodes the hash160 Bitcoin Core lists for a P2PKH address', () => {
    const bytes = base58Decode('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo')!
    const hash160 = Buffer.from(bytes.subarray(1, 21)).toString('hex')
    expect(hash160).toBe('a31c06bd463e3923bc1aadbde48b16976c080717')
    expect(Buffer.from(base58Decode('1111')!)).toEqual(Buffer.alloc(4))
    expect(base58Decode('0OIl')).toBeNull()
  })

  it('parseIPv6 expands every RFC 5952 §4 spelling to the same groups', () => {
    const groups = [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]
    for (const spelling of [
      '2001:db8:0:0:1:0:0:1',
      '2001:0db8:0:0:1:0:0:1',
      '2001:db8::1:0:0:1',
      '2001:db8::0:1:0:0:1',
      '2001:0db8::1:0:0:1',
      '2001:db8:0:0:1::1',
      '2001:db8:0000:0:1::1',
      '2001:DB8:0:0:1::1',
    ]) {
      expect(parseIPv6(spelling)?.groups).toEqual(groups)
    }
    expect(parseIPv6('::ffff:192.0.2.1')?.groups).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201])
    expect(parseIPv6('fe80::1%eth0')).toEqual({ groups: [0xfe80, 0, 0, 0, 0, 0, 0, 1], zone: 'eth0' })
    expect(parseIPv6('1:2:3:4:5:6:7::')?.groups).toEqual([1, 2, 3, 4, 5, 6, 7, 0])
    expect(parseIPv6('1:2:3:4:5:6:7:8::')).toBeNull()
    expect(parseIPv6('1:2:3:4:5:6:192.0.2.1')?.groups).toEqual([1, 2, 3, 4, 5, 6, 0xc000, 0x201])
    expect(parseIPv6('1:2:3:4:5:6:7:192.0.2.1')).toBeNull()
    expect(parseIPv6('192.0.2.1::')).toBeNull()
  })
})
