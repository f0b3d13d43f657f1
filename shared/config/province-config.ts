/**
 * The configuration of one province's deployment: departments, the catalogue of approval items and
 * materials, the four stages, time limits, 容缺 policy, admission rules and the escalation ladder.
 * Everything that varies between provinces lives here (DOMAIN.md: "configuration, not code"); it is
 * validated once at start-up so that the services may trust every cross-reference.
 */
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import {
  ART45_PROCEDURE_TYPES,
  PROJECT_CATEGORIES,
  SPECIAL_PROCEDURE_TYPES,
  STAGES,
} from '../domain/model.js';
import { FLOW_BUDGET_CEILING } from '../domain/project-budget.js';
import { publicKeyFingerprint, type TrustedKey } from '../domain/signature.js';

// Codes end up in store keys and in `${item}/${material}` composites: no slashes, no spaces.
const code = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, '代码只能由字母、数字、下划线、点和连字符组成，且以字母开头');
const nameZh = z.string().trim().min(1, '名称不能为空');
const workingDays = z.number().int().min(1).max(365);
const provinceCode = z.string().regex(/^[A-Z]{2}$/, '省份代码应为两位大写字母，如 JS');

/** A partner's public signing key: SPKI PEM of an ECDSA P-256 key (what verifies its signed results). */
const publicKeyPem = z
  .string()
  .trim()
  .regex(/^-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----$/, {
    message: '公钥应为 SPKI PEM 格式（-----BEGIN PUBLIC KEY-----）',
    abort: true,
  })
  .refine(isP256PublicKey, '公钥应为 P-256（prime256v1）椭圆曲线公钥');

function isP256PublicKey(pem: string): boolean {
  try {
    const key = createPublicKey({ key: pem, format: 'pem', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

export const ESCALATION_ROLES = [
  'reviewer',
  'departmentLead',
  'firstReceiver',
  'workingGroup',
  'chairLeader',
] as const;
export type EscalationRole = (typeof ESCALATION_ROLES)[number];

const departmentSchema = z.strictObject({
  code,
  name: nameZh,
  /** the title of the department's lead, named in escalation notices (e.g. 处长) */
  leadTitle: nameZh,
});

const materialSchema = z.strictObject({
  code,
  name: nameZh,
  /** 实质性材料: must always be complete, never accepted under 容缺 */
  core: z.boolean(),
});

const itemSchema = z.strictObject({
  code,
  name: nameZh,
  department: code,
  /** 法定时限, working days */
  statutoryDays: workingDays,
  /** 承诺时限 of the green channel, working days, compressed below the statutory limit */
  promisedDays: workingDays,
  materials: z.array(code).min(1),
  deficiencyAllowed: z.array(code),
  /** 告知承诺: a signed commitment may replace proof */
  pledgeAllowed: z.boolean(),
  legalBasis: z.string().trim().min(1).optional(),
});

const stageSchema = z.strictObject({
  stage: z.enum(STAGES),
  name: nameZh,
  leadDepartment: code,
  /** stage 1: 发展改革 leads for government-invested projects */
  leadDepartmentGovernmentInvested: code.optional(),
  /** parallel items (环评, 节能…) are optional items of the stage they run alongside */
  items: z.array(z.strictObject({ code, required: z.boolean() })).min(1),
  /** the one total time limit promised to the applicant for the stage, working days */
  promisedDays: workingDays,
});

const categorySchema = z.enum(PROJECT_CATEGORIES);

export const provinceConfigSchema = z
  .strictObject({
    code: provinceCode,
    name: nameZh,
    regionPrefix: z.string().regex(/^\d{2}$/, '行政区划码前缀应为两位数字，如 32'),
    departments: z.array(departmentSchema).min(1),
    materials: z.array(materialSchema).min(1),
    items: z.array(itemSchema).min(1),
    stages: z.array(stageSchema).min(1),
    /**
     * 全流程审批时间 by project class, working days: at most 120, simple projects at most 90
     * (国办发〔2019〕11号). The stages' promised limits must fit inside both.
     */
    flowBudget: z.strictObject({
      standard: workingDays.max(
        FLOW_BUDGET_CEILING.standard,
        '全流程审批时间不得超过120个工作日（国办发〔2019〕11号）',
      ),
      simple: workingDays.max(
        FLOW_BUDGET_CEILING.simple,
        '简易项目全流程审批时间不得超过90个工作日（国办发〔2019〕11号）',
      ),
    }),
    acceptance: z.strictObject({
      /** 受理时限, working days */
      days: z.number().int().min(1).max(20),
      /** 一次告知 of missing materials: at most 5 days (行政许可法第三十二条) */
      correctionNoticeDays: z.number().int().min(1).max(5),
    }),
    lamps: z.strictObject({
      yellowShare: z.number().gt(0).max(1),
      yellowRemainingDays: z.number().int().min(0),
    }),
    /** 延长审查期限: the most working days one extension may add (行政许可法第四十二条: ten) */
    extension: z.strictObject({
      maxDays: z.number().int().min(1).max(10, '延长审查期限不得超过10个工作日（行政许可法第四十二条）'),
    }),
    /** 送达: working days from the decision to its delivery (行政许可法第四十四条: ten) */
    delivery: z.strictObject({
      days: z.number().int().min(1).max(10, '审批决定应在作出之日起10个工作日内送达（行政许可法第四十四条）'),
    }),
    deficiency: z.strictObject({
      /** the longest supplement period, working days (also capped by each item's promised limit) */
      maxDays: workingDays,
      /** withhold: result issued once supplements arrive; approveWithDeficiencies: 容缺通过 */
      resultPolicy: z.enum(['withhold', 'approveWithDeficiencies']),
      /** an applicant with this many credit marks or more may not use 容缺 */
      barredAfterCreditMarks: z.number().int().min(1),
    }),
    /** 告知承诺 (国办发〔2020〕42号): the post-approval check and when misuse proposes exit */
    pledge: z.strictObject({
      /** 事后核查 is due this many working days after the approval on commitment */
      checkDays: workingDays,
      /** credit marks (failed checks, lapsed 容缺) from which exit is proposed for abuse (滥用) */
      abuseAfterCreditMarks: z.number().int().min(1),
    }),
    admission: z.strictObject({
      /** eligible categories with their priority, 1 the highest (三个优先) */
      categories: z
        .array(z.strictObject({ category: categorySchema, priority: z.number().int().min(1) }))
        .min(1),
      /** minimum total investment in 万元 */
      minInvestmentWan: z.number().min(0),
      /** categories admitted whatever the amount (e.g. 突发事件应急工程) */
      investmentExemptCategories: z.array(categorySchema),
    }),
    escalation: z
      .array(
        z.strictObject({
          level: z.number().int().min(1),
          role: z.enum(ESCALATION_ROLES),
          nameZh,
          /** working days overdue after which this level is notified */
          afterOverdueDays: z.number().int().min(0),
        }),
      )
      .min(1),
    /**
     * 特别程序: the only types a reviewer may use here, each with its longest time in working days and
     * its legal basis (行政许可法第四十五条 for its eight; any other type needs a basis of its own).
     * `jointReview` listed: a 联合审查 meeting stops the items' clocks until its outcome.
     */
    specialProcedures: z.array(
      z.strictObject({
        type: z.enum(SPECIAL_PROCEDURE_TYPES),
        maxDays: workingDays,
        basisZh: z.string().trim().min(1, '特别程序须写明法律依据').max(200),
      }),
    ),
    /** the window that receives applications (绿色通道专窗) */
    windowUnit: nameZh,
    /** partner provinces whose approval results are recognised (互认); may be empty */
    partners: z.array(
      z.strictObject({
        code: provinceCode,
        name: nameZh,
        /**
         * 合作省份公钥, verifying the partner's signed results. Optional: locally each province
         * generates its key at first start and the keys are exchanged through the data folder.
         */
        publicKeyPem: publicKeyPem.optional(),
        /**
         * 合作省份密钥（轮换）: every key the partner signs with, each with the id its signatures
         * name and an optional validity window. During a rotation both keys are listed and the
         * old key's validUntil closes the overlap. Pinned at start; nothing re-reads them later.
         */
        keys: z
          .array(
            z.strictObject({
              keyId: z.string().trim().min(1, '密钥编号不能为空').max(256),
              publicKeyPem,
              validFrom: z.iso.datetime({ offset: true }).optional(),
              validUntil: z.iso.datetime({ offset: true }).optional(),
            }),
          )
          .optional(),
      }),
    ),
    /**
     * 互认目录: which partner items count for which local items. A recognised result spares the
     * local review of `toItem`; may be empty.
     */
    recognition: z.array(
      z.strictObject({
        /** the partner that issued the result */
        fromProvince: provinceCode,
        /** the item code in the partner's catalogue */
        fromItem: code,
        /** the local item the result counts for */
        toItem: code,
      }),
    ),
  })
  .superRefine((cfg, ctx) => {
    const problem = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });

    const unique = (what: string, field: string, codes: string[]) => {
      const seen = new Set<string>();
      codes.forEach((c, i) => {
        if (seen.has(c)) problem([field, i, 'code'], `${what}代码重复：${c}`);
        seen.add(c);
      });
    };
    unique(
      '部门',
      'departments',
      cfg.departments.map((d) => d.code),
    );
    unique(
      '材料',
      'materials',
      cfg.materials.map((m) => m.code),
    );
    unique(
      '事项',
      'items',
      cfg.items.map((i) => i.code),
    );
    unique(
      '合作省份',
      'partners',
      cfg.partners.map((p) => p.code),
    );

    cfg.partners.forEach((p, i) => {
      if (p.code === cfg.code) problem(['partners', i, 'code'], `合作省份不能是本省自身：${p.code}`);
      const keyIds = new Set<string>();
      (p.keys ?? []).forEach((k, j) => {
        if (keyIds.has(k.keyId)) problem(['partners', i, 'keys', j, 'keyId'], `密钥编号重复：${k.keyId}`);
        keyIds.add(k.keyId);
        if (k.validFrom && k.validUntil && Date.parse(k.validFrom) >= Date.parse(k.validUntil)) {
          problem(['partners', i, 'keys', j, 'validUntil'], '密钥有效期的结束时间应晚于开始时间');
        }
      });
    });

    const departments = new Set(cfg.departments.map((d) => d.code));
    const materials = new Map(cfg.materials.map((m) => [m.code, m]));
    const items = new Map(cfg.items.map((i) => [i.code, i]));

    cfg.items.forEach((item, i) => {
      if (!departments.has(item.department)) {
        problem(['items', i, 'department'], `事项 ${item.code} 的主管部门 ${item.department} 不存在`);
      }
      if (item.promisedDays > item.statutoryDays) {
        problem(
          ['items', i, 'promisedDays'],
          `事项 ${item.code} 的承诺时限（${item.promisedDays}个工作日）超过法定时限（${item.statutoryDays}个工作日）`,
        );
      }
      const own = new Set<string>();
      item.materials.forEach((m, j) => {
        if (!materials.has(m))
          problem(['items', i, 'materials', j], `事项 ${item.code} 引用的材料 ${m} 不存在`);
        if (own.has(m)) problem(['items', i, 'materials', j], `事项 ${item.code} 的材料 ${m} 重复`);
        own.add(m);
      });
      item.deficiencyAllowed.forEach((m, j) => {
        const path = ['items', i, 'deficiencyAllowed', j];
        if (!own.has(m)) {
          problem(path, `事项 ${item.code} 的容缺材料 ${m} 不在该事项的申请材料中`);
        } else if (materials.get(m)?.core) {
          problem(path, `事项 ${item.code} 的容缺材料 ${m} 是实质性材料，不能容缺`);
        }
      });
    });

    const stagesSeen = new Set<string>();
    cfg.stages.forEach((stage, s) => {
      if (stagesSeen.has(stage.stage)) problem(['stages', s, 'stage'], `阶段 ${stage.stage} 重复配置`);
      stagesSeen.add(stage.stage);
      if (!departments.has(stage.leadDepartment)) {
        problem(
          ['stages', s, 'leadDepartment'],
          `阶段 ${stage.stage} 的牵头部门 ${stage.leadDepartment} 不存在`,
        );
      }
      const govLead = stage.leadDepartmentGovernmentInvested;
      if (govLead !== undefined && !departments.has(govLead)) {
        problem(
          ['stages', s, 'leadDepartmentGovernmentInvested'],
          `阶段 ${stage.stage} 的政府投资项目牵头部门 ${govLead} 不存在`,
        );
      }
      const inStage = new Set<string>();
      stage.items.forEach((ref, j) => {
        const path = ['stages', s, 'items', j, 'code'];
        if (inStage.has(ref.code)) problem(path, `阶段 ${stage.stage} 中事项 ${ref.code} 重复`);
        inStage.add(ref.code);
        const item = items.get(ref.code);
        if (!item) {
          problem(path, `阶段 ${stage.stage} 引用的事项 ${ref.code} 不存在`);
        } else if (item.promisedDays > stage.promisedDays) {
          // Items run in parallel and the stage closes only when all are decided, so the stage
          // promise must cover the slowest item it may contain, optional (并联) ones included.
          problem(
            ['stages', s, 'promisedDays'],
            `阶段 ${stage.stage} 的承诺时限（${stage.promisedDays}个工作日）短于${ref.required ? '必办' : '可选'}事项 ${ref.code} 的承诺时限（${item.promisedDays}个工作日）`,
          );
        }
      });
      if (!stage.items.some((ref) => ref.required)) {
        problem(['stages', s, 'items'], `阶段 ${stage.stage} 至少应有一个必办事项`);
      }
    });

    // The four stages run one after another: their promises together must fit every class's budget.
    const stageTotal = cfg.stages.reduce((sum, st) => sum + st.promisedDays, 0);
    if (cfg.flowBudget.simple > cfg.flowBudget.standard) {
      problem(['flowBudget', 'simple'], '简易项目的全流程审批时间不应长于一般项目');
    }
    const tightest = Math.min(cfg.flowBudget.standard, cfg.flowBudget.simple);
    if (stageTotal > tightest) {
      problem(
        ['flowBudget'],
        `各阶段承诺时限之和（${stageTotal}个工作日）超过全流程审批时间（${tightest}个工作日）`,
      );
    }

    // 互认目录: only configured partners, only local items, one entry per partner item.
    const partners = new Set(cfg.partners.map((p) => p.code));
    const recognised = new Set<string>();
    cfg.recognition.forEach((r, i) => {
      if (!partners.has(r.fromProvince)) {
        problem(
          ['recognition', i, 'fromProvince'],
          `互认目录的来源省份 ${r.fromProvince} 不是合作省份（事项 ${r.fromItem}）`,
        );
      }
      if (!items.has(r.toItem)) {
        problem(
          ['recognition', i, 'toItem'],
          `互认目录引用的本省事项 ${r.toItem} 不存在（来源 ${r.fromProvince}/${r.fromItem}）`,
        );
      }
      const pair = `${r.fromProvince}/${r.fromItem}`;
      if (recognised.has(pair)) problem(['recognition', i, 'fromItem'], `互认目录中 ${pair} 重复`);
      recognised.add(pair);
    });

    const eligible = new Set<string>();
    cfg.admission.categories.forEach((c, i) => {
      if (eligible.has(c.category))
        problem(['admission', 'categories', i, 'category'], `准入类别 ${c.category} 重复`);
      eligible.add(c.category);
    });
    cfg.admission.investmentExemptCategories.forEach((c, i) => {
      if (!eligible.has(c)) {
        problem(['admission', 'investmentExemptCategories', i], `免投资额限制的类别 ${c} 不是准入类别`);
      }
    });

    // 特别程序: one entry per type; 第四十五条 does not cover a type it does not name.
    const procedureTypes = new Set<string>();
    cfg.specialProcedures.forEach((p, i) => {
      if (procedureTypes.has(p.type))
        problem(['specialProcedures', i, 'type'], `特别程序类型重复：${p.type}`);
      procedureTypes.add(p.type);
      if (!ART45_PROCEDURE_TYPES.includes(p.type) && p.basisZh.includes('第四十五条')) {
        problem(
          ['specialProcedures', i, 'basisZh'],
          `行政许可法第四十五条未列特别程序 ${p.type}，须写明其他依据`,
        );
      }
    });

    // The ladder is climbed in order: each level later (or no earlier) than the one below it.
    cfg.escalation.forEach((step, i) => {
      const prev = cfg.escalation[i - 1];
      if (prev && step.level <= prev.level) {
        problem(
          ['escalation', i, 'level'],
          `督办升级层级须递增：第 ${step.level} 级排在第 ${prev.level} 级之后`,
        );
      }
      if (prev && step.afterOverdueDays < prev.afterOverdueDays) {
        problem(['escalation', i, 'afterOverdueDays'], `督办升级第 ${step.level} 级的超期天数早于上一级`);
      }
    });
  });

export type ProvinceConfig = z.infer<typeof provinceConfigSchema>;

/** A configuration that failed validation, with every problem in readable form. */
export class ProvinceConfigError extends Error {
  constructor(
    readonly province: string,
    readonly problems: string[],
  ) {
    super(
      `省份配置 ${province} 无效（${problems.length} 处问题）：\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ProvinceConfigError';
  }
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

// Built-in zod messages in Chinese, for this parse only (no global locale side effect).
const zhCN = z.locales.zhCN();

/**
 * Validates a raw configuration at start-up; throws a ProvinceConfigError listing every problem.
 * Cross-references are checked once the shape is valid, so a badly shaped file reports its shape
 * problems first.
 */
export function parseProvinceConfig(raw: unknown): ProvinceConfig {
  const result = provinceConfigSchema.safeParse(raw, { error: zhCN.localeError });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  const province =
    typeof raw === 'object' && raw !== null && typeof (raw as { code?: unknown }).code === 'string'
      ? (raw as { code: string }).code
      : '（未知）';
  throw new ProvinceConfigError(province, problems);
}

/**
 * The partner keys the configuration pins, as verification consumes them. A bare publicKeyPem is
 * one key without a window whose id is its fingerprint (what the local signer names); keys given
 * with explicit ids (e.g. KMS key ids) are listed as configured.
 */
export function configuredPartnerKeys(cfg: Pick<ProvinceConfig, 'partners'>): TrustedKey[] {
  return cfg.partners.flatMap((p) => [
    ...(p.publicKeyPem
      ? [{ origin: p.code, publicKeyPem: p.publicKeyPem, keyId: publicKeyFingerprint(p.publicKeyPem) }]
      : []),
    ...(p.keys ?? []).map((k) => ({ origin: p.code, ...k })),
  ]);
}
