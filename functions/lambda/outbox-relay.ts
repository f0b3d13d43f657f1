/**
 * Lambda entry of the scheduled outbox relay: publishes the domain events still waiting in the
 * transactional outbox (the API relays right after its commits; this catches what is left).
 */
import { awsServices } from '../aws/compose.js';

const services = awsServices();

export async function handler(): Promise<unknown> {
  const report = await services.relayOutbox();
  console.log(JSON.stringify({ msg: 'outbox-relay', province: services.deps.province.code, report }));
  return report;
}
