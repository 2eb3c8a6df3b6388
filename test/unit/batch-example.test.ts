import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configMap } from "../../offline/stack-file";
import { formatIssue, validateConfig } from "../../stacks/validate";
import { planBatch } from "../../stacks/batch-plan";

/** The batch example for Pulumi.prod.yaml (the snippet handed to the lead). */
const PROD_BATCH_EXAMPLE = `
  ecs-fleet:batch:
    render-invoices:
      image: public.ecr.aws/docker/library/python:3.12-slim
      command: ["python", "-c", "import os; print('rendering part', os.environ['AWS_BATCH_JOB_ARRAY_INDEX'])"]
      cpu: 1024
      memory: 2048
      arraySize: 100
      retries: 3
      timeoutSeconds: 3600
      spot: true
      regions: [eu-west-1, us-east-1]
    nightly-extract:
      image: public.ecr.aws/docker/library/python:3.12-slim
      command: ["python", "-c", "print('extract')"]
      cpu: 512
      memory: 1024
      retries: 2
      schedule: "cron(0 2 * * ? *)"
      environment:
        STAGE: prod
      regions: [eu-west-1]
    nightly-report:
      image: public.ecr.aws/docker/library/python:3.12-slim
      command: ["python", "-c", "print('report')"]
      cpu: 256
      memory: 512
      after: [nightly-extract]
      regions: [eu-west-1]
`;

describe("batch example for Pulumi.prod.yaml", () => {
  it("validates with the prod stack's regions and plans a parallel job and a two-step chain", () => {
    const text = fs.readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8");
    const withBatch = /ecs-fleet:batch:/.test(text) ? text : `${text.trimEnd()}\n${PROD_BATCH_EXAMPLE}`;
    const { raw } = configMap(parse(withBatch).config);
    const result = validateConfig(raw, { stack: "prod", project: "ecs-fleet", now: new Date("2026-11-24T00:00:00Z") });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));

    const plan = planBatch(result.config.batch, Object.keys(result.config.regions), { project: "ecs-fleet", stack: "prod" });
    expect(Object.keys(plan).sort()).to.deep.equal(["eu-west-1", "us-east-1"]);
    expect(plan["eu-west-1"].jobs["render-invoices"]).to.deep.include({ arraySize: 100, spot: true, vcpu: "1" });
    expect(plan["eu-west-1"].chains["nightly-extract"].stages).to.deep.equal([["nightly-extract"], ["nightly-report"]]);
    expect(plan["us-east-1"].chains).to.deep.equal({});
    expect(plan["us-east-1"].spotQueueName).to.equal("ecs-fleet-prod-jobs-spot");
  });
});
