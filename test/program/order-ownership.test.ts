/**
 * The prod plan as a whole: one owner per physical object, and the creation / deletion orders AWS
 * documents, read from the recorded dependencies (explicit dependsOn and input references).
 */
import { expect } from "chai";
import { RecordedResource } from "../../offline/mocks";
import { runShippedStack } from "../helpers";

const NOW = new Date("2026-11-24T00:00:00Z");

describe("prod plan: ownership and order", () => {
  let resources: RecordedResource[] = [];
  let warnings: string[] = [];
  before(async () => {
    const run = await runShippedStack("prod", NOW);
    resources = run.resources;
    warnings = run.plan.warnings;
  });
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  /** The resources of `type` under the component whose URN ends with `::<name>` (its descendants). */
  function isDescendant(r: RecordedResource, ancestor: RecordedResource): boolean {
    const map = new Map(resources.map((x) => [x.urn, x]));
    for (let p = r.parent; p; p = map.get(p)?.parent ?? null) if (p === ancestor.urn) return true;
    return false;
  }
  const descendants = (type: string, ancestor: RecordedResource) => ofType(type).filter((r) => isDescendant(r, ancestor));
  const deps = (r: RecordedResource) => r.options.dependsOn;

  it("registers the ACM validation CNAME once, from the home region, and every certificate validation waits for it", () => {
    const records = ofType("aws:route53/record:Record").filter((r) => r.inputs.type === "CNAME");
    expect(records).to.have.length(1);
    const [record] = records;
    expect(record.region).to.equal("eu-west-1");
    expect(record.parent).to.match(/ecs-fleet:dns:CertificateValidationRecord::cert-validation$/);
    const validations = ofType("aws:acm/certificateValidation:CertificateValidation");
    expect(validations.map((v) => v.region).sort()).to.deep.equal(["ap-southeast-2", "eu-west-1", "us-east-1"]);
    for (const v of validations) {
      expect(deps(v), v.name).to.include(record.urn);
      expect(v.inputs.validationRecordFqdns).to.deep.equal([String(record.inputs.name).replace(/\.$/, "")]);
    }
  });

  it("no two resources own one Route 53 name and type, IAM role, log group or ECS service", () => {
    const key = (r: RecordedResource): string | undefined => {
      switch (r.type) {
        case "aws:route53/record:Record":
          return r.inputs.setIdentifier ? undefined : `r53 ${r.inputs.zoneId} ${String(r.inputs.name).replace(/\.$/, "")} ${r.inputs.type}`;
        case "aws:iam/role:Role":
          return typeof r.inputs.name === "string" ? `role ${r.inputs.name.toLowerCase()}` : undefined;
        case "aws:cloudwatch/logGroup:LogGroup":
          return typeof r.inputs.name === "string" ? `log ${r.region} ${r.inputs.name}` : undefined;
        case "aws:ecs/service:Service":
          return `svc ${r.inputs.cluster} ${r.inputs.name}`;
        default:
          return undefined;
      }
    };
    const seen = new Map<string, string>();
    for (const r of resources) {
      const k = key(r);
      if (!k) continue;
      expect(seen.get(k), `${k}: ${seen.get(k)} and ${r.urn}`).to.equal(undefined);
      seen.set(k, r.urn);
    }
    expect(seen.size).to.be.greaterThan(20);
  });

  it("HTTPS listeners wait for their certificate validation", () => {
    const https = ofType("aws:lb/listener:Listener").filter((l) => l.inputs.port === 443);
    expect(https).to.have.length(3);
    for (const l of https) {
      const validation = ofType("aws:acm/certificateValidation:CertificateValidation").find((v) => v.region === l.region)!;
      expect(deps(l), l.name).to.include(validation.urn);
    }
  });

  it("regional services wait for the cluster's capacity providers and their listener rules; task definitions for the execution policy", () => {
    const footprints = ofType("ecs-fleet:region:RegionalFootprint");
    expect(footprints).to.have.length(3);
    for (const fp of footprints) {
      const [cp] = descendants("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", fp);
      for (const component of descendants("ecs-fleet:ecs:FargateService", fp)) {
        const [svc] = descendants("aws:ecs/service:Service", component);
        expect(deps(svc), svc.name).to.include(cp.urn);
        for (const rule of descendants("aws:lb/listenerRule:ListenerRule", component)) expect(deps(svc), svc.name).to.include(rule.urn);
        const [td] = descendants("aws:ecs/taskDefinition:TaskDefinition", component);
        const execPolicy = descendants("aws:iam/rolePolicy:RolePolicy", component).find((p) => p.name.endsWith("-exec"))!;
        expect(deps(td), td.name).to.include(execPolicy.urn);
      }
    }
  });

  it("flow logs wait for their role's policy; the trust carries aws:SourceAccount and aws:SourceArn", () => {
    const flowLogs = ofType("aws:ec2/flowLog:FlowLog");
    expect(flowLogs).to.have.length(3);
    for (const fl of flowLogs) {
      const network = resources.find((r) => r.urn === fl.parent)!;
      const [policy] = descendants("aws:iam/rolePolicy:RolePolicy", network);
      expect(deps(fl)).to.include(policy.urn);
      const statements = JSON.parse(policy.inputs.policy as string).Statement;
      // DescribeLogGroups takes only "*": never on an ARN.
      for (const st of statements) if (st.Action.includes("logs:DescribeLogGroups")) expect(st.Resource).to.equal("*");
      const [role] = descendants("aws:iam/role:Role", network);
      const trust = JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0];
      expect(trust.Condition).to.deep.equal({
        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${fl.region}:123456789012:vpc-flow-log/*` },
        StringEquals: { "aws:SourceAccount": "123456789012" },
      });
    }
  });

  it("site task definitions wait for the execution policies, site services for their cluster", () => {
    for (const site of ofType("ecs-fleet:onprem:OnPremSite")) {
      const policies = descendants("aws:iam/rolePolicy:RolePolicy", site).filter((p) => /-exec(-secrets)?$/.test(p.name));
      expect(policies.length).to.be.greaterThan(0);
      const [cluster] = descendants("aws:ecs/cluster:Cluster", site);
      for (const td of descendants("aws:ecs/taskDefinition:TaskDefinition", site)) expect(deps(td)).to.include.members(policies.map((p) => p.urn));
      for (const svc of descendants("aws:ecs/service:Service", site)) expect(deps(svc)).to.include(cluster.urn);
      // No managed task-execution policy: the inline one is scoped.
      expect(descendants("aws:iam/rolePolicyAttachment:RolePolicyAttachment", site).map((a) => a.inputs.policyArn)).to.not.include(
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      );
    }
  });

  it("Batch: queues after compute environments, job definitions after execution policies, state machines and schedules after their role policies", () => {
    const envs = ofType("ecs-fleet:batch:BatchEnvironment");
    expect(envs.length).to.be.greaterThan(0);
    for (const env of envs) {
      const ces = descendants("aws:batch/computeEnvironment:ComputeEnvironment", env);
      for (const q of descendants("aws:batch/jobQueue:JobQueue", env)) expect(ces.some((ce) => deps(q).includes(ce.urn)), q.name).to.equal(true);
      const policies = descendants("aws:iam/rolePolicy:RolePolicy", env);
      for (const def of descendants("aws:batch/jobDefinition:JobDefinition", env)) {
        const exec = policies.find((p) => p.name === `${def.name}-exec`)!;
        expect(deps(def), def.name).to.include(exec.urn);
      }
      for (const sm of descendants("aws:sfn/stateMachine:StateMachine", env)) expect(deps(sm)).to.include(policies.find((p) => p.name === `${sm.name}-sfn`)!.urn);
      for (const sc of descendants("aws:scheduler/schedule:Schedule", env)) expect(deps(sc)).to.include(policies.find((p) => p.name === `${sc.name}-sched`)!.urn);
    }
  });

  it("warns about a site that can never register a host, and about secrets read across regions", () => {
    expect(warnings.some((w) => w.startsWith("sites.virginia-dc: hosts is 2 but the site has no activation"))).to.equal(true);
    expect(warnings.some((w) => w.startsWith("sites.amsterdam-dc: hosts is"))).to.equal(false);
    const cross = warnings.filter((w) => w.startsWith("services.api.secrets.DB_PASSWORD: tasks in us-east-1 read"));
    expect(cross, warnings.join("\n")).to.have.length(1);
    expect(cross[0]).to.contain("set services.api.overrides.us-east-1.secrets.DB_PASSWORD to the replica's ARN (arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api/db)");
  });
});
