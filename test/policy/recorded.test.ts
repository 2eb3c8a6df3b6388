/**
 * The rules over resources registered for real through @pulumi/aws under the mock runtime: checks the
 * assumptions the rules make about registered inputs (JSON documents as strings, the provider's
 * defaultTags as a JSON string, dependencies between resources) and what `npm run plan` will pass.
 */
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../../policy/evaluate";
import { fromRecorded } from "../../policy/recorded";
import { settle } from "../../offline/mocks";
import { recorder } from "../setup";

const REGION = "eu-west-1";

/** A small regional footprint built the way the components will build it. */
function footprint(opts: { tags: boolean; openSsh: boolean }): void {
  const provider = new aws.Provider(`aws-${REGION}`, {
    region: REGION,
    defaultTags: opts.tags ? { tags: { Project: "ecs-fleet", Stack: "dev", Region: REGION } } : undefined,
  });
  const o = { provider };
  const albSg = new aws.ec2.SecurityGroup("alb-sg", { vpcId: "vpc-1", description: "load balancer" }, o);
  new aws.vpc.SecurityGroupIngressRule("alb-https", {
    securityGroupId: albSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443, description: "HTTPS from the internet",
  }, o);
  const tasksSg = new aws.ec2.SecurityGroup("tasks-sg", { vpcId: "vpc-1", description: "tasks" }, o);
  new aws.vpc.SecurityGroupIngressRule("tasks-ssh", {
    securityGroupId: tasksSg.id, cidrIpv4: opts.openSsh ? "0.0.0.0/0" : "10.0.0.0/16", ipProtocol: "tcp", fromPort: 22, toPort: 22, description: "ssh",
  }, o);
  new aws.lb.LoadBalancer("alb", {
    securityGroups: [albSg.id], subnets: ["subnet-a", "subnet-b"], dropInvalidHeaderFields: true, enableDeletionProtection: true,
    accessLogs: { bucket: "logs", enabled: true },
  }, o);
  const logs = new aws.cloudwatch.LogGroup("web-logs", { retentionInDays: 30 }, o);
  const exec = new aws.iam.Role("exec", { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs-tasks.amazonaws.com" }) }, o);
  const task = new aws.iam.Role("task", { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs-tasks.amazonaws.com" }) }, o);
  new aws.ecs.TaskDefinition("web", {
    family: "web", cpu: "256", memory: "512", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"],
    executionRoleArn: exec.arn, taskRoleArn: task.arn,
    containerDefinitions: pulumi.jsonStringify([{
      name: "web", image: "nginx", essential: true, readonlyRootFilesystem: true,
      environment: [{ name: "API_TOKEN", value: pulumi.secret("s3cr3t") }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": logs.name, "awslogs-region": REGION, "awslogs-stream-prefix": "web" } },
    }]),
  }, o);
}

describe("policy over recorded registrations", () => {
  it("sees tags from defaultTags, the load balancer's group by id, and secrets in the environment", async () => {
    footprint({ tags: true, openSsh: true });
    await settle();
    const resources = fromRecorded(recorder.resources);
    const td = resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")!;
    expect(typeof td.props.containerDefinitions).to.equal("string");
    expect(td.provider?.props.region).to.equal(REGION);
    const out = evaluate(resources, { stack: "dev", project: "ecs-fleet" });
    expect(out.map((v) => `${v.rule}:${v.urn.split("::").pop()}`)).to.deep.equal([
      "ecs-task-no-plain-secrets:web",
      "sg-no-public-ingress:tasks-ssh",
    ]);
    // The secret made the whole JSON document secret: the recorder masks it, the rule still sees it.
    expect(td.props.containerDefinitions).to.equal("[secret]");
    expect(out[0].message).to.match(/^containerDefinitions contains a Pulumi secret: pass it through the container's secrets/);
  });

  it("flags every taggable resource when the provider sets no default tags", async () => {
    footprint({ tags: false, openSsh: false });
    await settle();
    const out = evaluate(fromRecorded(recorder.resources), { stack: "dev", project: "ecs-fleet" }).filter((v) => v.rule === "tags-required");
    expect(out.map((v) => v.urn.split("::").pop()).sort()).to.deep.equal(["alb", "alb-https", "alb-sg", "exec", "task", "tasks-sg", "tasks-ssh", "web", "web-logs"]);
  });
});
