import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar,
  isValidCreditCode,
  isValidProjectCode,
  normalizeCreditCode,
  projectCodeRegion,
  provinceOfRegion,
  validateCreditCode,
  validateProjectCode,
} from '../../shared/domain/codes.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('');
const body17 = fc
  .tuple(
    fc.constantFrom(...ALPHABET),
    fc.constantFrom(...ALPHABET),
    fc.stringMatching(/^\d{6}$/),
    fc.array(fc.constantFrom(...ALPHABET), { minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, region, org]) => `${a}${b}${region}${org.join('')}`);

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes of real organisations', () => {
    // 华为技术有限公司. By hand: Σ value×weight over the first 17 = 831, 831 mod 31 = 25, 31 − 25 = 6.
    expect(validateCreditCode('914403001922038216')).toEqual({ valid: true });
    expect(isValidCreditCode('91330000142916567N')).toBe(true);
    expect(isValidCreditCode('91110000802100433B')).toBe(true);
  });

  it('maps a remainder of 0 to the check character 0', () => {
    expect(creditCodeCheckChar('91110000710935185')).toBe('0');
    expect(isValidCreditCode('911100007109351850')).toBe(true);
  });

  it('rejects a mistyped check character', () => {
    const r = validateCreditCode('91320000134768398Q');
    expect(r).toMatchObject({ valid: false, code: 'INVALID_CREDIT_CODE_CHECK' });
    expect(isValidCreditCode('91320000134768398P')).toBe(true);
  });

  it('explains wrong length, forbidden letters and a non-numeric region in Chinese', () => {
    expect(validateCreditCode('91440300192203821')).toMatchObject({
      valid: false,
      code: 'INVALID_CREDIT_CODE_LENGTH',
      messageZh: expect.stringContaining('18位'),
    });
    for (const bad of ['91440300192203821I', '9144030019220382O6', '914403001922038s16']) {
      expect(validateCreditCode(bad)).toMatchObject({ valid: false, code: 'INVALID_CREDIT_CODE_CHARSET' });
    }
    expect(validateCreditCode('9144A3001922038216')).toMatchObject({
      valid: false,
      code: 'INVALID_CREDIT_CODE_REGION',
    });
  });

  it('normalises what people type before validating', () => {
    expect(isValidCreditCode(normalizeCreditCode(' 9133 0000 1429 1656 7n '))).toBe(true);
  });

  it('a body with its computed check character validates; every other check character fails', () => {
    fc.assert(
      fc.property(body17, fc.constantFrom(...ALPHABET), (body, other) => {
        const check = creditCodeCheckChar(body);
        expect(check).toBeDefined();
        expect(isValidCreditCode(`${body}${check}`)).toBe(true);
        if (other !== check) {
          expect(validateCreditCode(`${body}${other}`)).toMatchObject({ code: 'INVALID_CREDIT_CODE_CHECK' });
        }
      }),
    );
  });

  it('catches any single-character substitution in a valid code', () => {
    fc.assert(
      fc.property(body17, fc.nat(16), fc.constantFrom(...ALPHABET), (body, pos, ch) => {
        const code = `${body}${creditCodeCheckChar(body)}`;
        fc.pre(code.charAt(pos) !== ch && (pos < 2 || pos > 7 || /\d/.test(ch)));
        const typo = `${code.slice(0, pos)}${ch}${code.slice(pos + 1)}`;
        expect(isValidCreditCode(typo)).toBe(false);
      }),
    );
  });

  it('has no check character for malformed bodies', () => {
    expect(creditCodeCheckChar('9144030019220382')).toBeUndefined();
    expect(creditCodeCheckChar('9144030019220382I')).toBeUndefined();
  });
});

describe('investment project code (投资项目统一代码)', () => {
  it('accepts well-formed codes of each project type', () => {
    expect(validateProjectCode('2024-320000-48-01-000123')).toEqual({ valid: true });
    expect(isValidProjectCode('2023-330106-47-02-512345')).toBe(true);
    expect(isValidProjectCode('2025-310115-78-03-000001')).toBe(true);
  });

  it('names what is wrong', () => {
    expect(validateProjectCode('2024320000480100012')).toMatchObject({ code: 'INVALID_PROJECT_CODE_FORMAT' });
    expect(validateProjectCode('2024-32000-48-01-000123')).toMatchObject({
      code: 'INVALID_PROJECT_CODE_FORMAT',
    });
    expect(validateProjectCode('1999-320000-48-01-000123')).toMatchObject({
      code: 'INVALID_PROJECT_CODE_YEAR',
    });
    expect(validateProjectCode('2024-990000-48-01-000123')).toMatchObject({
      code: 'INVALID_PROJECT_CODE_REGION',
    });
    expect(validateProjectCode('2024-320000-48-04-000123')).toMatchObject({
      code: 'INVALID_PROJECT_CODE_TYPE',
      messageZh: expect.stringContaining('备案'),
    });
  });

  it('gives the region of a valid code only', () => {
    expect(projectCodeRegion('2024-320500-48-01-000123')).toBe('320500');
    expect(projectCodeRegion('2024-320500-48-09-000123')).toBeUndefined();
  });
});

describe('provinceOfRegion', () => {
  it('maps the Yangtze River Delta regions to their provinces', () => {
    expect(provinceOfRegion('320000')).toBe('JS');
    expect(provinceOfRegion('320583')).toBe('JS');
    expect(provinceOfRegion('330421')).toBe('ZJ');
    expect(provinceOfRegion('310118')).toBe('SH');
    expect(provinceOfRegion('340100')).toBe('AH');
  });

  it('knows no province for unassigned or malformed codes', () => {
    expect(provinceOfRegion('990000')).toBeUndefined();
    expect(provinceOfRegion('100000')).toBeUndefined();
    expect(provinceOfRegion('32')).toBeUndefined();
  });
});
