import type { ProvinceConfig } from '../../shared/config/province-config.js';
import type { BusEvent } from '../../shared/domain/cross-province-rules.js';
import { forwardPattern } from '../../shared/domain/cross-province-rules.js';
import type { ReceiveOutcome } from '../../shared/services/partners.js';
import { type Harness, makeHarness, newSigner, TestClock } from './province-harness.js';

export interface Delivery {
  from: string;
  to: string;
  event: BusEvent;
  outcome: ReceiveOutcome;
}

/**
 * Several provinces in one test process, linked like the local runtime links them: each bus has a
 * forwarding rule per partner with the shared pattern; the target hands the event (as JSON, as it
 * would travel) to the partner's receiver. A province in `down` refuses deliveries.
 */
export async function linkProvinces(configs: ProvinceConfig[], date = '2026-03-02') {
  const signers = new Map(configs.map((c) => [c.code, newSigner()]));
  const keys = new Map<string, string>();
  for (const [code, signer] of signers) keys.set(code, await signer.publicKeyPem());
  const clock = new TestClock(date);
  const provinces = new Map<string, Harness>();
  const down = new Set<string>();
  const deliveries: Delivery[] = [];
  for (const config of configs) {
    const h = makeHarness({
      province: config,
      clock,
      signer: signers.get(config.code)!,
      peers: (code) => ({ publicKeyPem: keys.get(code) }),
    });
    provinces.set(config.code, h);
  }
  for (const config of configs) {
    const h = provinces.get(config.code)!;
    for (const partner of config.partners) {
      h.bus.addRule(
        `forward-to-${partner.code}`,
        forwardPattern(config.code, partner.code),
        async (event) => {
          if (down.has(partner.code)) throw new Error(`${partner.code} is down`);
          const target = provinces.get(partner.code);
          if (!target) throw new Error(`${partner.code} is not running`);
          const outcome = await target.services.partners.receive(JSON.parse(JSON.stringify(event)));
          deliveries.push({ from: config.code, to: partner.code, event, outcome });
        },
      );
    }
  }
  return {
    clock,
    down,
    deliveries,
    signers,
    province: (code: string) => provinces.get(code)!,
    async stop() {
      await Promise.all([...provinces.values()].map((h) => h.stop()));
    },
  };
}
