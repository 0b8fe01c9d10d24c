// Offline language detection picks the language a customer wrote in, and English when the text says too little.
import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';

describe('detectLanguage', () => {
  it.each([
    ['de', 'Seit Montag funktioniert der Drucker nicht mehr und wir haben keine Ausdrucke. Bitte prüfen.'],
    ['fr', "Depuis lundi l'imprimante ne fonctionne plus et nous ne pouvons pas imprimer les factures. Merci."],
    ['es', 'Desde el lunes la impresora no funciona y no podemos imprimir las facturas, por favor.'],
    ['nl', 'Sinds maandag werkt de printer niet meer en wij kunnen de facturen niet afdrukken. Graag hulp.'],
    ['en', 'Since Monday the printer does not work and we cannot print the invoices. Please help.'],
  ])('reads %s', (code, text) => {
    const d = detectLanguage(text);
    expect(d.code).toBe(code);
    expect(d.confidence).toBeGreaterThan(0.4);
  });

  it('falls back to English on text with no clear signal', () => {
    expect(detectLanguage('VPN 0x8004230f NW-SQL01').code).toBe('en');
    expect(detectLanguage('').code).toBe('en');
  });
});
