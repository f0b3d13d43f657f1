import { afterEach, describe, expect, it } from 'vitest';
import type { ProvinceConfig } from '../../shared/config/province-config.js';
import { shanghai } from '../../shared/config/provinces/shanghai.js';
import { ApiClient, actors, versionOf } from '../support/api-client.js';
import { admittedProject, applicant, stageMaterials, windowOfficer } from '../support/province-harness.js';

/** 联合审查 over HTTP: convening, the stopped clocks, minutes as a material, an opinion per item. */
process.env.GC_CHECK_RESPONSES = '1';
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
});
async function client(province?: ProvinceConfig) {
  const c = await ApiClient.create(province ? { province } : {});
  clients.push(c);
  return c;
}

async function underReview(c: ApiClient) {
  const projectId = await admittedProject(c.h);
  const submitted = await c.h.services.cases.submit(applicant(), {
    projectId,
    stage: 'projectApproval',
    materials: stageMaterials(c.h.province, 'projectApproval'),
  });
  await c.h.services.cases.actOnAcceptance(windowOfficer, submitted.value.id, submitted.version, {
    outcome: 'accept',
  });
  return { caseId: submitted.value.id, items: submitted.value.items };
}

describe('联合审查 over HTTP', () => {
  it('行政许可法第四十五条: the first receiver convenes; clocks stop; the convener records minutes (a material) and an opinion per item', async () => {
    const c = await client();
    const { caseId, items } = await underReview(c);
    const [a, b] = items;
    const body = {
      itemCodes: [a!.code, b!.code],
      meetingAt: '2026-03-04T09:30:00+08:00',
      place: '省政务服务中心三楼会议室',
      videoLink: 'https://meeting.example.gov.cn/r/123',
    };
    const convened = await c.post(actors.windowOfficer, `/cases/${caseId}/joint-reviews`, body);
    expect(convened.status, convened.text).toBe(200);
    const meeting = convened.body.jointReviews[0];
    expect(meeting).toMatchObject({
      itemCodes: [a!.code, b!.code],
      stopsClock: true,
      status: 'convened',
      convener: { id: actors.windowOfficer.id, role: 'windowOfficer' },
    });
    for (const code of [a!.code, b!.code]) {
      const i = convened.body.items.find((x: { code: string }) => x.code === code);
      expect(i.status).toBe('specialProcedure');
      expect(i.clockStops[0]).toMatchObject({ procedureType: 'jointReview', jointReviewId: meeting.id });
    }
    // the departments are invited
    const inbox = await c.get(actors.reviewer(a!.department), '/notifications');
    expect(inbox.body.items.some((n: { type: string }) => n.type === 'jointReviewConvened')).toBe(true);

    c.h.clock.setDate('2026-03-04');
    const minutesPath = `/cases/${caseId}/joint-reviews/${meeting.id}/minutes`;
    const outcomes = [
      { itemCode: a!.code, opinion: 'pass' },
      { itemCode: b!.code, opinion: 'revise', commentZh: '补充论证' },
    ];
    // only the convener records
    const other = await c.post(actors.reviewer(a!.department), minutesPath, { minutesZh: '纪要', outcomes });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('NOT_CONVENER');
    const recorded = await c.post(actors.windowOfficer, minutesPath, {
      minutesZh: '会议认为选址可行，用地规划需补充论证。',
      outcomes,
    });
    expect(recorded.status, recorded.text).toBe(200);
    const done = recorded.body.jointReviews[0];
    expect(done).toMatchObject({ status: 'recorded', outcomes });
    expect(recorded.body.items.find((x: { code: string }) => x.code === b!.code).status).toBe('inReview');
    // the minutes are a material of the case, readable by the applicant
    const file = await c.get(actors.applicantA, `/cases/${caseId}/materials/${done.minutes.sha256}`);
    expect(file.status).toBe(200);
    expect(file.text).toContain('用地规划需补充论证');
  });

  it('联合审查: bad input, a stranger, or a province that does not count it — nothing changes or no clock stops', async () => {
    const c = await client();
    const { caseId, items } = await underReview(c);
    const before = versionOf(await c.get(actors.supervisor, `/cases/${caseId}`));
    const post = (who: Parameters<ApiClient['post']>[0], body: unknown) =>
      c.post(who, `/cases/${caseId}/joint-reviews`, body);
    const good = {
      itemCodes: [items[0]!.code, items[1]!.code],
      meetingAt: '2026-03-04T09:30:00+08:00',
      place: '会议室',
    };
    expect(
      (await post(actors.reviewer(items[0]!.department), { ...good, itemCodes: [items[0]!.code] })).status,
    ).toBe(400);
    const noVenue = await post(actors.reviewer(items[0]!.department), { ...good, place: undefined });
    expect(noVenue.status).toBe(422);
    expect(noVenue.body.code).toBe('JOINT_REVIEW_NO_VENUE');
    const unknownItem = await post(actors.reviewer(items[0]!.department), {
      ...good,
      itemCodes: [items[0]!.code, 'nope'],
    });
    expect(unknownItem.status).toBe(422);
    // a reviewer of no department in the case, and a supervisor, may not convene
    expect((await post(actors.reviewer('nobody'), good)).status).toBe(403);
    expect((await post(actors.supervisor, good)).status).toBe(403);
    expect(versionOf(await c.get(actors.supervisor, `/cases/${caseId}`))).toBe(before);

    const sh = await client(shanghai);
    const other = await underReview(sh);
    const res = await sh.post(
      actors.reviewer(other.items[0]!.department),
      `/cases/${other.caseId}/joint-reviews`,
      {
        itemCodes: [other.items[0]!.code, other.items[1]!.code],
        meetingAt: '2026-03-04T09:30:00+08:00',
        videoLink: 'https://meeting.example.gov.cn/r/9',
      },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.jointReviews[0].stopsClock).toBe(false);
    expect(res.body.items[0].clockStops).toEqual([]);
  });
});
