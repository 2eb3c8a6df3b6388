import { expect } from "chai";
import { validateConfig } from "../../stacks/validate";
import { planFleet } from "../../stacks/plan";
import { secretReadStatements } from "../../components/container-env";
import { CTX, rawConfig, validConfig } from "../config-fixtures";

const OTHER = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/db";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const web = (secrets: Record<string, unknown>) => ({ web: { image: "public.ecr.aws/nginx/nginx:1.27", cpu: 256, memory: 512, secrets } });

function issues(config: Record<string, unknown>): string[] {
  const r = validateConfig(rawConfig(config), CTX);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("secrets: KMS keys and accounts", () => {
  it("accepts { valueFrom, kmsKey } and plans the reference with its key", () => {
    const r = validateConfig(rawConfig(validConfig({ services: web({ DB: { valueFrom: OTHER, kmsKey: KEY } }) })), CTX);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const spec = planFleet(r.config, { project: CTX.project, stack: CTX.stack, now: CTX.now }).regions[0].services[0];
    expect(spec.secrets.DB).to.deep.equal({ valueFrom: OTHER, ref: { kind: "secretsmanager", arn: OTHER, kmsKey: KEY } });
  });

  it("rejects a KMS alias, a missing key and unknown keys, each at its path", () => {
    expect(issues(validConfig({ services: web({ DB: { valueFrom: OTHER, kmsKey: "alias/shared" } }) }))).to.deep.equal([
      'ecs-fleet:services.web.secrets.DB.kmsKey: expected the key ARN of a customer managed KMS key such as arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias), got "alias/shared"',
    ]);
    expect(issues(validConfig({ services: web({ DB: { valueFrom: OTHER, key: KEY } }) }))).to.deep.equal([
      "ecs-fleet:services.web.secrets.DB.key: unknown key; allowed: valueFrom, kmsKey",
      "ecs-fleet:services.web.secrets.DB.kmsKey: required: the key ARN of the customer managed KMS key the secret is encrypted with",
    ]);
  });

  it("with ecs-fleet:account set, rejects a secret in another account that names no KMS key (services, overrides, batch)", () => {
    const config = validConfig({
      account: "123456789012",
      services: { web: { ...web({ DB: OTHER }).web, overrides: { "us-east-1": { secrets: { DB: OTHER.replace("eu-west-1", "us-east-1") } } } } },
      batch: { nightly: { image: "public.ecr.aws/docker/library/python:3.12-slim", cpu: 256, memory: 512, secrets: { DB: OTHER } } },
    });
    const found = issues(config);
    for (const path of ["services.web.secrets.DB", "services.web.overrides.us-east-1.secrets.DB", "batch.nightly.secrets.DB"]) {
      expect(found.some((i) => i.startsWith(`ecs-fleet:${path}: `) && i.includes("is in account 111122223333, not the deploying account 123456789012")), `${path}\n${found.join("\n")}`).to.equal(true);
    }
    expect(found[0]).to.contain("the AWS managed key aws/secretsmanager cannot be used across accounts");
    // With the key, or in the stack's own account, or with no account known: fine.
    expect(issues(validConfig({ account: "123456789012", services: web({ DB: { valueFrom: OTHER, kmsKey: KEY } }) }))).to.deep.equal([]);
    expect(issues(validConfig({ account: "111122223333", services: web({ DB: OTHER }) }))).to.deep.equal([]);
    expect(issues(validConfig({ services: web({ DB: OTHER }) }))).to.deep.equal([]);
    expect(issues(validConfig({ account: "1234" }))).to.deep.equal(["ecs-fleet:account: expected a 12-digit AWS account id such as 123456789012 (quoted if it starts with 0), got 1234"]);
  });

  it("grants kms:Decrypt on exactly the named keys, only via Secrets Manager / SSM in the secrets' regions", () => {
    const statements = secretReadStatements(
      [
        { valueFrom: OTHER, kmsKey: KEY },
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:own",
        { valueFrom: "arn:aws:ssm:us-east-1:111122223333:parameter/p", kmsKey: KEY },
      ],
      "aws",
      "eu-west-1",
      "123456789012",
    );
    expect(statements.find((s) => s.Sid === "DecryptSecrets")).to.deep.equal({
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [KEY],
      Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"] } },
    });
    // Without a named key, no KMS grant at all.
    expect(secretReadStatements(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:own"], "aws", "eu-west-1", "123456789012").map((s) => s.Sid)).to.deep.equal(["ReadSecrets"]);
  });

  it("warns when a region reads a secret from another region, and not once an override points at a replica", () => {
    const plan = (services: Record<string, unknown>) => {
      const r = validateConfig(rawConfig(validConfig({ services })), CTX);
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      return planFleet(r.config, { project: CTX.project, stack: CTX.stack, now: CTX.now }).warnings;
    };
    const own = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
    expect(plan(web({ DB: own }))).to.deep.equal([
      `services.web.secrets.DB: tasks in us-east-1 read ${own} from eu-west-1, so they cannot start while eu-west-1 is unavailable; ` +
        "replicate it to us-east-1 and set services.web.overrides.us-east-1.secrets.DB to the replica's ARN (arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf)",
    ]);
    const withReplica = { web: { ...web({ DB: own }).web, overrides: { "us-east-1": { secrets: { DB: own.replace("eu-west-1", "us-east-1") } } } } };
    expect(plan(withReplica)).to.deep.equal([]);
  });
});
