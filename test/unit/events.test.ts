import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_LABELS_ZH } from '../../shared/domain/events.js';

const servicesDir = resolve(import.meta.dirname, '../../shared/services');

describe('event names', () => {
  it('every event type the services write has a Chinese timeline label', () => {
    const source = readdirSync(servicesDir)
      .map((f) => readFileSync(join(servicesDir, f), 'utf8'))
      .join('\n');
    const written = new Set(
      [...source.matchAll(/(?:type: |: )'((?:[A-Z][a-z]+){2,})'/g)].map((m) => m[1] ?? '').filter(Boolean),
    );
    expect(written.size).toBeGreaterThan(15);
    const unlabelled = [...written].filter((t) => !(t in EVENT_LABELS_ZH));
    expect(unlabelled).toEqual([]);
  });

  it('labels are Chinese and event names are past tense', () => {
    for (const [type, label] of Object.entries(EVENT_LABELS_ZH)) {
      expect(label).toMatch(/[\u4e00-\u9fff]/);
      expect(type).toMatch(/[a-z](ed|Given|Withdrawn)([A-Z]|$)|Overdue$|AtRisk$/);
    }
  });
});
