import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ProvinceConfig,
  ProvinceConfigError,
  parseProvinceConfig,
} from '../../shared/config/province-config.js';
import { defaultProvinces, loadProvince } from '../../shared/config/provinces/index.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import { standardItems, standardMaterials } from '../../shared/config/provinces/national-catalogue.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { zhejiang } from '../../shared/config/provinces/zhejiang.js';
import { STAGES } from '../../shared/domain/model.js';

/** A deep copy to break; the shared default must never be mutated by a test. */
const copy = (): ProvinceConfig => structuredClone(jiangsu);

function problemsOf(raw: unknown): string[] {
  try {
    parseProvinceConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ProvinceConfigError);
    return (e as ProvinceConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('the default Jiangsu catalogue', () => {
  const cfg = parseProvinceConfig(jiangsu);

  it('validates and is what loadProvince returns', () => {
    expect(cfg).toEqual(jiangsu);
    expect(loadProvince('JS')).toEqual(jiangsu);
    expect(loadProvince('js').code).toBe('JS');
    expect(defaultProvinces.JS).toBe(jiangsu);
  });

  it('rejects an unknown province by name', () => {
    expect(() => loadProvince('XX')).toThrow(/XX/);
    expect(() => loadProvince('__proto__')).toThrow(/未配置省份/);
  });

  it('meets the size the design asks for', () => {
    expect(cfg.items.length).toBeGreaterThanOrEqual(15);
    expect(cfg.materials.length).toBeGreaterThanOrEqual(25);
    const usedDepartments = new Set(cfg.items.map((i) => i.department));
    expect(usedDepartments.size).toBeGreaterThanOrEqual(6);
    expect(cfg.departments.length).toBeGreaterThanOrEqual(5);
  });

  it('covers the four stages with their names and leads', () => {
    expect(cfg.stages.map((s) => s.stage)).toEqual([...STAGES]);
    expect(cfg.stages.map((s) => s.name)).toEqual([
      '立项用地规划许可',
      '工程建设许可',
      '施工许可',
      '竣工验收',
    ]);
    const [approval, works, construction, completion] = cfg.stages;
    expect(approval?.leadDepartment).toBe('nrp');
    expect(approval?.leadDepartmentGovernmentInvested).toBe('ndrc');
    expect(works?.leadDepartment).toBe('nrp');
    expect(construction?.leadDepartment).toBe('housing');
    expect(completion?.leadDepartment).toBe('housing');
  });

  it('puts every item in exactly one stage', () => {
    const placed = cfg.stages.flatMap((s) => s.items.map((i) => i.code)).sort();
    expect(placed).toEqual(cfg.items.map((i) => i.code).sort());
  });

  it('follows the statutory limits set by law', () => {
    const byCode = new Map(cfg.items.map((i) => [i.code, i]));
    expect(byCode.get('constructionPermit')?.statutoryDays).toBe(7); // 建筑法第八条
    expect(byCode.get('eiaReportApproval')?.statutoryDays).toBe(60); // 环境影响评价法第二十二条
    expect(byCode.get('eiaReportFormApproval')?.statutoryDays).toBe(30);
    expect(byCode.get('landUsePlanningPermit')?.statutoryDays).toBe(20); // 行政许可法第四十二条
    expect(byCode.get('constructionDrawingReview')?.statutoryDays).toBe(45); // 联合办理
  });

  it('promises less than the statutory limit everywhere, at least 40% less on average', () => {
    for (const item of cfg.items) expect(item.promisedDays, item.code).toBeLessThan(item.statutoryDays);
    const shares = cfg.items.map((i) => 1 - i.promisedDays / i.statutoryDays);
    const average = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(average).toBeGreaterThanOrEqual(0.4);
  });

  it('keeps the whole path within the national 120 working days', () => {
    const total = cfg.stages.reduce((sum, s) => sum + s.promisedDays, 0);
    expect(total).toBeLessThanOrEqual(120);
  });

  it('allows 容缺 for most items, never for a core material', () => {
    const core = new Set(cfg.materials.filter((m) => m.core).map((m) => m.code));
    expect(core.size).toBeGreaterThan(0);
    expect(cfg.materials.some((m) => !m.core)).toBe(true);
    const withDeficiency = cfg.items.filter((i) => i.deficiencyAllowed.length > 0);
    expect(withDeficiency.length).toBeGreaterThan(cfg.items.length / 2);
    for (const item of cfg.items) {
      for (const m of item.deficiencyAllowed) {
        expect(core.has(m), `${item.code}/${m}`).toBe(false);
        expect(item.materials).toContain(m);
      }
    }
  });

  it('climbs the escalation ladder from reviewer to the chairing leader', () => {
    expect(cfg.escalation.map((e) => e.nameZh)).toEqual([
      '审查人员',
      '部门负责人',
      '首接负责人',
      '专项工作组',
      '分管领导',
    ]);
    expect(cfg.escalation.map((e) => e.role)).toEqual([
      'reviewer',
      'departmentLead',
      'firstReceiver',
      'workingGroup',
      'chairLeader',
    ]);
  });
});

const spkiPem = (type: 'ec' | 'rsa', namedCurve = 'P-256') =>
  (type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve })
    : generateKeyPairSync('rsa', { modulusLength: 2048 })
  ).publicKey.export({ type: 'spki', format: 'pem' }) as string;

describe.each([
  ['JS', jiangsu],
  ['ZJ', zhejiang],
  ['SH', shanghai],
] as const)('the default catalogue of %s', (code, raw) => {
  const cfg = parseProvinceConfig(raw);

  it('validates and is what loadProvince returns', () => {
    expect(cfg).toEqual(raw);
    expect(loadProvince(code)).toEqual(raw);
    expect(defaultProvinces[code]).toBe(raw);
  });

  it('meets the size the design asks for: ≥15 items across ≥5 departments', () => {
    expect(cfg.items.length).toBeGreaterThanOrEqual(15);
    expect(cfg.materials.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cfg.items.map((i) => i.department)).size).toBeGreaterThanOrEqual(5);
  });

  it('covers the four stages, every item in exactly one', () => {
    expect(cfg.stages.map((s) => s.stage)).toEqual([...STAGES]);
    expect(cfg.stages.map((s) => s.name)).toEqual([
      '立项用地规划许可',
      '工程建设许可',
      '施工许可',
      '竣工验收',
    ]);
    const placed = cfg.stages.flatMap((s) => s.items.map((i) => i.code)).sort();
    expect(placed).toEqual(cfg.items.map((i) => i.code).sort());
  });

  it('promises less than the law, at least 40% less on average, within 120 days in all', () => {
    for (const item of cfg.items) expect(item.promisedDays, item.code).toBeLessThan(item.statutoryDays);
    const shares = cfg.items.map((i) => 1 - i.promisedDays / i.statutoryDays);
    expect(shares.reduce((a, b) => a + b, 0) / shares.length).toBeGreaterThanOrEqual(0.4);
    expect(cfg.stages.reduce((sum, s) => sum + s.promisedDays, 0)).toBeLessThanOrEqual(120);
  });

  it('partners with the other two 长三角 provinces, keys exchanged at run time', () => {
    const others = ['JS', 'ZJ', 'SH'].filter((c) => c !== code);
    expect(cfg.partners.map((p) => p.code).sort()).toEqual(others.sort());
    for (const p of cfg.partners) {
      expect(p.name).toBe(defaultProvinces[p.code]?.name);
      expect(p.publicKeyPem).toBeUndefined();
    }
  });

  it('recognises partner results for standard items that exist on both sides', () => {
    for (const partner of cfg.partners) {
      const entries = cfg.recognition.filter((r) => r.fromProvince === partner.code);
      expect(entries.length, partner.code).toBeGreaterThanOrEqual(6);
      const theirs = new Map(defaultProvinces[partner.code]!.items.map((i) => [i.code, i]));
      const ours = new Map(cfg.items.map((i) => [i.code, i]));
      for (const r of entries) {
        const from = theirs.get(r.fromItem);
        const to = ours.get(r.toItem);
        expect(from, `${partner.code}/${r.fromItem}`).toBeDefined();
        expect(to, r.toItem).toBeDefined();
        // the same national standard item on both sides (names may follow local usage, 人防/民防)
        expect(r.fromItem).toBe(r.toItem);
        expect(Object.hasOwn(standardItems, r.toItem), r.toItem).toBe(true);
        expect(from?.statutoryDays).toBe(to?.statutoryDays);
      }
    }
    const partners = new Set(cfg.partners.map((p) => p.code));
    expect(cfg.recognition.every((r) => partners.has(r.fromProvince))).toBe(true);
    expect(cfg.items.find((i) => i.code === 'landUsePlanningPermit')?.name).toBe('建设用地规划许可证核发');
    for (const item of ['landUsePlanningPermit', 'eiaReportApproval', 'worksPlanningPermit']) {
      expect(cfg.recognition.filter((r) => r.fromItem === item && r.toItem === item)).toHaveLength(2);
    }
  });
});

describe('the 长三角 catalogues share one vocabulary', () => {
  it('Zhejiang and Shanghai name their own departments under the same codes as Jiangsu', () => {
    const jsCodes = jiangsu.departments.map((d) => d.code);
    for (const cfg of [zhejiang, shanghai]) {
      for (const c of jsCodes) expect(cfg.departments.map((d) => d.code)).toContain(c);
      for (const d of cfg.departments) expect(d.name.startsWith(cfg.name), d.name).toBe(true);
    }
  });

  it('a material code means the same material in every province', () => {
    const byCode = new Map(standardMaterials.map((m) => [m.code, m]));
    for (const cfg of [zhejiang, shanghai]) {
      for (const m of cfg.materials) {
        const standard = byCode.get(m.code);
        if (standard) expect(m, `${cfg.code}/${m.code}`).toEqual(standard);
      }
    }
  });

  it('Zhejiang promises no more than Jiangsu for any shared item (最多跑一次)', () => {
    const js = new Map(jiangsu.items.map((i) => [i.code, i.promisedDays]));
    for (const item of zhejiang.items) {
      const theirs = js.get(item.code);
      if (theirs !== undefined) expect(item.promisedDays, item.code).toBeLessThanOrEqual(theirs);
    }
  });
});

describe('partners and the recognition map (互认目录)', () => {
  it('empty partners and recognition are valid', () => {
    const cfg = copy();
    cfg.partners = [];
    cfg.recognition = [];
    expect(parseProvinceConfig(cfg).recognition).toEqual([]);
  });

  it('a pinned P-256 SPKI key is accepted', () => {
    const cfg = copy();
    cfg.partners[0]!.publicKeyPem = spkiPem('ec');
    expect(parseProvinceConfig(cfg).partners[0]?.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('a key that is not PEM, or not P-256, is rejected', () => {
    const cfg = copy();
    cfg.partners[0]!.publicKeyPem = 'not a key';
    cfg.partners[1]!.publicKeyPem = spkiPem('ec', 'P-384');
    const problems = problemsOf(cfg);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^partners\[0\]\.publicKeyPem: .*SPKI PEM/);
    expect(problems[1]).toMatch(/^partners\[1\]\.publicKeyPem: .*P-256/);
    cfg.partners[0]!.publicKeyPem = spkiPem('rsa');
    expect(problemsOf(cfg).join('\n')).toMatch(/partners\[0\]\.publicKeyPem: .*P-256/);
  });

  it('a partner equal to the province itself', () => {
    const cfg = copy();
    cfg.partners.push({ code: 'JS', name: '江苏省' });
    expect(problemsOf(cfg)).toEqual(['partners[2].code: 合作省份不能是本省自身：JS']);
  });

  it('a partner code that is not two capital letters, and a duplicate partner', () => {
    const cfg = copy();
    cfg.partners.push({ code: 'zj', name: '浙江省' });
    expect(problemsOf(cfg)[0]).toMatch(/^partners\[2\]\.code: .*两位大写字母/);
    cfg.partners[2]!.code = 'ZJ';
    expect(problemsOf(cfg).join('\n')).toMatch(/合作省份代码重复：ZJ/);
  });

  it('a recognition from a province that is not a partner', () => {
    const cfg = copy();
    cfg.recognition.push({
      fromProvince: 'AH',
      fromItem: 'landUsePlanningPermit',
      toItem: 'landUsePlanningPermit',
    });
    const i = cfg.recognition.length - 1;
    expect(problemsOf(cfg)).toEqual([
      `recognition[${i}].fromProvince: 互认目录的来源省份 AH 不是合作省份（事项 landUsePlanningPermit）`,
    ]);
  });

  it('a recognition to a local item that does not exist', () => {
    const cfg = copy();
    cfg.recognition.push({
      fromProvince: 'SH',
      fromItem: 'greeningSchemeReview',
      toItem: 'greeningSchemeReview',
    });
    const i = cfg.recognition.length - 1;
    expect(problemsOf(cfg)).toEqual([
      `recognition[${i}].toItem: 互认目录引用的本省事项 greeningSchemeReview 不存在（来源 SH/greeningSchemeReview）`,
    ]);
  });

  it('the same partner item twice', () => {
    const cfg = copy();
    cfg.recognition.push({
      fromProvince: 'ZJ',
      fromItem: 'landUsePlanningPermit',
      toItem: 'worksPlanningPermit',
    });
    const i = cfg.recognition.length - 1;
    expect(problemsOf(cfg)).toEqual([`recognition[${i}].fromItem: 互认目录中 ZJ/landUsePlanningPermit 重复`]);
  });

  it('badly shaped entries and missing fields', () => {
    const { recognition: _, ...withoutRecognition } = copy();
    expect(problemsOf(withoutRecognition)[0]).toMatch(/^recognition: /);
    const cfg = copy();
    cfg.recognition[0] = {
      fromProvince: 'ZJ',
      fromItem: 'a/b',
      toItem: 'landUsePlanningPermit',
      extra: 1,
    } as never;
    const all = problemsOf(cfg).join('\n');
    expect(all).toMatch(/recognition\[0\]\.fromItem: /);
    expect(all).toMatch(/recognition\[0\].*extra/);
  });
});

describe('a broken configuration is rejected with every problem named', () => {
  it('unknown department of an item', () => {
    const cfg = copy();
    cfg.items[0]!.department = 'planning';
    const problems = problemsOf(cfg);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^items\[0\]\.department: .*investmentApproval.*planning.*不存在/);
  });

  it('unknown lead department of a stage', () => {
    const cfg = copy();
    cfg.stages[1]!.leadDepartment = 'nowhere';
    expect(problemsOf(cfg).join('\n')).toMatch(/stages\[1\]\.leadDepartment: .*nowhere.*不存在/);
  });

  it('deficiencyAllowed containing a core material', () => {
    const cfg = copy();
    const item = cfg.items.find((i) => i.code === 'constructionPermit')!;
    item.deficiencyAllowed.push('bidAwardNotice');
    expect(problemsOf(cfg).join('\n')).toMatch(/constructionPermit.*bidAwardNotice.*实质性材料/);
  });

  it('deficiencyAllowed outside the item’s materials', () => {
    const cfg = copy();
    cfg.items[0]!.deficiencyAllowed.push('topographicMap');
    expect(problemsOf(cfg).join('\n')).toMatch(/topographicMap.*不在该事项的申请材料中/);
  });

  it('promised limit beyond the statutory one', () => {
    const cfg = copy();
    const item = cfg.items.find((i) => i.code === 'constructionPermit')!;
    item.promisedDays = 9;
    expect(problemsOf(cfg).join('\n')).toMatch(
      /promisedDays: .*constructionPermit.*9个工作日.*超过法定时限.*7个工作日/,
    );
  });

  it('duplicate item code', () => {
    const cfg = copy();
    cfg.items.push({ ...cfg.items[0]! });
    expect(problemsOf(cfg).join('\n')).toMatch(/事项代码重复：investmentApproval/);
  });

  it('duplicate material and department codes', () => {
    const cfg = copy();
    cfg.materials.push({ code: 'energyReport', name: '节能报告（副本）', core: true });
    cfg.departments.push({ code: 'eco', name: '重复', leadTitle: '处长' });
    const all = problemsOf(cfg).join('\n');
    expect(all).toMatch(/材料代码重复：energyReport/);
    expect(all).toMatch(/部门代码重复：eco/);
  });

  it('stage referring to an unknown item, and an unknown material', () => {
    const cfg = copy();
    cfg.stages[0]!.items.push({ code: 'ghostItem', required: false });
    cfg.items[1]!.materials.push('ghostMaterial');
    const all = problemsOf(cfg).join('\n');
    expect(all).toMatch(/ghostItem.*不存在/);
    expect(all).toMatch(/ghostMaterial.*不存在/);
  });

  it('stage promise shorter than a required item', () => {
    const cfg = copy();
    cfg.stages[3]!.promisedDays = 3;
    expect(problemsOf(cfg).join('\n')).toMatch(/completionAcceptance.*短于必办事项/);
  });

  it('the same stage twice, an exempt category that is not eligible, a disordered ladder', () => {
    const cfg = copy();
    cfg.stages.push(structuredClone(cfg.stages[0]!));
    cfg.admission.categories = cfg.admission.categories.filter((c) => c.category !== 'emergency');
    cfg.escalation.reverse();
    const all = problemsOf(cfg).join('\n');
    expect(all).toMatch(/阶段 projectApproval 重复配置/);
    expect(all).toMatch(/emergency 不是准入类别/);
    expect(all).toMatch(/层级须递增/);
  });

  it('several problems at once, all listed in the error message', () => {
    const cfg = copy();
    cfg.items[0]!.department = 'planning';
    cfg.items[2]!.promisedDays = 99;
    expect(() => parseProvinceConfig(cfg)).toThrow(/省份配置 JS 无效（\d+ 处问题）[\s\S]*planning[\s\S]*99/);
  });

  it('structural problems: wrong types, unknown keys, out-of-range values', () => {
    const raw = { ...copy(), code: 'jiangsu', lamps: { yellowShare: 1.5, yellowRemainingDays: 2 }, extra: 1 };
    const problems = problemsOf(raw);
    expect(problems.some((p) => p.startsWith('code:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('lamps.yellowShare:'))).toBe(true);
    expect(problems.some((p) => p.includes('extra'))).toBe(true);
    expect(problemsOf(null)).toHaveLength(1);
  });

  it('correction notice beyond the five days of 行政许可法第三十二条', () => {
    const cfg = copy();
    cfg.acceptance.correctionNoticeDays = 6;
    expect(problemsOf(cfg)[0]).toMatch(/^acceptance\.correctionNoticeDays:/);
  });
});
