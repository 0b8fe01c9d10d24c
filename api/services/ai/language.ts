// Offline language detection for ticket text: counts common function words of a few languages MSP customers write in.

export interface DetectedLanguage {
  code: 'en' | 'de' | 'fr' | 'es' | 'nl';
  name: string;
  /** Share of the counted function words that belong to this language (0 when nothing was recognised). */
  confidence: number;
}

// Short, frequent words that are (mostly) unique to one language; accents matter, so text is not folded.
const WORDS: Record<DetectedLanguage['code'], { name: string; words: string[] }> = {
  en: { name: 'English', words: ['the', 'and', 'is', 'not', 'with', 'this', 'since', 'when', 'please', 'we', 'our', 'have', 'does', 'it', 'of', 'to'] },
  de: { name: 'German', words: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'mit', 'seit', 'bitte', 'wir', 'unser', 'haben', 'kein', 'ich', 'auf', 'funktioniert'] },
  fr: { name: 'French', words: ['le', 'la', 'les', 'et', 'est', 'pas', 'avec', 'depuis', 'nous', 'notre', 'une', 'je', 'ne', 'fonctionne', 'plus', 'merci'] },
  es: { name: 'Spanish', words: ['el', 'los', 'las', 'y', 'es', 'con', 'desde', 'por', 'favor', 'nosotros', 'funciona', 'una', 'que', 'del', 'gracias', 'no'] },
  nl: { name: 'Dutch', words: ['de', 'het', 'een', 'en', 'is', 'niet', 'met', 'sinds', 'graag', 'wij', 'onze', 'hebben', 'werkt', 'ik', 'van', 'bedankt'] },
};

/** The most likely language of `text`; English when nothing stands out (too little text, or a tie). */
export function detectLanguage(text: string): DetectedLanguage {
  const tokens = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const scores = Object.entries(WORDS).map(([code, l]) => {
    const set = new Set(l.words);
    return { code: code as DetectedLanguage['code'], name: l.name, hits: tokens.filter((t) => set.has(t)).length };
  });
  const total = scores.reduce((n, s) => n + s.hits, 0);
  scores.sort((a, b) => b.hits - a.hits);
  const best = scores[0]!;
  // Two hits at least, and clearly ahead of the runner-up; otherwise the default.
  if (best.hits < 2 || best.hits === scores[1]!.hits) return { code: 'en', name: 'English', confidence: total ? (scores.find((s) => s.code === 'en')!.hits / total) : 0 };
  return { code: best.code, name: best.name, confidence: Math.round((best.hits / total) * 100) / 100 };
}

export const languageName = (code: string) => WORDS[code as DetectedLanguage['code']]?.name ?? code;
