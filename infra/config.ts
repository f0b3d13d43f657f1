/**
 * Deployment configuration: where each province's stack goes and whom it links to. Validated with
 * zod once, before any construct is built, so a typo fails `cdk synth` with a readable message
 * instead of producing a template that breaks at deploy time.
 *
 * Provinces are not AWS regions: several provinces may share one region and one account. What
 * identifies a province's deployment is its code (stack `green-channel-${code}`, bus
 * `green-channel-${code}`).
 */
import { z } from 'zod';

export const PARTITIONS = ['aws', 'aws-cn'] as const;
export type Partition = (typeof PARTITIONS)[number];

// Same shape as ProvinceConfig.code: the code ends up in stack, bus and resource names.
const provinceCode = z.string().regex(/^[A-Z]{2}$/, 'province code must be two capital letters, e.g. JS');
const account = z.string().regex(/^\d{12}$/, 'AWS account id must be 12 digits');
// Shape only (e.g. cn-north-1, ap-east-1); whether a region offers every service is checked by
// choosing constructs available in both partitions, not by a list here that would go stale.
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS region such as cn-north-1');

/** China regions live in their own partition; everything else this platform targets is `aws`. */
export function partitionOf(regionName: string): Partition {
  return regionName.startsWith('cn-') ? 'aws-cn' : 'aws';
}

// The partner's public signing key (SPKI PEM): what its events and material requests must verify
// against. Optional only because a key exists once the partner's stack is deployed (its API serves
// it); until it is set here, everything from that partner is refused and recorded as unknownKey.
const publicKeyPem = z
  .string()
  .trim()
  .regex(
    /^-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----$/,
    'expected a public key in SPKI PEM form (-----BEGIN PUBLIC KEY-----)',
  );

const partnerSchema = z.strictObject({
  code: provinceCode,
  account,
  region,
  partition: z.enum(PARTITIONS).optional(),
  /** base URL of the partner's HTTP API, where shared material content is fetched */
  apiUrl: z.url({ protocol: /^https$/ }),
  publicKeyPem: publicKeyPem.optional(),
  /**
   * the id its signatures name: the partner's KMS key id (`aws kms describe-key --key-id
   * alias/green-channel-XX-signing`); required with publicKeyPem, since a key without an id matches
   * no signature
   */
  keyId: z.string().min(1).max(256).optional(),
  /** further keys for rotation, each trusted only inside its window */
  keys: z
    .array(
      z.strictObject({
        keyId: z.string().min(1).max(256),
        publicKeyPem,
        validFrom: z.iso.datetime({ offset: true }).optional(),
        validUntil: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .optional(),
});

const identitySchema = z.strictObject({
  jwksUrl: z.url({ protocol: /^https$/ }),
  issuer: z.string().min(1),
  audience: z.string().min(1),
});

/**
 * The console: how people sign in (the identity provider's OIDC client for the console, code + PKCE)
 * and how it is served. CloudFront in the China regions needs an ICP filing of the domain it serves.
 */
const consoleSchema = z
  .strictObject({
    hosting: z.enum(['api', 'cloudfront']).default('api'),
    oidcClientId: z.string().min(1).default('green-channel-console'),
    oidcScope: z.string().min(1).default('openid'),
    /**
     * CloudFront: the alternate domain name (required in aws-cn) and its certificate: an ACM
     * certificate ARN (us-east-1) in aws, an IAM server certificate id in aws-cn (no ACM there)
     */
    domainName: z.string().min(1).optional(),
    certificate: z.string().min(1).optional(),
    /** CloudFront in aws-cn: the ICP filing number of domainName (e.g. 苏ICP备12345678号) */
    icpFiling: z.string().min(1).optional(),
  })
  .prefault({});

/**
 * An outbound webhook (e.g. the working group's messaging gateway): which events it gets (default
 * NotificationCreated, which mirrors every notice, the scheduled reports included). Its signing
 * secret is generated into Secrets Manager; `url` may be left out and put in that secret instead
 * (`urls.<name>`) when the URL itself carries a token (infra/constructs/webhook-secret.ts).
 */
const webhookSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'webhook name: lowercase letters, digits and -'),
  url: z.url({ protocol: /^https$/ }).optional(),
  events: z.array(z.string().min(1)).min(1).optional(),
});

export const provinceDeploymentSchema = z
  .strictObject({
    province: provinceCode,
    account: account.optional(),
    region,
    partition: z.enum(PARTITIONS).optional(),
    identity: identitySchema,
    partners: z.array(partnerSchema).default([]),
    alarmEmail: z.email().optional(),
    console: consoleSchema,
    webhooks: z.array(webhookSchema).default([]),
  })
  .superRefine((d, ctx) => {
    const problem = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (d.console.hosting === 'cloudfront') {
      if ((d.partition ?? partitionOf(d.region)) === 'aws-cn') {
        // China regions: CloudFront serves only ICP-filed domains, with a certificate of their own.
        for (const field of ['icpFiling', 'domainName', 'certificate'] as const) {
          if (!d.console[field])
            problem(['console', field], `console.hosting cloudfront in aws-cn needs console.${field}`);
        }
      } else if (Boolean(d.console.domainName) !== Boolean(d.console.certificate)) {
        problem(['console', 'domainName'], 'console.domainName and console.certificate go together');
      }
    }
    if (d.partition && d.partition !== partitionOf(d.region)) {
      problem(
        ['partition'],
        `region ${d.region} is in partition ${partitionOf(d.region)}, not ${d.partition}`,
      );
    }
    d.webhooks.forEach((w, i) => {
      if (d.webhooks.findIndex((o) => o.name === w.name) !== i)
        problem(['webhooks', i, 'name'], `duplicate webhook ${w.name}`);
    });
    const seen = new Set<string>();
    d.partners.forEach((p, i) => {
      if (p.code === d.province)
        problem(['partners', i, 'code'], `a province cannot partner with itself (${p.code})`);
      if (seen.has(p.code)) problem(['partners', i, 'code'], `duplicate partner ${p.code}`);
      if (p.publicKeyPem && !p.keyId)
        problem(
          ['partners', i, 'keyId'],
          `partner ${p.code}: publicKeyPem needs the keyId its signatures name`,
        );
      seen.add(p.code);
      if (p.partition && p.partition !== partitionOf(p.region)) {
        problem(['partners', i, 'partition'], `region ${p.region} is in partition ${partitionOf(p.region)}`);
      }
      // EventBridge cannot deliver across partitions; such a link would fail only at deploy time.
      const mine = d.partition ?? partitionOf(d.region);
      const theirs = p.partition ?? partitionOf(p.region);
      if (mine !== theirs) {
        problem(
          ['partners', i, 'region'],
          `partner ${p.code} is in partition ${theirs}, this deployment in ${mine}`,
        );
      }
    });
  })
  .transform((d) => ({
    ...d,
    partition: d.partition ?? partitionOf(d.region),
    partners: d.partners.map((p) => ({ ...p, partition: p.partition ?? partitionOf(p.region) })),
  }));

export type ProvinceDeploymentInput = z.input<typeof provinceDeploymentSchema>;
export type ProvinceDeployment = z.output<typeof provinceDeploymentSchema>;
export type PartnerLink = ProvinceDeployment['partners'][number];

export const deploymentsSchema = z.array(provinceDeploymentSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((d, i) => {
    // One stack per province: a duplicate would silently collide on stack and bus names.
    if (seen.has(d.province))
      ctx.addIssue({ code: 'custom', path: [i, 'province'], message: `duplicate ${d.province}` });
    seen.add(d.province);
  });
  // Links between provinces configured in the same list must agree on both ends, or events are
  // forwarded to a bus that does not exist or that refuses them, which shows only at run time.
  const byCode = new Map(list.map((d) => [d.province, d]));
  list.forEach((d, i) => {
    d.partners.forEach((p, j) => {
      const other = byCode.get(p.code);
      if (!other) return;
      const problem = (message: string) =>
        ctx.addIssue({ code: 'custom', path: [i, 'partners', j], message });
      if (other.region !== p.region)
        problem(`partner ${p.code} is deployed in ${other.region}, not ${p.region}`);
      if (!other.account)
        problem(`partner ${p.code} has no account configured, so its stack may land elsewhere`);
      else if (other.account !== p.account)
        problem(`partner ${p.code} is deployed in account ${other.account}, not ${p.account}`);
      if (!other.partners.some((back) => back.code === d.province))
        problem(`partner ${p.code} does not list ${d.province} among its partners`);
    });
  });
});

export class DeploymentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid deployment configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DeploymentConfigError';
  }
}

/** Validates raw deployment config; throws DeploymentConfigError listing every problem. */
export function parseDeployments(raw: unknown): ProvinceDeployment[] {
  const result = deploymentsSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new DeploymentConfigError(
    result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
  );
}

export function parseDeployment(raw: unknown): ProvinceDeployment {
  const [one] = parseDeployments([raw]);
  return one!;
}

export function eventBusName(provinceCodeValue: string): string {
  return `green-channel-${provinceCodeValue}`;
}

/** The ARN of a province's bus, built from config so stacks deploy independently (no lookups). */
export function eventBusArn(partner: {
  code: string;
  account: string;
  region: string;
  partition?: Partition;
}): string {
  const partition = partner.partition ?? partitionOf(partner.region);
  return `arn:${partition}:events:${partner.region}:${partner.account}:event-bus/${eventBusName(partner.code)}`;
}

/**
 * The PARTNERS variable of the functions that talk to partners: code → where to fetch shared
 * material content and, when pinned in config, the key their signatures must verify against.
 */
export function partnersEnvironment(partners: PartnerLink[]): string {
  return JSON.stringify(
    Object.fromEntries(
      partners.map((p) => [
        p.code,
        {
          apiUrl: p.apiUrl,
          ...(p.publicKeyPem ? { publicKeyPem: p.publicKeyPem } : {}),
          ...(p.keyId ? { keyId: p.keyId } : {}),
          ...(p.keys?.length ? { keys: p.keys } : {}),
        },
      ]),
    ),
  );
}

export function signingKeyAlias(provinceCodeValue: string): string {
  return `alias/green-channel-${provinceCodeValue}-signing`;
}

export function stackName(provinceCodeValue: string): string {
  return `green-channel-${provinceCodeValue}`;
}
