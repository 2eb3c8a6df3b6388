import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { AlbAccessLogsSpec } from "../stacks/plan";

export interface AccessLogBucketArgs {
  /** The planned bucket: name prefix, log prefix, retention, forceDestroy, writer principal. Required. */
  spec: AlbAccessLogsSpec;
  /** Account id the logs are written under (`AWSLogs/<account>/`). Default: a `getCallerIdentity` invoke through this component. */
  accountId?: pulumi.Input<string>;
}

/**
 * The S3 bucket a region's Application Load Balancer writes its access logs to. It must be in the
 * ALB's region, so its parent (or its provider) fixes the region.
 *
 * - Auto-named from `spec.bucketPrefix` (bucket names are global; AWS appends a unique suffix).
 * - Default encryption SSE-S3 (`AES256`): the only server-side encryption ELB access logs support.
 * - Every public access block on; object ownership `BucketOwnerEnforced` (ACLs off, the account
 *   owns every log object).
 * - Lifecycle: log objects under `spec.prefix/` expire after `spec.retentionDays` days; incomplete
 *   multipart uploads are removed after a day.
 * - Bucket policy: `spec.principal` (the regional ELB account, or the log delivery service in
 *   regions opened since August 2022) may `s3:PutObject` to `<prefix>/AWSLogs/<this account>/*`
 *   only; every request without TLS (`aws:SecureTransport` false) is denied.
 * - `forceDestroy` as planned (false for `prod*` stacks: deleting the stack then fails while logs remain).
 *
 * A load balancer that writes here must depend on `policy`: ELB checks its permission when access
 * logs are switched on.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly policy: aws.s3.BucketPolicy;
  /** The bucket's name (what `accessLogs.bucket` of a load balancer takes). */
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  /** Key prefix of the logs inside the bucket. */
  public readonly prefix: string;

  constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-fleet:alb:AccessLogBucket", name, {}, opts);
    const { spec } = args;
    if (spec.prefix.includes("AWSLogs")) throw new Error(`AccessLogBucket ${name}: the prefix must not contain AWSLogs, got ${spec.prefix}`);
    this.prefix = spec.prefix;

    this.bucket = new aws.s3.Bucket(name, { bucketPrefix: spec.bucketPrefix, forceDestroy: spec.forceDestroy }, { parent: this });
    const bucketName = this.bucket.bucket;

    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket: bucketName, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      { parent: this },
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket: bucketName, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    const ownership = new aws.s3.BucketOwnershipControls(
      name,
      { bucket: bucketName, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket: bucketName,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: `${spec.prefix}/` },
            expiration: { days: spec.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { parent: this },
    );

    const account = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const policy = pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ElbAccessLogsWrite",
          Effect: "Allow",
          Principal: spec.principal,
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${this.bucket.arn}/${spec.prefix}/AWSLogs/${account}/*`,
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    // S3 rejects concurrent changes to one bucket's configuration; the policy goes last.
    this.policy = new aws.s3.BucketPolicy(
      name,
      { bucket: bucketName, policy },
      { parent: this, dependsOn: [encryption, publicAccess, ownership] },
    );

    this.bucketName = bucketName;
    this.bucketArn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
