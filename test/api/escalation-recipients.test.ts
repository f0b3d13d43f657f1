import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/model.js';
import { ApiClient, actors } from '../support/api-client.js';
import { admittedProject, applicant, stageMaterials, windowOfficer } from '../support/province-harness.js';

/** 督办升级 reaches people over HTTP: the holder, the stage's lead department and the 分管领导 read it. */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});

const leader: Actor = { id: 'leader-1', name: '钱进（分管领导）', role: 'leader' };
const holder: Actor = { id: 'rev-9', name: '审查员九', role: 'reviewer', department: 'nrp' };

type Notice = {
  type: string;
  address: string;
  titleZh: string;
  bodyZh: string;
  caseId?: string;
  itemCode?: string;
};

describe('督办升级 over HTTP', () => {
  it('the leader reads the level-5 notice in GET /notifications, the holder level 1; recipients are in the records', async () => {
    const c = await ApiClient.create();
    clients.push(c);
    const projectId = await admittedProject(c.h);
    const submitted = await c.h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(c.h.province, 'projectApproval'),
    });
    const accepted = await c.h.services.cases.actOnAcceptance(
      windowOfficer,
      submitted.value.id,
      submitted.version,
      { outcome: 'accept' },
    );
    const item = accepted.value.items.find((i) => i.department === 'nrp')!;
    const lead: Actor = { ...actors.reviewer('nrp'), id: 'lead-1', lead: true };
    await c.h.services.cases.assignItem({ actor: lead }, accepted.value.id, item.code, undefined, {
      assigneeId: holder.id,
      assigneeName: holder.name,
      reasonZh: '按分工承办',
    });
    // long enough for every undecided item to climb the whole ladder
    c.h.clock.setDate('2026-06-30');
    expect((await c.post(leader, '/sweeps')).status).toBe(403);
    const swept = await c.post(actors.supervisor, '/sweeps');
    expect(swept.status, swept.text).toBe(200);

    const inbox = await c.get(leader, '/notifications?limit=100');
    expect(inbox.status, inbox.text).toBe(200);
    const top = (inbox.body.items as Notice[]).filter(
      (n) => n.type === 'itemEscalated' && n.caseId === accepted.value.id,
    );
    expect(top.length).toBe(accepted.value.items.length);
    expect(top.every((n) => n.address === 'role:leader' && n.titleZh.includes('第5级·分管领导'))).toBe(true);
    // 国办发〔2019〕11号: the escalation says what the delay costs the project's whole flow
    const budget = await c.get(leader, `/projects/${projectId}/budget`);
    expect(budget.status, budget.text).toBe(200);
    expect(top[0]?.bodyZh).toMatch(/项目全流程审批时间已用\d+个工作日（共120个工作日），剩余\d+个工作日。/);

    // level 1 went to the reviewer holding the item, not to the whole department
    const mine = ((await c.get(holder, '/notifications?limit=100')).body.items as Notice[]).filter(
      (n) => n.type === 'itemEscalated' && n.itemCode === item.code,
    );
    expect(mine.map((n) => n.address)).toContain(`user:${holder.id}`);

    const read = await c.get(leader, `/cases/${accepted.value.id}`);
    expect(read.status, read.text).toBe(200);
    const held = (read.body.items as { code: string; escalations: unknown[] }[]).find(
      (i) => i.code === item.code,
    )!;
    expect(held.escalations).toMatchObject([
      {
        level: 1,
        address: `user:${holder.id}`,
        recipients: [{ address: `user:${holder.id}`, nameZh: '审查员九（承办人）' }],
      },
      { level: 2, recipients: [{ address: 'dept:nrp:lead' }] },
      // government-invested stage 1: 发展改革 leads it (一家牵头)
      {
        level: 3,
        recipients: [{ address: `unit:${windowOfficer.actor.unit}` }, { address: 'dept:ndrc:lead' }],
      },
      { level: 4, recipients: [{ address: 'role:supervisor', nameZh: '专项工作组' }] },
      { level: 5, address: 'role:leader', recipients: [{ address: 'role:leader', nameZh: '分管领导' }] },
    ]);
    const dispatch = await c.get(leader, '/reports/weekly-dispatch');
    expect(dispatch.status, dispatch.text).toBe(200);
    const row = (dispatch.body.rows as { caseId: string; itemCode?: string; history: unknown[] }[]).find(
      (r) => r.caseId === accepted.value.id && r.itemCode === item.code,
    )!;
    expect(row.history[4]).toMatchObject({
      level: 5,
      recipients: [{ address: 'role:leader', nameZh: '分管领导' }],
    });
    // read-only: the leader decides nothing
    const decide = await c.post(leader, `/cases/${accepted.value.id}/items/${item.code}/decision`, {
      outcome: 'approve',
    });
    expect(decide.status).toBe(403);
  });
});
