/**
 * Run in a child process by fargate-service.test.ts: builds a FargateService under the mock runtime
 * (caller identity 123456789012) with a secret in account 111122223333 and no KMS key, and prints
 * what the deployment fails with. A separate process, because a registration whose input fails
 * never completes under the mock runtime and would stall every later test in the same process.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Recorder } from "../../../offline/mocks";
import { validateConfig } from "../../../stacks/validate";
import { planFleet } from "../../../stacks/plan";

async function main(): Promise<void> {
  const recorder = new Recorder();
  await pulumi.runtime.setMocks(recorder.mocks, "ecs-fleet", "dev", false);
  recorder.attach();
  const { FargateService } = require("../../../components/fargate-service") as typeof import("../../../components/fargate-service");
  const raw = {
    "aws:region": "eu-west-1",
    "ecs-fleet:regions": JSON.stringify({ "eu-west-1": { cidr: "10.10.0.0/16" } }),
    "ecs-fleet:services": JSON.stringify({ web: { image: "x", cpu: 256, memory: 512, secrets: { DB: process.argv[2] } } }),
  };
  const r = validateConfig(raw, { stack: "dev", project: "ecs-fleet", now: new Date(0) });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const spec = planFleet(r.config, { project: "ecs-fleet", stack: "dev" }).regions[0].services[0];
  const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
  const service = new FargateService("eu-west-1-web", {
    spec,
    region: "eu-west-1",
    clusterName: "c",
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/c",
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-a"],
    peerSecurityGroupId: "sg-peer",
    serviceConnectNamespaceArn: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1",
  }, { provider });
  try {
    await (service.executionPolicy as any).promise();
    process.stdout.write("deployed\n");
    process.exit(0);
  } catch (e) {
    process.stdout.write(`failed: ${(e as Error).message}\n`);
    process.exit(3);
  }
}

main();
