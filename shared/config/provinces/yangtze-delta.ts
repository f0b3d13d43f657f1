/**
 * The Yangtze River Delta (长三角) demonstration zone (青浦, 吴江, 嘉善): 江苏, 浙江 and 上海 partner
 * with one another and recognise one another's results for the standard items that match one to one
 * (互认目录). Public keys are not pinned here: locally each province generates its key at first start
 * and the keys are exchanged through the data folder; a deployment may pin them in its configuration.
 */
import type { ProvinceConfig } from '../province-config.js';
import type { StandardItemCode } from './national-catalogue.js';

export const yangtzeDeltaProvinces = [
  { code: 'JS', name: '江苏省' },
  { code: 'ZJ', name: '浙江省' },
  { code: 'SH', name: '上海市' },
] as const;

/**
 * Standard items whose result, issued by a partner, counts for the same local item. Project-level
 * decisions (审批、核准), construction permits and completion acceptance stay with the province where
 * the works are: they are not in the catalogue.
 */
export const mutuallyRecognisedItems: readonly StandardItemCode[] = [
  'landPreExaminationSiting',
  'landUsePlanningPermit',
  'eiaReportApproval',
  'eiaReportFormApproval',
  'energyConservationReview',
  'soilWaterConservationApproval',
  'designSchemeReview',
  'worksPlanningPermit',
  'waterAbstractionPermit',
  'fireDesignReview',
  'airDefenceDesignReview',
];

/** The other provinces of the zone, as partners of `self`. */
export function yangtzeDeltaPartners(self: string): ProvinceConfig['partners'] {
  return yangtzeDeltaProvinces.filter((p) => p.code !== self).map((p) => ({ code: p.code, name: p.name }));
}

/** The 互认目录 of `self`: each partner's result for a mutually recognised item counts for the same item. */
export function yangtzeDeltaRecognition(self: string): ProvinceConfig['recognition'] {
  return yangtzeDeltaPartners(self).flatMap((partner) =>
    mutuallyRecognisedItems.map((item) => ({ fromProvince: partner.code, fromItem: item, toItem: item })),
  );
}
