import { z } from '@hono/zod-openapi';
import { PROJECT_CATEGORIES } from '../../../shared/domain/model.js';
import { caseStatus, instant, isoDate, itemStatus, lamp, stage } from './common.js';

/** 一张图: the province view and the project view. */

const departmentRef = z.object({ code: z.string(), name: z.string() }).openapi('MapDepartment');

export const mapProjectSchema = z
  .object({
    projectId: z.string(),
    projectCode: z.string().openapi({ description: '投资项目统一代码' }),
    name: z.string(),
    category: z.enum(PROJECT_CATEGORIES),
    priority: z.number().int().optional().openapi({ description: '准入时确定的优先级（1 最高）' }),
    investmentWan: z.number().openapi({ description: '总投资（万元），地图上按此确定圆点大小' }),
    partnerProvinces: z.array(z.string()),
    divisionCode: z.string().optional().openapi({ description: '行政区划代码（GB/T 2260）' }),
    tile: z
      .string()
      .optional()
      .openapi({ description: '所在图块的区划代码；缺省表示未登记区划代码，未上图' }),
    prefectureName: z.string().optional().openapi({ description: '地市' }),
    countyName: z.string().optional().openapi({ description: '区县' }),
    stage: stage.optional().openapi({ description: '当前阶段（已申报的最后一个阶段）；缺省表示尚未申报' }),
    lamp: lamp.openapi({ description: '最差亮灯：在办办件的事项与受理、全流程审批时间' }),
    openCases: z.number().int(),
    redItems: z.number().int().openapi({ description: '在办红灯事项数' }),
    yellowItems: z.number().int().openapi({ description: '在办黄灯事项数' }),
    departments: z.array(z.string()).openapi({ description: '参与该项目审批的部门代码' }),
    budgetUsedDays: z.number().int().openapi({ description: '全流程已用工作日' }),
    budgetDays: z.number().int().openapi({ description: '全流程审批时间（工作日）' }),
  })
  .openapi('MapProject');

export const provinceMapSchema = z
  .object({
    province: z.string(),
    provinceName: z.string(),
    asOf: isoDate,
    generatedAt: instant,
    grid: z
      .object({
        level: z.enum(['prefecture', 'county']).openapi({ description: '图块代表地市（省）或区（直辖市）' }),
        rows: z.number().int(),
        cols: z.number().int(),
        tiles: z.array(
          z.object({ code: z.string(), name: z.string(), row: z.number().int(), col: z.number().int() }),
        ),
      })
      .openapi('MapGrid', { description: '示意图（按地理方位手工排布的图块），非行政边界' }),
    departments: z.array(departmentRef),
    projects: z.array(mapProjectSchema).openapi({ description: '符合筛选条件的已纳入项目，按投资额降序' }),
    admitted: z.number().int().openapi({ description: '已纳入绿色通道的项目数（筛选前）' }),
    unplaced: z.number().int().openapi({ description: '未登记行政区划代码、未能上图的项目数（筛选前）' }),
  })
  .openapi('ProvinceMap');

const boardNodeSchema = z
  .object({
    caseId: z.string(),
    code: z.string(),
    name: z.string(),
    department: z.string(),
    status: itemStatus,
    lamp,
    dueDate: isoDate.optional().openapi({ description: '承诺办结日（扣除停止计时）' }),
    elapsedDays: z.number().int(),
    promisedDays: z.number().int(),
    clockStopped: z.boolean().openapi({ description: '当前停止计时' }),
    clockStops: z.array(
      z.object({
        kind: z.enum(['correction', 'deficiency', 'specialProcedure']),
        from: isoDate,
        to: isoDate.optional(),
      }),
    ),
    recognisedFrom: z
      .object({ origin: z.string(), resultNo: z.string(), decidedAt: instant })
      .optional()
      .openapi({ description: '互认：采用的合作省份审批结果及其来源' }),
  })
  .openapi('MapItemNode');

const partnerNodeSchema = z
  .object({
    origin: z.string().openapi({ description: '来源省份' }),
    stage: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    department: z.string(),
    resultNo: z.string(),
    decidedAt: instant,
    localItems: z.array(z.string()).openapi({ description: '对应的本省事项' }),
    revoked: z.boolean(),
  })
  .openapi('MapPartnerNode');

export const projectMapSchema = z
  .object({
    province: z.string(),
    asOf: isoDate,
    project: mapProjectSchema,
    departments: z.array(departmentRef),
    stages: z.array(
      z
        .object({
          stage,
          caseId: z.string().optional().openapi({ description: '该阶段最新办件' }),
          caseStatus: caseStatus.optional(),
          lamp: lamp.optional(),
          departments: z.array(z.object({ department: z.string(), nodes: z.array(boardNodeSchema) })),
          partner: z
            .array(partnerNodeSchema)
            .openapi({ description: '合作省份该阶段的审批结果（来自合作省份视图）' }),
        })
        .openapi('MapStage'),
    ),
  })
  .openapi('ProjectMap');

export const divisionsSchema = z
  .object({
    province: z.string(),
    divisions: z.array(
      z
        .object({
          code: z.string(),
          name: z.string(),
          level: z.enum(['prefecture', 'county']),
          prefecture: z.string(),
        })
        .openapi('Division'),
    ),
  })
  .openapi('Divisions', { description: '本省行政区划代码（GB/T 2260，地市与区县）' });
