import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, DockerImage, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  type CfnDistribution,
  Distribution,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ProvinceDeployment } from '../config.js';
import { REPO_ROOT } from './lambda.js';
import { PRIVATE_BUCKET } from './private-bucket.js';

export interface ConsoleSiteProps {
  province: string;
  partition: ProvinceDeployment['partition'];
  console: ProvinceDeployment['console'];
  api: HttpApi;
}

/**
 * The console's static files in a private bucket, deployed with the stack. Served either through
 * the province's API (the API function reads the bucket; works in every region, no ICP filing) or
 * through CloudFront, which in the China regions needs an ICP-filed domain and an IAM certificate:
 * a configuration choice (infra/config.ts `console.hosting`). With CloudFront, the console and the
 * API share one origin: hashed assets come from the bucket at the edge, everything else from the API.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution | undefined;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      // a build output, reproducible from the repository
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new BucketDeployment(this, 'Deploy', {
      sources: [consoleSource()],
      destinationBucket: this.bucket,
      // Old hashed assets stay, so a tab opened before a deployment keeps loading its pages.
      prune: false,
      memoryLimit: 256,
    });

    if (props.console.hosting === 'cloudfront') {
      const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
      const { domainName, certificate } = props.console;
      this.distribution = new Distribution(this, 'Cdn', {
        comment: `green-channel ${props.province} console`,
        priceClass: PriceClass.PRICE_CLASS_ALL,
        defaultBehavior: {
          origin: new HttpOrigin(apiDomain),
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        },
        additionalBehaviors: {
          '/assets/*': {
            origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
            cachePolicy: CachePolicy.CACHING_OPTIMIZED,
            viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          },
        },
        ...(domainName && certificate && props.partition === 'aws'
          ? {
              domainNames: [domainName],
              certificate: Certificate.fromCertificateArn(this, 'Certificate', certificate),
            }
          : {}),
      });
      if (domainName && certificate && props.partition === 'aws-cn') {
        // CloudFront in China takes IAM server certificates only; the L2 construct speaks ACM.
        const cfn = this.distribution.node.defaultChild as CfnDistribution;
        cfn.addPropertyOverride('DistributionConfig.Aliases', [domainName]);
        cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
          IamCertificateId: certificate,
          SslSupportMethod: 'sni-only',
          MinimumProtocolVersion: 'TLSv1.2_2021',
        });
      }
      new CfnOutput(this, 'ConsoleUrl', {
        value: domainName ? `https://${domainName}/` : `https://${this.distribution.distributionDomainName}/`,
        description: 'console (CloudFront)',
      });
    } else {
      new CfnOutput(this, 'ConsoleUrl', {
        value: `${props.api.apiEndpoint}/`,
        description: 'console (served by the HTTP API)',
      });
    }
  }

  /** The API function reads index.html and assets from the bucket. */
  grantServe(grantee: IGrantable): void {
    this.bucket.grantRead(grantee);
  }
}

/** The built console (web/dist), built at synth time on this machine like the Lambda bundles. */
function consoleSource() {
  const web = join(REPO_ROOT, 'web');
  return Source.asset(web, {
    exclude: ['dist', '.dist-*', '.build-lock'],
    bundling: {
      // never used: local bundling always succeeds or fails loudly (no Docker on build machines)
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir: string) {
          const built = spawnSync(
            process.execPath,
            ['--import', 'tsx', join(REPO_ROOT, 'functions/local/console-build.ts')],
            { cwd: REPO_ROOT, stdio: 'inherit' },
          );
          if (built.status !== 0) throw new Error('building the console (web/) failed');
          cpSync(join(web, 'dist'), outputDir, { recursive: true });
          return true;
        },
      },
    },
  });
}
