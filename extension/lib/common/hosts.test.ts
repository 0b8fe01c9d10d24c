// On-premise host entries and API addresses become the match patterns the browser is asked for.
import { describe, expect, it } from 'vitest';
import { apiOriginPattern, onPremMatchPattern } from './hosts';

describe('onPremMatchPattern', () => {
  it('accepts bare hosts and full origins, dropping scheme, port and path', () => {
    expect(onPremMatchPattern('cw.example-msp.com')).toBe('*://cw.example-msp.com/*');
    expect(onPremMatchPattern(' https://CW.Example-MSP.com:8443/v4_6_release/ConnectWise.aspx ')).toBe('*://cw.example-msp.com/*');
    expect(onPremMatchPattern('http://127.0.0.1:9123')).toBe('*://127.0.0.1/*');
    expect(onPremMatchPattern('localhost')).toBe('*://localhost/*');
  });

  it('refuses what is not a host', () => {
    for (const bad of ['', 'not a host', 'ftp://cw.example.com', 'intranet', '*.example.com']) expect(onPremMatchPattern(bad), bad).toBeNull();
  });
});

describe('apiOriginPattern', () => {
  it('turns an API address into its origin pattern', () => {
    expect(apiOriginPattern('https://flowpilot.example.com/')).toBe('https://flowpilot.example.com/*');
    expect(apiOriginPattern('http://127.0.0.1:8787')).toBe('http://127.0.0.1/*');
    expect(apiOriginPattern('flowpilot.example.com')).toBeNull();
  });
});
