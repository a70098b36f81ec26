import { describe, expect, it } from 'vitest'
import { decodedView } from './decoded-view.js'
import { createRedactor } from './index.js'

describe('decodedView', () => {
  it('decodes percent-escapes (once or again), character references, backslash escapes and form spaces', () => {
    expect(decodedView('a%40b')?.text).toBe('a@b')
    expect(decodedView('a%2540b')?.text).toBe('a@b')
    expect(decodedView('a&#64;b&#x40;c&amp;d')?.text).toBe('a@b@c&d')
    expect(decodedView('a\\u0040b\\\\u0040c\\nd')?.text).toBe('a@b@c\nd')
    expect(decodedView('%B4111^')?.text).toBe(' 4111^')
    expect(decodedView('a&commat;b&plus;1 a&#64b')?.text).toBe('a@b+1 a@b')
    expect(decodedView('redis:\\/\\/u:p@h')?.text).toBe('redis://u:p@h')
    expect(decodedView('4111+1111 x+1')?.text).toBe('4111 1111 x+1')
  })

  it('maps each decoded unit to where it came from, escapes whole', () => {
    const view = decodedView('ab%40cd&#64;e')!
    expect(view.text).toBe('ab@cd@e')
    expect(Array.from(view.from)).toEqual([0, 1, 2, 5, 6, 7, 12, 13])
  })

  it('leaves what is not an escape, and text whose escapes hide nothing detectors read', () => {
    expect(decodedView('100% sure, %zz, %C3%A9, &copy;, a\\qb, 1+x')).toBeUndefined()
    expect(decodedView('line\\none \\"quoted\\" &quot;x&quot; %3F')).toBeUndefined()
    // Invisible characters are read only when the features pass saw one.
    expect(decodedView('4111\u200b1111\u200b1111\u200b1111')).toBeUndefined()
  })

  it('decodes escaped letters and digits, which no writer escapes but to hide what they spell', () => {
    for (const text of ['%34%31%31%31', '&#52;111', '&#x34;111', '\\u0034111', 'ghp_%41bc'])
      expect(decodedView(text)?.text).toMatch(/^(?:4111|ghp_Abc)$/)
  })

  it('leaves out characters that render as nothing, mapping spans back over them', () => {
    const text = '4111\u200b1111\u00ad1111\u2060\ufeff1111 \u{e0020}x'
    const view = decodedView(text, true)!
    expect(view.text).toBe('4111111111111111 x')
    // The 16 digits span the original from the first to the last, invisibles included.
    expect(text.slice(view.from[0], view.from[16])).toBe('4111\u200b1111\u00ad1111\u2060\ufeff1111')
    expect(view.from[view.text.length]).toBe(text.length)
  })
})

/** `text` with its ASCII letters and digits in mathematical bold (U+1D400-1D7FF). */
const math = (text: string) =>
  text.replace(/[A-Za-z0-9]/g, (c) =>
    String.fromCodePoint(
      c <= '9'
        ? 0x1d7ce + Number(c)
        : c <= 'Z'
          ? 0x1d400 + c.charCodeAt(0) - 65
          : 0x1d41a + c.charCodeAt(0) - 97,
    ),
  )

describe('values with an escape inside them', () => {
  const redactor = createRedactor({ knownSecrets: false })
  const redact = (text: string) => redactor.redact({ v: text }).v as string

  it.each([
    ['https://app.example.com/cb?email=ada.lovelace%40example.com', 'lovelace'],
    ['<a href="mailto:ada.lovelace%40example.com">mail</a>', 'lovelace'],
    ['<span>ada.lovelace&#64;example.com</span>', 'lovelace'],
    ['{\\"contact\\":\\"ada.lovelace\\u0040example.com\\"}', 'lovelace'],
    ['?phone=%2B14155552671', '4155552'],
    ['?c=4111%201111%201111%201111', '1111%201111%201111'],
    ['c=4111+1111+1111+1111', '1111+1111+1111'],
    ['ssn_check?x=123%2045%206789', '6789'],
    ['%B4111111111111111^DOE/JOHN^2912101000000000000000?', '4111111111111111'],
    // Short ones, and escapes before the one that hides the value.
    ['ada%40example.com', 'ada'],
    ['bob&#64;corp.io', 'bob'],
    [`/login?next=${encodeURIComponent('http://elastic:S3cr3t!@es:9200/')}`, 'S3cr3t'],
    // Escaped spaces that do not break, between the groups of a number.
    ['4111&#160;1111&#160;1111&#160;1111', '1111&#160;1111&#160;1111'],
    ['?c=4111%C2%A01111%C2%A01111%C2%A01111', '1111%C2%A01111'],
    // A red-team pass: HTML5's named `@` and `+`, a numeric reference without its `;` (browsers
    // decode it), and a URL with JSON's escaped slashes.
    ['ada.lovelace&commat;example.com', 'lovelace'],
    ['<b>grace.hopper&commat;example.org</b>', 'hopper'],
    ['&plus;14155552671', '4155552'],
    ['alan.turing&#64example.com', 'turing'],
    // A second pass: the `.` of a domain and a URL's `:` and `/` as references or percent-escapes,
    // and a numeric reference padded with zeros (browsers read any number of them).
    ['ada.lovelace@example&period;com', 'lovelace'],
    ['ada.lovelace@example&#46;com', 'lovelace'],
    ['ada.lovelace@example%2Ecom', 'lovelace'],
    ['redis&colon;&sol;&sol;default&colon;Sup3rS3cretPw@cache:6379', 'Sup3rS3cretPw'],
    ['postgres%3A//app:S3cr3tPw@db:5432/app', 'S3cr3tPw'],
    [`ada.lovelace&#${'0'.repeat(40)}64;example.com`, 'lovelace'],
    ['ada.lovelace&#x0000040;example.com', 'lovelace'],
    ['log: url=redis:\\/\\/default:Sup3rS3cretPw@cache:6379', 'Sup3rS3cretPw'],
  ])('masks %j', (text, secret) => {
    expect(redact(text)).not.toContain(secret)
  })

  // What is left once the characters a reader does not see are taken out, escapes decoded and
  // compatibility forms read as NFKC reads them.
  const seen = (text: string) =>
    [
      ...text
        .replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
          try {
            return decodeURIComponent(run)
          } catch {
            return run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) =>
              String.fromCharCode(Number.parseInt(hex, 16)),
            )
          }
        })
        .replace(/&shy;/g, '\u00ad')
        .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
        .replace(/&#x([0-9a-f]+);?/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
        .replace(/\\u([0-9a-f]{4})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16))),
    ]
      .map((ch) => {
        const normal = ch.normalize('NFKC')
        return ch.codePointAt(0)! > 127 && /^[ -~]+$/.test(normal) ? normal : ch
      })
      .join('')
      .replace(/[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]|\udb40[\udc00-\udfff]/g, '')
      .replace(/\u034f/g, '')

      .replace(/[\ufe00-\ufe0f]/g, '')
      .replace(/(?<=[ -~\u00a0])[\u0300-\u036f\u20d0-\u20ff]+/g, '')
      .replace(/\u00a0/g, ' ')

  it.each([
    ['4111\u200b1111\u200b1111\u200b1111', '4111111111111111'],
    ['card 41111111\u00ad11111111', '4111111111111111'],
    ['+44\u200c 7700\u200d 900123', '7700 900123'],
    ['ada\u2060.lovelace@example.com', 'lovelace@example'],
    ['ada.lovelace@exam\ufeffple.com', 'lovelace@example'],
    ['mail \u202eada.lovelace@example.com', 'lovelace@example'],
    ['AKIA\u{e0041}IOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['ghp_N8raJ4nWF0jSBwfO9sbK\ufe0f5oXG1kTCxgP7tcL6', 'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6'],
    ['glpat-N8raJ4nWF\u200b0jSBwfO9sbK', 'glpat-N8raJ4nWF0jSBwfO9sbK'],
    ['123\u200b-45-6789', '123-45-6789'],
    ['password\u200b=Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    // Escaped letters and digits.
    ['card &#52;111111111111111', '4111111111111111'],
    ['card %34%31%31%31%31%31%31%31%31%31%31%31%31%31%31%31', '4111111111111111'],
    ['ghp_%4E8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6', 'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6'],
    ['\\u0067lpat-N8raJ4nWF0jSBwfO9sbK', 'glpat-N8raJ4nWF0jSBwfO9sbK'],
    ['ada.lovelace&#x40;ex&#97;mple.com', 'lovelace@example'],
    // Compatibility forms NFKC turns into ASCII: circled, superscript, enclosed, mathematical.
    [
      'card \u2463\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460',
      '4111111111111111',
    ],
    [
      'card \u2074\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9\u00b9',
      '4111111111111111',
    ],
    ['\u24b6\u24d3\u24d0.lovelace@example.com', 'Ada.lovelace@example'],
    [`card ${math('4111111111111111')}`, '4111111111111111'],
    [`tel +44 ${math('7700 900123')}`, '7700 900123'],
    [`token ${math('ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6')}`, 'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6'],
    ['ssn \u2460\u2461\u2462-\u2463\u2464-\u2465\u2466\u2467\u2468', '123-45-6789'],
    // Found by a red-team pass: compatibility punctuation (past U+D800), fullwidth digits mixed
    // with compatibility forms, escapes that stand for invisible or compatibility characters,
    // UTF-8 percent-escapes, escaped `_` and `-` in a token's prefix.
    ['123\ufe6345\ufe636789', '123-45-6789'],
    // Marks after punctuation or a space (a last red-team pass), and on every character.
    ['alice@\u0332example.com', 'alice@example'],
    ['4111-\u03321111-1111-1111', '4111-1111-1111-1111'],
    ['4111\u00a0\u03011111 1111 1111', '1111 1111 1111'],
    ['+\u033244 7700 900123', '7700 900123'],
    [[...'4111 1111 1111 1111'].map((c) => `${c}\u0332`).join(''), '4111 1111 1111 1111'],
    ['ghp_\u0332N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6', 'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6'],
    // Marks on the digits: underlined, struck, keycaps.
    [`card ${[...'4111111111111111'].map((d) => `${d}\u0332`).join('')}`, '4111111111111111'],
    [`card ${[...'4111111111111111'].map((d) => `${d}\ufe0f\u20e3`).join('')}`, '4111111111111111'],
    [
      `token ${[...'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6'].map((d) => `${d}\u0336`).join('')}`,
      'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6',
    ],
    ['glpat\ufe63xY9zW8vU7tS6rQ5pO4nM', 'glpat-xY9zW8vU7tS6rQ5pO4nM'],
    ['ada.lovelace\ufe6bexample.com', 'lovelace@example'],
    ['ada.lovelace@example\u2024com', 'lovelace@example'],
    [
      '\u2463\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\uff11',
      '4111111111111111',
    ],
    ['AKIAIOSFODNN\uff17EXAMPLQ', 'AKIAIOSFODNN7EXAMPLQ'],
    ['4111&#8203;1111&#8203;1111&#8203;1111', '4111111111111111'],
    ['ada&shy;@example.com', 'ada@example'],
    [
      '&#65300;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;&#65297;',
      '4111111111111111',
    ],
    ['https://x.io/cb?card=4111%E2%80%8B1111%E2%80%8B1111%E2%80%8B1111', '4111111111111111'],
    ['https://x.io/?c=%EF%BC%94111111111111111', '4111111111111111'],
    ['sk%5Flive_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['ghp&#95;N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6', 'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6'],
  ])('masks %j, where a reader sees the value whole', (text, secret) => {
    expect(seen(text)).toContain(secret)
    expect(seen(redact(text))).not.toContain(secret)
  })

  it('masks a character that stands for several when a value ends inside it', () => {
    // `⑫` is 12: the known secret's last character is its first. The form goes with the mask.
    const r = createRedactor({ knownSecrets: { env: false, values: ['Zq9x7Kp2mW1'] }, keyNames: false })
    expect(r.redact({ v: 'id Zq9x7Kp2mW\u246b end' }).v).toBe('id [REDACTED:known-secret] end')
  })

  it('writes the text around a mask as it was written, not as the detectors read it', () => {
    // Found by a red-team pass: fullwidth forms and other scripts' digits outside a finding were
    // sent folded to ASCII.
    expect(redact('\uff21\uff22\uff23\u682a\u5f0f\u4f1a\u793e ada@example.com')).toBe(
      '\uff21\uff22\uff23\u682a\u5f0f\u4f1a\u793e [REDACTED:email]',
    )
    expect(redact('\u0637\u0644\u0628 \u0661\u0662\u0663\u0664\u0665\u0666 card 4111111111111111')).toBe(
      '\u0637\u0644\u0628 \u0661\u0662\u0663\u0664\u0665\u0666 card 411111******1111',
    )
  })

  it('leaves prose and emoji with joiners, variation selectors and marks as they are', () => {
    for (const text of [
      'Thanks\u200b! \ud83d\udc4d\ud83c\udffd \u2764\ufe0f \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67',
      '\u05e9\u05dc\u05d5\u05dd \u200f(2024)\u200f order 12 of 40',
      'soft\u00adhyphen\u00adated words, 100%41 sure',
      'area 120 m\u00b2, 3\u00ba piso, n\u00ba 12, H\u2082O, \u2460 first \u2461 second',
      'Chapter \u216b: the \ufb01nal \ud835\udc00ct',
      '\ufeffa file that starts with a BOM',
    ])
      expect(redact(text)).toBe(text)
  })

  it('leaves URLs and markup with nothing to find as they are', () => {
    for (const text of [
      '/search?q=a%20b&page=2',
      'Fish &amp; Chips &#169; 2024',
      'C:\\\\temp\\\\x',
      '1+1=2',
      'see https%3A%2F%2Fexample.com%2Fa',
      '&#0;&#000;',
    ])
      expect(redact(text)).toBe(text)
  })
})

describe('slashes escaped inside a token', () => {
  it("reads a slash JSON-escaped after a letter or digit, as PHP's json_encode writes a token", () => {
    const token =
      '1//0J7rNSXmFbK2pQ9vLwT4zY8hC3nD6gR1sA5eU0iO-xVbN7mQ2kJ9pZ4wR8tY3uI6oP1aS5dF0gH2jK4lZ7xC9vB3nM8qW'
    const escaped = token.replaceAll('/', '\\/')
    expect(decodedView(`x ${escaped}`, false)?.text).toBe(`x ${token}`)
    const redactor = createRedactor({ knownSecrets: false })
    expect(redactor.redact(`x ${escaped}`)).toBe('x [REDACTED:google-oauth-refresh-token]')
    expect(redactor.redact(`google said: {"grant":"${escaped}"}`)).not.toContain('0J7rNSX')
  })
})
