/** Lambda entry of the scheduled sweeper: recomputes what is due (deadlines, lamps, escalation). */
import { recordSweep } from '../../shared/services/operation-metrics.js';
import type { SweepReport } from '../../shared/services/sweeper.js';
import { awsSweeperServices } from '../aws/compose.js';
import { observed } from '../aws/observability.js';

const services = awsSweeperServices();

export const handler = observed('sweep', async (_event: unknown, log, metrics): Promise<SweepReport> => {
  const started = performance.now();
  const report = await services.sweep();
  // One structured line per run: enough to follow the sweeper's load in CloudWatch Logs Insights.
  log.info('sweep', recordSweep(report, performance.now() - started, metrics));
  return report;
});
