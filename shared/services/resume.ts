import type { Deps } from './deps.js';

/**
 * Executions are disposable, the store is durable: after a restart every case whose workflow has
 * not finished starts again from round 1 and replays each decided step from the store.
 */
export async function resumeOpenWorkflows(deps: Deps): Promise<number> {
  let resumed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.query('status', 'stageCase:workflowOpen', {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const hit of page.items) {
      await deps.workflow.start({ caseId: hit.id, round: 1 });
      resumed += 1;
    }
    cursor = page.cursor;
  } while (cursor);
  return resumed;
}
