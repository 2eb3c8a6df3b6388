import { expect } from "chai";
import { Model } from "../../verify/model";
import { iam } from "../../verify/checks/iam";
import { lintStatement } from "../../verify/iam";
import { CheckResult, VerifiablePlan } from "../../verify/types";
import { copy, find, shippedStack } from "./fixtures";

const run = (plan: VerifiablePlan) => iam.run(new Model(plan)) as Promise<CheckResult>;
const POLICY = "aws:iam/rolePolicy:RolePolicy";

/** Rewrites the statements of an inline policy. */
function editPolicy(plan: VerifiablePlan, name: string, edit: (statements: any[]) => any[]) {
  const p = find(plan, POLICY, (r) => r.name === name);
  const doc = JSON.parse(String(p.inputs.policy));
  doc.Statement = edit(doc.Statement);
  p.inputs.policy = JSON.stringify(doc);
  return p;
}

describe("verify: iam", function () {
  this.timeout(60000);
  let prod: VerifiablePlan;
  before(async () => {
    prod = await shippedStack("prod");
  });

  it("passes the prod plan (execution, Step Functions, Scheduler, flow-log and site roles all sufficient)", async () => {
    const r = await run(prod);
    expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
    expect(r.examined.permissions).to.be.greaterThan(40);
  });

  it("catches an execution role that cannot read a secret its container references", async () => {
    const plan = copy(prod);
    const p = editPolicy(plan, "eu-west-1-api-exec", (st) => st.filter((s) => s.Sid !== "ReadSecrets"));
    const r = await run(plan);
    expect(r.failures.some((f) => f.urn === p.urn && /secretsmanager:GetSecretValue/.test(f.message) && /DB_PASSWORD/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
  });

  it("requires kms:Decrypt (through Secrets Manager) when the plan encrypts a referenced secret with a customer key", async () => {
    const plan = copy(prod);
    const provider = find(plan, "aws:ecs/service:Service", (x) => x.name === "eu-west-1-api-service").provider;
    const base = { parent: null, provider, region: "eu-west-1", custom: true, dependencies: [], options: {} };
    plan.resources.push({ ...base, urn: "urn:test::kms-key", type: "aws:kms/key:Key", name: "secrets-key", inputs: { description: "secrets" } });
    plan.resources.push({ ...base, urn: "urn:test::secret", type: "aws:secretsmanager/secret:Secret", name: "db", inputs: { name: "prod/api/db", kmsKeyId: "secrets-key-" } });
    const model = new Model(plan);
    const key = model.ofType("aws:kms/key:Key")[0];
    find(plan, "aws:secretsmanager/secret:Secret").inputs.kmsKeyId = key.state.arn;
    const missing = await run(plan);
    expect(missing.failures.some((f) => /may not kms:Decrypt on arn:aws:kms:eu-west-1:123456789012:key\//.test(f.message))).to.equal(true, JSON.stringify(missing.failures));
    // api reads the eu-west-1 secret in both its regions.
    for (const name of ["eu-west-1-api-exec", "us-east-1-api-exec"]) {
      editPolicy(plan, name, (st) => [...st, { Effect: "Allow", Action: "kms:Decrypt", Resource: key.state.arn, Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } } }]);
    }
    const granted = await run(plan);
    expect(granted.failures, JSON.stringify(granted.failures, null, 1)).to.deep.equal([]);
  });

  it("catches an execution role that may read a secret no container references", async () => {
    const plan = copy(prod);
    editPolicy(plan, "eu-west-1-web-exec", (st) => [...st, { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/other-??????" }]);
    const r = await run(plan);
    expect(r.failures.some((f) => /which none of its containers references|reference no secret/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
  });

  it("catches an execution role that cannot write its log group", async () => {
    const plan = copy(prod);
    editPolicy(plan, "eu-west-1-worker-exec", (st) => st.filter((s) => s.Sid !== "WriteLogs"));
    const r = await run(plan);
    expect(r.failures.some((f) => /logs:CreateLogStream/.test(f.message) && /worker/.test(f.message))).to.equal(true);
  });

  it("catches a Step Functions role missing events:PutRule for submitJob.sync", async () => {
    const plan = copy(prod);
    editPolicy(plan, "eu-west-1-batch-nightly-extract-sfn", (st) => st.map((s) => ({ ...s, Action: [].concat(s.Action).filter((a: string) => a !== "events:PutRule") })));
    const r = await run(plan);
    expect(r.failures.some((f) => /may not events:PutRule on arn:aws:events:eu-west-1:123456789012:rule\/StepFunctionsGetEventsForBatchJobsRule/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
  });

  it("catches a Scheduler role that cannot start its state machine", async () => {
    const plan = copy(prod);
    editPolicy(plan, "eu-west-1-batch-nightly-extract-sched", (st) => st.map((s) => ({ ...s, Resource: "arn:aws:states:eu-west-1:123456789012:stateMachine:other" })));
    const r = await run(plan);
    expect(r.failures.some((f) => /may not states:StartExecution/.test(f.message))).to.equal(true);
  });

  it("catches an action that does not exist, and one granted on a resource type it does not take", async () => {
    const plan = copy(prod);
    editPolicy(plan, "eu-west-1-web-exec", (st) => [...st, { Effect: "Allow", Action: ["logs:PutLogEvent"], Resource: "*" }, { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/web" }]);
    const r = await run(plan);
    expect(r.failures.some((f) => /logs:PutLogEvent does not exist/.test(f.message))).to.equal(true);
    expect(r.failures.some((f) => /ecr:GetAuthorizationToken takes no resource ARN/.test(f.message))).to.equal(true);
  });

  it("lints with the Service Authorization Reference: a log-group ARN does not serve PutLogEvents alone", async () => {
    expect(await lintStatement({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "arn:aws:logs:eu-west-1:1:log-group:x" })).to.have.length.greaterThan(0);
    expect(await lintStatement({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "arn:aws:logs:eu-west-1:1:log-group:x:*" })).to.deep.equal([]);
  });
});
