// Text is searched in a normalised shadow copy, and redacted in the original.
//
// Engineers paste from chat and e-mail: a zero-width space or a Cyrillic "а" inside "password",
// full-width letters, non-breaking spaces. Detection runs on a copy where each code point is
// NFKC-normalised, zero-width and bidi controls are dropped and common Cyrillic/Greek look-alikes
// are mapped to Latin; every unit of the copy remembers which original code point it came from, so a
// span found in the copy maps back to an exact [start, end) range of the ORIGINAL text. Redaction
// therefore replaces original characters only: the output is the original text, minus the secrets
// (it is never the normalised text). Normalisation is per code point (not across combining
// sequences), which is enough for keyword matching.

/** Zero-width characters, bidi controls, soft hyphen, word joiner, BOM. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

const HOMOGLYPHS: Record<string, string> = {
  // Cyrillic
  а: 'a', А: 'A', в: 'B', В: 'B', е: 'e', Е: 'E', ё: 'e', к: 'k', К: 'K', м: 'm', М: 'M', н: 'H', Н: 'H',
  о: 'o', О: 'O', р: 'p', Р: 'P', с: 'c', С: 'C', т: 'T', Т: 'T', у: 'y', У: 'Y', х: 'x', Х: 'X',
  ѕ: 's', Ѕ: 'S', і: 'i', І: 'I', ј: 'j', Ј: 'J', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  // Greek
  α: 'a', Α: 'A', β: 'B', Β: 'B', ε: 'e', Ε: 'E', η: 'n', Η: 'H', ι: 'i', Ι: 'I', κ: 'k', Κ: 'K',
  μ: 'u', Μ: 'M', ν: 'v', Ν: 'N', ο: 'o', Ο: 'O', ρ: 'p', Ρ: 'P', τ: 't', Τ: 'T', υ: 'u', Υ: 'Y',
  χ: 'x', Χ: 'X', ζ: 'z', Ζ: 'Z', ω: 'w',
};

export interface Normalised {
  text: string;
  /** Original start offset of each unit of `text` (absent when `text` is the original). */
  starts?: Int32Array;
  /** Original end offset of each unit of `text`. */
  ends?: Int32Array;
}

// Plain ASCII text without controls needs no copy.
const PLAIN = /^[\t\n\r\x20-\x7E]*$/;

export function normalise(original: string): Normalised {
  if (PLAIN.test(original)) return { text: original };
  const starts: number[] = [];
  const ends: number[] = [];
  let out = '';
  let i = 0;
  for (const ch of original) {
    const next = i + ch.length;
    let n: string;
    if (INVISIBLE.test(ch)) n = '';
    else if (ch.charCodeAt(0) < 0x80) n = ch;
    else {
      n = HOMOGLYPHS[ch] ?? ch.normalize('NFKC');
      if (n.length > 1 || n !== ch) n = [...n].map((c) => HOMOGLYPHS[c] ?? c).join('');
      if (/\s/.test(n) && n.length === 1) n = ' ';
    }
    for (let k = 0; k < n.length; k++) {
      starts.push(i);
      ends.push(next);
    }
    out += n;
    i = next;
  }
  return { text: out, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** Maps a [start, end) span of the normalised copy to the original text. */
export function toOriginal(n: Normalised, start: number, end: number): [number, number] {
  if (!n.starts || !n.ends) return [start, end];
  if (end <= start) return [n.starts[start] ?? 0, n.starts[start] ?? 0];
  return [n.starts[start]!, n.ends[end - 1]!];
}
