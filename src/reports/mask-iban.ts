/**
 * IBAN checks (ISO 13616). An IBAN written in capitals, the way IBANs are printed, needs only a
 * plausible length and the mod-97 checksum. One with a lower-case letter (`de89 3704 …`) looks
 * like far more ordinary text — a hex id, `it12 does this …` — so it must also have a country of
 * the IBAN registry and exactly that country's length: a random 22-character hex id starting
 * `de12` still passes mod 97 once in 97, but a hex id is rarely the length of its "country".
 */

/** IBAN lengths by country, from the SWIFT IBAN registry. */
const LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
  GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25,
  SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30
}

/** Move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function validIban(text: string): boolean {
  const compact = text.replace(/[ \u00A0]/g, '')
  const iban = compact.toUpperCase()
  if (iban.length < 15 || iban.length > 34) return false
  if (iban !== compact && LENGTHS[iban.slice(0, 2)] !== iban.length) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const ch of rearranged) {
    const value = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97
  }
  return remainder === 1
}
