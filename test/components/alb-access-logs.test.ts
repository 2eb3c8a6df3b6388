import { expect } from "chai";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { Alb } from "../../components/alb";
import { AccessLogBucket } from "../../components/access-logs";
import { AlbAccessLogsSpec, AlbSpec, BUCKET_PREFIX_LIMIT, albLogBucketPrefix, planFleet } from "../../stacks/plan";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { elbLogPrincipal } from "../../stacks/elb-accounts";
import { MOCK_ACCOUNT_ID } from "../../offline/mocks";
import { readStackFile } from "../../offline/stack-file";
import { evaluate } from "../../policy/evaluate";
import { fromRecorded } from "../../policy/recorded";
import { TAGGABLE_TYPES } from "../../policy/rules/tags-required";
import { CTX, rawConfig, validConfig } from "../config-fixtures";
import { recorder, registered, sharedRun, valueOf } from "../helpers";

const provider = (region: string) => new aws.Provider(`aws-${region}`, { region });
const subnets = ["subnet-pub-a", "subnet-pub-b"];
const logs = (region: string, over: Partial<AlbAccessLogsSpec> = {}): AlbAccessLogsSpec => ({
  bucketPrefix: `ecs-fleet-dev-${region}-alb-logs-`,
  prefix: "ecs-fleet-dev",
  retentionDays: 90,
  forceDestroy: true,
  principal: elbLogPrincipal(region),
  ...over,
});
const spec = (region: string, over: Partial<AlbAccessLogsSpec> = {}): AlbSpec => ({
  name: "ecs-fleet-dev",
  deletionProtection: false,
  idleTimeoutSeconds: 60,
  accessLogs: logs(region, over),
});

type Statement = { Sid: string; Effect: string; Principal: unknown; Action: string; Resource: string | string[]; Condition?: unknown };
function statements(): Statement[] {
  return JSON.parse(recorder.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy as string).Statement;
}

const PUBLIC_WEB = { web: { image: "nginx:1.27", cpu: 256, memory: 512, containerPort: 8080, public: true } };
function problems(alb: unknown): string[] {
  const r = validateConfig(rawConfig(validConfig({ services: PUBLIC_WEB, alb })), CTX);
  return r.ok ? [] : r.issues.map(formatIssue);
}
function planned(alb: unknown, stack = "dev", regions?: Record<string, unknown>) {
  const r = validateConfig(rawConfig(validConfig({ services: PUBLIC_WEB, ...(alb === undefined ? {} : { alb }), ...(regions ? { regions } : {}) })), { ...CTX, stack });
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join("\n"));
  return planFleet(r.config, { project: "ecs-fleet", stack });
}

describe("ALB access logs: config and plan", () => {
  it("on by default: 90 days, one bucket prefix per region, the ALB name as key prefix, forceDestroy off only for prod*", () => {
    const dev = planned(undefined);
    const eu = dev.regions.find((r) => r.region === "eu-west-1")!.alb!.accessLogs!;
    expect(eu).to.deep.equal({
      bucketPrefix: "ecs-fleet-dev-euw1-alb-logs-",
      prefix: "ecs-fleet-dev",
      retentionDays: 90,
      forceDestroy: true,
      principal: { AWS: "arn:aws:iam::156460612806:root" },
    });
    expect(dev.regions.find((r) => r.region === "us-east-1")!.alb!.accessLogs!.bucketPrefix).to.equal("ecs-fleet-dev-use1-alb-logs-");
    expect(planned(undefined, "prod-eu").regions[0].alb!.accessLogs!.forceDestroy).to.equal(false);
    expect(planned(undefined, "staging").regions[0].alb!.accessLogs!.forceDestroy).to.equal(true);
  });

  it("the principal follows the region: an old region's ELB account, a new region's service principal", () => {
    const plan = planned(undefined, "dev", { "eu-west-1": { cidr: "10.10.0.0/16" }, "eu-central-2": { cidr: "10.30.0.0/16" } });
    const by = Object.fromEntries(plan.regions.map((r) => [r.region, r.alb!.accessLogs!.principal]));
    expect(by).to.deep.equal({
      "eu-west-1": { AWS: "arn:aws:iam::156460612806:root" },
      "eu-central-2": { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
    });
  });

  it("accessLogRetentionDays and accessLogs: false; strings as pulumi config set stores them", () => {
    expect(planned({ accessLogRetentionDays: 400 }).regions[0].alb!.accessLogs!.retentionDays).to.equal(400);
    expect(planned({ accessLogRetentionDays: "7" }).regions[0].alb!.accessLogs!.retentionDays).to.equal(7);
    const off = planned({ accessLogs: false });
    expect(off.regions[0].alb).to.not.have.property("accessLogs");
    expect(off.warnings).to.not.include("alb.accessLogRetentionDays: has no effect because alb.accessLogs is false");
    expect(planned({ accessLogs: "false", accessLogRetentionDays: 30 }).warnings).to.include("alb.accessLogRetentionDays: has no effect because alb.accessLogs is false");
    expect(planned({ accessLogs: true }).regions[0].alb!.accessLogs!.retentionDays).to.equal(90);
  });

  it("rejects bad values with the key path and what is allowed", () => {
    expect(problems({ accessLogs: "yes" })).to.deep.equal(['ecs-fleet:alb.accessLogs: expected true or false, got "yes"']);
    expect(problems({ accessLogRetentionDays: 0 })).to.deep.equal(["ecs-fleet:alb.accessLogRetentionDays: must be from 1 to 3650, got 0"]);
    expect(problems({ accessLogRetentionDays: 3651 })).to.deep.equal(["ecs-fleet:alb.accessLogRetentionDays: must be from 1 to 3650, got 3651"]);
    expect(problems({ accessLogRetentionDays: 1.5 })).to.deep.equal(["ecs-fleet:alb.accessLogRetentionDays: expected a whole number from 1 to 3650, got 1.5"]);
    expect(problems({ accessLogRetentionDays: 1 })).to.deep.equal([]);
    expect(problems({ accessLogRetentionDays: 3650 })).to.deep.equal([]);
    expect(problems({ accessLogRetention: 30 })).to.deep.equal([
      "ecs-fleet:alb.accessLogRetention: unknown key (did you mean accessLogRetentionDays?); allowed: deletionProtection, idleTimeoutSeconds, accessLogs, accessLogRetentionDays",
    ]);
  });

  it("bucket prefixes: lowercase, within S3's 37 characters, distinct when truncated", () => {
    expect(albLogBucketPrefix({ project: "Ecs-Fleet", stack: "Dev" }, "eu-west-1")).to.equal("ecs-fleet-dev-euw1-alb-logs-");
    const long = { project: "a-very-long-project-name", stack: "feature-branch-with-a-long-name" };
    const a = albLogBucketPrefix(long, "ap-southeast-2");
    const b = albLogBucketPrefix(long, "ap-southeast-1");
    for (const p of [a, b]) {
      expect(p.length).to.be.at.most(BUCKET_PREFIX_LIMIT);
      expect(p).to.match(/^[a-z0-9][a-z0-9-]*-$/);
    }
    expect(a).to.not.equal(b);
  });
});

describe("ALB access logs: components", () => {
  it("bucket: SSE-S3, every public access block, owner enforced, expiry after the retention, forceDestroy as planned", async () => {
    const alb = new Alb("eu-west-1-alb", { spec: spec("eu-west-1", { retentionDays: 30 }), vpcId: "vpc-1", publicSubnetIds: subnets }, { provider: provider("eu-west-1") });
    await registered();
    const bucket = recorder.one("aws:s3/bucket:Bucket");
    expect(bucket.inputs).to.deep.equal({ bucketPrefix: "ecs-fleet-dev-eu-west-1-alb-logs-", forceDestroy: true });
    const name = await valueOf(alb.accessLogBucket!.bucketName);
    expect(name).to.match(/^ecs-fleet-dev-eu-west-1-alb-logs-[0-9a-f]{26}$/);
    expect(await valueOf(alb.accessLogBucket!.bucketArn)).to.equal(`arn:aws:s3:::${name}`);
    expect(recorder.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs).to.deep.equal({
      bucket: name,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    expect(recorder.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).to.deep.equal({
      bucket: name,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(recorder.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs).to.deep.equal({ bucket: name, rule: { objectOwnership: "BucketOwnerEnforced" } });
    expect(recorder.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs).to.deep.equal({
      bucket: name,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: { prefix: "ecs-fleet-dev/" },
          expiration: { days: 30 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    });
    for (const r of recorder.resources.filter((x) => x.type.startsWith("aws:s3/"))) {
      expect(r.region, r.type).to.equal("eu-west-1");
      expect(r.parent, r.type).to.equal(recorder.one("ecs-fleet:alb:AccessLogBucket").urn);
    }
  });

  it("policy in an old region: the regional ELB account may put objects under <prefix>/AWSLogs/<account>/ only; no TLS, no access", async () => {
    new Alb("eu-west-1-alb", { spec: spec("eu-west-1"), vpcId: "vpc-1", publicSubnetIds: subnets }, { provider: provider("eu-west-1") });
    await registered();
    const policy = recorder.one("aws:s3/bucketPolicy:BucketPolicy");
    const name = recorder.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.bucket as string;
    expect(policy.inputs.bucket).to.equal(name);
    const [write, tls] = statements();
    expect(write).to.deep.equal({
      Sid: "ElbAccessLogsWrite",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::156460612806:root" },
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${name}/ecs-fleet-dev/AWSLogs/${MOCK_ACCOUNT_ID}/*`,
    });
    expect(tls).to.deep.equal({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statements()).to.have.length(2);
    // The account comes from the region's own provider.
    const identity = recorder.invokes.filter((i) => i.token === "aws:index/getCallerIdentity:getCallerIdentity");
    expect(identity.map((i) => i.region)).to.deep.equal(["eu-west-1"]);
    // The policy is applied after the other bucket settings (S3 rejects concurrent changes).
    const after = policy.options.dependsOn;
    for (const t of ["BucketServerSideEncryptionConfiguration", "BucketPublicAccessBlock", "BucketOwnershipControls"]) {
      const type = `aws:s3/${t[0].toLowerCase()}${t.slice(1)}:${t}`;
      expect(after, t).to.include(recorder.one(type).urn);
    }
  });

  it("policy in a region opened since August 2022: the log delivery service principal", async () => {
    new Alb("eu-central-2-alb", { spec: spec("eu-central-2"), vpcId: "vpc-1", publicSubnetIds: subnets }, { provider: provider("eu-central-2") });
    await registered();
    const [write] = statements();
    expect(write.Principal).to.deep.equal({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    expect(write.Resource).to.match(new RegExp(`^arn:aws:s3:::ecs-fleet-dev-eu-central-2-alb-logs-[0-9a-f]{26}/ecs-fleet-dev/AWSLogs/${MOCK_ACCOUNT_ID}/\\*$`));
  });

  it("the ALB writes to the bucket under the prefix, and is created after the bucket policy", async () => {
    const alb = new Alb("eu-west-1-alb", { spec: spec("eu-west-1"), vpcId: "vpc-1", publicSubnetIds: subnets }, { provider: provider("eu-west-1") });
    await registered();
    const lb = recorder.one("aws:lb/loadBalancer:LoadBalancer");
    expect(lb.inputs.accessLogs).to.deep.equal({ bucket: await valueOf(alb.accessLogBucket!.bucketName), prefix: "ecs-fleet-dev", enabled: true });
    expect(lb.options.dependsOn).to.include(recorder.one("aws:s3/bucketPolicy:BucketPolicy").urn);
  });

  it("without spec.accessLogs: no bucket, no accessLogs on the ALB", async () => {
    const { accessLogs: _off, ...noLogs } = spec("eu-west-1");
    const alb = new Alb("eu-west-1-alb", { spec: noLogs, vpcId: "vpc-1", publicSubnetIds: subnets }, { provider: provider("eu-west-1") });
    await registered();
    expect(alb.accessLogBucket).to.equal(undefined);
    expect(recorder.resources.filter((r) => r.type.startsWith("aws:s3/") || r.type === "ecs-fleet:alb:AccessLogBucket")).to.deep.equal([]);
    expect(recorder.one("aws:lb/loadBalancer:LoadBalancer").inputs).to.not.have.property("accessLogs");
  });

  it("refuses a key prefix containing AWSLogs (ELB adds it)", () => {
    expect(() => new AccessLogBucket("x", { spec: logs("eu-west-1", { prefix: "a/AWSLogs" }) }, { provider: provider("eu-west-1") })).to.throw(
      "AccessLogBucket x: the prefix must not contain AWSLogs, got a/AWSLogs",
    );
  });
});

describe("ALB access logs: the prod stack", function () {
  this.timeout(120000);

  it("every ALB logs; lb-access-logs no longer fires and the log buckets break no rule", async () => {
    const root = path.resolve(__dirname, "..", "..");
    const file = readStackFile(path.join(root, "Pulumi.prod.yaml"), "prod");
    const run = await sharedRun({ stack: "prod", raw: file.raw, secretKeys: file.secretKeys, now: new Date("2026-11-24T00:00:00Z") });
    if (!run.ok) throw new Error(run.issues.map(formatIssue).join("\n"));
    const lbs = run.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    expect(lbs.map((r) => r.region).sort()).to.deep.equal(["ap-southeast-2", "eu-west-1", "us-east-1"]);
    for (const lb of lbs) expect((lb.inputs.accessLogs as { enabled: boolean }).enabled, lb.name).to.equal(true);
    const buckets = run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket");
    expect(buckets.map((b) => [b.region, b.inputs.forceDestroy]).sort()).to.deep.equal([
      ["ap-southeast-2", false],
      ["eu-west-1", false],
      ["us-east-1", false],
    ]);
    const violations = evaluate(fromRecorded(run.resources), { stack: run.stack, project: run.project, now: new Date("2026-11-24T00:00:00Z") });
    expect(violations.filter((v) => v.rule === "lb-access-logs")).to.deep.equal([]);
    const s3Urns = new Set(run.resources.filter((r) => r.type.startsWith("aws:s3/")).map((r) => r.urn));
    expect(s3Urns.size).to.equal(18);
    expect(violations.filter((v) => s3Urns.has(v.urn))).to.deep.equal([]);
    // The buckets are checked for their tags (not skipped as an unknown type).
    expect(TAGGABLE_TYPES).to.include("aws:s3/bucket:Bucket");
    expect(violations.filter((v) => v.level === "mandatory")).to.deep.equal([]);
  });
});
