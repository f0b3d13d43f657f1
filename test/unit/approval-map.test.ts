import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divisionsOf } from '../../shared/config/divisions.js';
import { mapGridOf } from '../../shared/config/map-grids/index.js';
import {
  currentStage,
  divisionCodeProblem,
  matchesFilter,
  type PartnerNode,
  placeOnGrid,
  prefectureOf,
  projectBoard,
  projectStanding,
} from '../../shared/domain/approval-map.js';
import type { CaseItem, Lamp, StageCase } from '../../shared/domain/model.js';
import { at, cal, decidedOnOf, project, thresholds, underReview } from './fixtures.js';

/** accepted 30 Sep 2025, the eve of the National Day holiday (1–8 Oct off; Sat 11 Oct is a 调休 working day) */
const accepted = (): StageCase => {
  const c = underReview('2025-09-30');
  return { ...c, items: c.items.map((i): CaseItem => ({ ...i, promisedDays: 10 })) };
};
const recognised = (i: CaseItem): CaseItem => ({
  ...i,
  status: 'recognised',
  decision: {
    outcome: 'approve',
    by: 'partner:ZJ',
    at: at('2025-10-09'),
    recognition: {
      origin: 'ZJ',
      eventId: 'e-1',
      caseId: 'zj-case',
      itemCode: i.code,
      resultNo: 'ZJ-R-1',
      resultHash: 'a'.repeat(64),
      contentHash: 'b'.repeat(64),
      signature: 'sig',
      keyId: 'k',
      decidedAt: at('2025-10-08'),
      receivedAt: at('2025-10-09'),
    },
  },
});
const standingOn = (cases: StageCase[], today: string, budget: Lamp = 'green') =>
  projectStanding(cal, cases, budget, today, thresholds, decidedOnOf);

describe('placement on the schematic map (GB/T 2260)', () => {
  const js = mapGridOf('JS');
  const sh = mapGridOf('SH');

  it('a county sits on its prefecture tile; a municipality district on its own tile', () => {
    expect(prefectureOf('320115')).toBe('320100');
    expect(placeOnGrid(js, '320115')).toEqual({ code: '320100', row: 4, col: 0 }); // 江宁区 → 南京
    expect(placeOnGrid(js, '320100')).toEqual({ code: '320100', row: 4, col: 0 });
    expect(placeOnGrid(sh, '310115')).toEqual({ code: '310115', row: 3, col: 4 }); // 浦东新区
    expect(placeOnGrid(js, undefined)).toBeUndefined();
    expect(placeOnGrid(js, '330106')).toBeUndefined(); // 杭州西湖区 is not on 江苏's map
  });

  it('each grid covers every prefecture (districts in 上海) of the division list, one tile per cell', () => {
    for (const [code, prefix, level] of [
      ['JS', '32', 'prefecture'],
      ['ZJ', '33', 'prefecture'],
      ['SH', '31', 'county'],
    ] as const) {
      const grid = mapGridOf(code);
      const expected = divisionsOf(prefix)
        .filter((d) => d.level === level)
        .map((d) => d.code);
      expect(grid.tiles.map((t) => t.code).sort()).toEqual(expected.sort());
      const cells = grid.tiles.map((t) => `${t.row},${t.col}`);
      expect(new Set(cells).size).toBe(cells.length);
    }
  });

  it('property: every division of 江苏 and 浙江 lands on the tile of its own prefecture', () => {
    const all = [...divisionsOf('32'), ...divisionsOf('33')];
    fc.assert(
      fc.property(fc.constantFrom(...all), (d) => {
        const tile = placeOnGrid(mapGridOf(d.code.startsWith('32') ? 'JS' : 'ZJ'), d.code);
        expect(tile?.code).toBe(d.prefecture);
      }),
    );
  });

  it('a division code must be six digits, of this province and in its list', () => {
    const known = new Set(divisionsOf('32').map((d) => d.code));
    expect(divisionCodeProblem('320115', '32', known)).toBeUndefined();
    expect(divisionCodeProblem('32011', '32', known)).toBe('format');
    expect(divisionCodeProblem('3201150', '32', known)).toBe('format');
    expect(divisionCodeProblem('330106', '32', known)).toBe('province');
    expect(divisionCodeProblem('320000', '32', known)).toBe('unknown');
    expect(divisionCodeProblem('329999', '32', known)).toBe('unknown');
  });
});

describe('worst lamp of a project', () => {
  it('counts working days across the holiday: 2 used on 10 Oct (green), 10 on 21 Oct (yellow), 11 on 22 Oct (red)', () => {
    expect(standingOn([accepted()], '2025-10-10')).toMatchObject({
      lamp: 'green',
      redItems: 0,
      yellowItems: 0,
    });
    const n = accepted().items.length;
    expect(standingOn([accepted()], '2025-10-21')).toMatchObject({ lamp: 'yellow', yellowItems: n });
    expect(standingOn([accepted()], '2025-10-22')).toMatchObject({
      lamp: 'red',
      redItems: n,
      openCases: 1,
      stage: 'projectApproval',
    });
  });

  it('recognised items count zero: only the items reviewed here turn red', () => {
    const c = accepted();
    const [first, ...rest] = c.items;
    const mixed: StageCase = { ...c, items: [first!, ...rest.map(recognised)] };
    expect(standingOn([mixed], '2025-10-22')).toMatchObject({ lamp: 'red', redItems: 1 });
    const allRecognised: StageCase = { ...c, items: c.items.map(recognised) };
    expect(standingOn([allRecognised], '2025-10-22')).toMatchObject({ lamp: 'green', redItems: 0 });
  });

  it('a clock stop (补正 14–20 Oct, 5 working days) keeps the item green on 22 Oct: 11 − 5 = 6 of 10', () => {
    const c = accepted();
    const stopped: StageCase = {
      ...c,
      items: c.items.map((i) => ({
        ...i,
        clockStops: [{ kind: 'correction', from: '2025-10-13', to: '2025-10-20' }],
      })),
    };
    expect(standingOn([stopped], '2025-10-22')).toMatchObject({ lamp: 'green', redItems: 0 });
  });

  it('closed cases light nothing; the budget lamp still counts', () => {
    const closed: StageCase = { ...accepted(), status: 'approved' };
    expect(standingOn([closed], '2025-12-31')).toMatchObject({ lamp: 'green', openCases: 0 });
    expect(standingOn([closed], '2025-12-31', 'red').lamp).toBe('red');
    expect(standingOn([], '2025-12-31', 'yellow')).toMatchObject({ lamp: 'yellow', departments: [] });
  });

  it('an acceptance past its limit is red', () => {
    const waiting: StageCase = { ...accepted(), status: 'submitted', acceptDueDate: '2025-10-09' };
    expect(standingOn([waiting], '2025-10-10').lamp).toBe('red');
  });

  it('property: the worst lamp is never better than the budget lamp', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Lamp>('green', 'yellow', 'red'),
        fc.integer({ min: 0, max: 60 }),
        (budget, d) => {
          const day = cal.addWorkingDays('2025-09-30', d).date;
          const sev = { green: 0, yellow: 1, red: 2 };
          expect(sev[standingOn([accepted()], day, budget).lamp]).toBeGreaterThanOrEqual(sev[budget]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('stage and filters', () => {
  it('the current stage is the furthest filed', () => {
    expect(currentStage([])).toBeUndefined();
    expect(currentStage([{ stage: 'worksPermit' }, { stage: 'projectApproval' }])).toBe('worksPermit');
  });

  it('filters by stage, priority, category and department; absent filters pass all', () => {
    const p = project();
    const s = standingOn([accepted()], '2025-10-10');
    const dept = s.departments[0]!;
    expect(matchesFilter(p, s, {})).toBe(true);
    expect(
      matchesFilter(p, s, {
        stage: 'projectApproval',
        priority: 1,
        category: 'provincialKey',
        department: dept,
      }),
    ).toBe(true);
    expect(matchesFilter(p, s, { stage: 'worksPermit' })).toBe(false);
    expect(matchesFilter(p, s, { priority: 2 })).toBe(false);
    expect(matchesFilter(p, s, { category: 'emergency' })).toBe(false);
    expect(matchesFilter(p, s, { department: 'nope' })).toBe(false);
  });
});

describe('the project board', () => {
  it('four columns; the filed stage groups its items by department, marks stops and recognitions; partner results sit in their stage', () => {
    const c = accepted();
    const [first, second, ...rest] = c.items;
    const withMarks: StageCase = {
      ...c,
      items: [
        { ...first!, clockStops: [{ kind: 'correction', from: '2025-10-13' }] },
        recognised(second!),
        ...rest,
      ],
    };
    const partner: PartnerNode = {
      origin: 'ZJ',
      stage: 'projectApproval',
      itemCode: second!.code,
      itemName: second!.name,
      department: second!.department,
      resultNo: 'ZJ-R-1',
      decidedAt: at('2025-10-08'),
      localItems: [second!.code],
      revoked: false,
    };
    const board = projectBoard(cal, [withMarks], [partner], '2025-10-15', thresholds, decidedOnOf);
    expect(board.map((s) => s.stage)).toEqual([
      'projectApproval',
      'worksPermit',
      'constructionPermit',
      'completionAcceptance',
    ]);
    expect(board[1]).toEqual({ stage: 'worksPermit', departments: [], partner: [] });
    const col = board[0]!;
    expect(col.caseId).toBe(c.id);
    expect(col.partner).toEqual([partner]);
    const nodes = col.departments.flatMap((d) => d.nodes);
    expect(nodes).toHaveLength(c.items.length);
    for (const d of col.departments) for (const n of d.nodes) expect(n.department).toBe(d.department);
    const stopped = nodes.find((n) => n.code === first!.code)!;
    expect(stopped).toMatchObject({
      clockStopped: true,
      clockStops: [{ kind: 'correction', from: '2025-10-13' }],
    });
    expect(nodes.find((n) => n.code === second!.code)).toMatchObject({
      status: 'recognised',
      lamp: 'green',
      elapsedDays: 0,
      recognisedFrom: { origin: 'ZJ', resultNo: 'ZJ-R-1' },
    });
  });
});
