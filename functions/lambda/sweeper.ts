/** Lambda entry of the scheduled sweeper: recomputes what is due (deadlines, lamps, escalation). */
import type { SweepReport } from '../../shared/services/sweeper.js';
import { awsServices } from '../aws/compose.js';

const services = awsServices();

export async function handler(): Promise<SweepReport> {
  const report = await services.sweep();
  // One structured line per run: enough to follow the sweeper's load in CloudWatch Logs Insights.
  console.log(JSON.stringify({ msg: 'sweep', province: services.deps.province.code, ...report }));
  return report;
}
