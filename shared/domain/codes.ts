/**
 * The two national identifiers the platform checks before anything else: the unified social credit
 * code of an organisation (统一社会信用代码, GB 32100-2015) and the investment project code
 * (投资项目统一代码). Pure functions; pre-review turns the failures into findings.
 */

export type CodeCheck = { valid: true } | { valid: false; code: string; messageZh: string };

const fail = (code: string, messageZh: string): CodeCheck => ({ valid: false, code, messageZh });

/** GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V; the index is the character's value. */
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** 3^i mod 31 for positions 1..17. */
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const CREDIT_CHARSET_RE = /^[0-9A-HJ-NP-RTUW-Y]+$/;

/** The check character (18th) for the first 17 characters; undefined when those are malformed. */
export function creditCodeCheckChar(first17: string): string | undefined {
  if (first17.length !== 17 || !CREDIT_CHARSET_RE.test(first17)) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_ALPHABET.indexOf(first17.charAt(i)) * CREDIT_WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_ALPHABET.charAt(check);
}

/** People type codes with spaces and in lower case; the stored form is trimmed upper case. */
export function normalizeCreditCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

export function validateCreditCode(code: string): CodeCheck {
  if (code.length !== 18) {
    return fail('INVALID_CREDIT_CODE_LENGTH', '统一社会信用代码应为18位');
  }
  if (!CREDIT_CHARSET_RE.test(code)) {
    return fail(
      'INVALID_CREDIT_CODE_CHARSET',
      '统一社会信用代码只能包含数字和大写字母（不使用 I、O、Z、S、V）',
    );
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return fail('INVALID_CREDIT_CODE_REGION', '统一社会信用代码第3至8位应为登记管理机关行政区划码（数字）');
  }
  if (creditCodeCheckChar(code.slice(0, 17)) !== code.charAt(17)) {
    return fail('INVALID_CREDIT_CODE_CHECK', '统一社会信用代码校验位不正确，请核对后重新输入');
  }
  return { valid: true };
}

export const isValidCreditCode = (code: string): boolean => validateCreditCode(code).valid;

/** GB/T 2260 province-level codes (first two digits of a region code) → ISO 3166-2:CN abbreviation. */
export const PROVINCES: Readonly<Record<string, { code: string; nameZh: string }>> = {
  '11': { code: 'BJ', nameZh: '北京市' },
  '12': { code: 'TJ', nameZh: '天津市' },
  '13': { code: 'HE', nameZh: '河北省' },
  '14': { code: 'SX', nameZh: '山西省' },
  '15': { code: 'NM', nameZh: '内蒙古自治区' },
  '21': { code: 'LN', nameZh: '辽宁省' },
  '22': { code: 'JL', nameZh: '吉林省' },
  '23': { code: 'HL', nameZh: '黑龙江省' },
  '31': { code: 'SH', nameZh: '上海市' },
  '32': { code: 'JS', nameZh: '江苏省' },
  '33': { code: 'ZJ', nameZh: '浙江省' },
  '34': { code: 'AH', nameZh: '安徽省' },
  '35': { code: 'FJ', nameZh: '福建省' },
  '36': { code: 'JX', nameZh: '江西省' },
  '37': { code: 'SD', nameZh: '山东省' },
  '41': { code: 'HA', nameZh: '河南省' },
  '42': { code: 'HB', nameZh: '湖北省' },
  '43': { code: 'HN', nameZh: '湖南省' },
  '44': { code: 'GD', nameZh: '广东省' },
  '45': { code: 'GX', nameZh: '广西壮族自治区' },
  '46': { code: 'HI', nameZh: '海南省' },
  '50': { code: 'CQ', nameZh: '重庆市' },
  '51': { code: 'SC', nameZh: '四川省' },
  '52': { code: 'GZ', nameZh: '贵州省' },
  '53': { code: 'YN', nameZh: '云南省' },
  '54': { code: 'XZ', nameZh: '西藏自治区' },
  '61': { code: 'SN', nameZh: '陕西省' },
  '62': { code: 'GS', nameZh: '甘肃省' },
  '63': { code: 'QH', nameZh: '青海省' },
  '64': { code: 'NX', nameZh: '宁夏回族自治区' },
  '65': { code: 'XJ', nameZh: '新疆维吾尔自治区' },
  '71': { code: 'TW', nameZh: '台湾省' },
  '81': { code: 'HK', nameZh: '香港特别行政区' },
  '82': { code: 'MO', nameZh: '澳门特别行政区' },
};

/** The province code ('JS', 'ZJ', …) of a 6-digit administrative region code, if it names a province. */
export function provinceOfRegion(region: string): string | undefined {
  if (!/^\d{6}$/.test(region)) return undefined;
  return PROVINCES[region.slice(0, 2)]?.code;
}

export const PROJECT_TYPES = {
  '01': '审批',
  '02': '核准',
  '03': '备案',
} as const;

const PROJECT_CODE_RE = /^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$/;

/** 投资项目统一代码 `YYYY-RRRRRR-II-TT-NNNNNN`, e.g. 2024-320000-48-01-000123. */
export function validateProjectCode(code: string): CodeCheck {
  const m = PROJECT_CODE_RE.exec(code);
  if (!m) {
    return fail(
      'INVALID_PROJECT_CODE_FORMAT',
      '投资项目统一代码格式应为“年份-行政区划码-行业代码-类型代码-流水号”，例如 2024-320000-48-01-000123',
    );
  }
  const [, year, region, , type] = m;
  const y = Number(year);
  if (y < 2000 || y > 2099) {
    return fail('INVALID_PROJECT_CODE_YEAR', '投资项目统一代码中的年份无效');
  }
  if (provinceOfRegion(region!) === undefined) {
    return fail('INVALID_PROJECT_CODE_REGION', '投资项目统一代码中的行政区划码无效');
  }
  if (!(type! in PROJECT_TYPES)) {
    return fail(
      'INVALID_PROJECT_CODE_TYPE',
      '投资项目统一代码中的类型代码应为 01（审批）、02（核准）或 03（备案）',
    );
  }
  return { valid: true };
}

export const isValidProjectCode = (code: string): boolean => validateProjectCode(code).valid;

/** The 6-digit administrative region of a project code; undefined when the code is not well-formed. */
export function projectCodeRegion(code: string): string | undefined {
  return isValidProjectCode(code) ? code.slice(5, 11) : undefined;
}
