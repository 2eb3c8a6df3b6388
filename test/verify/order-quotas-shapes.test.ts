import { expect } from "chai";
import { Model } from "../../verify/model";
import { order } from "../../verify/checks/order";
import { quotas } from "../../verify/checks/quotas";
import { apiShapes } from "../../verify/checks/api-shapes";
import { CheckResult, VerifiablePlan } from "../../verify/types";
import { all, copy, dropDependency, find, shippedStack } from "./fixtures";

const runOrder = (plan: VerifiablePlan) => order.run(new Model(plan)) as CheckResult;
const runQuotas = (plan: VerifiablePlan) => quotas.run(new Model(plan)) as CheckResult;
const runShapes = (plan: VerifiablePlan) => apiShapes.run(new Model(plan)) as CheckResult;

describe("verify: order, quotas, API shapes", function () {
  this.timeout(60000);
  let prod: VerifiablePlan;
  before(async () => {
    prod = await shippedStack("prod");
  });

  describe("order and ownership", () => {
    it("passes the prod plan (every AWS order holds, one owner per physical object)", () => {
      const r = runOrder(prod);
      expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
      expect(r.examined.orders).to.be.greaterThan(20);
    });

    it("catches a service no longer ordered after the listener rules forwarding to its target group", () => {
      const plan = copy(prod);
      const svc = find(plan, "aws:ecs/service:Service", (s) => s.name === "eu-west-1-api-service");
      for (const rule of all(plan, "aws:lb/listenerRule:ListenerRule")) dropDependency(svc, rule.urn);
      expect(runOrder(plan).failures.some((f) => f.urn === svc.urn && /listener rule forwarding/.test(f.message))).to.equal(true);
    });

    it("catches an HTTPS listener no longer ordered after its certificate's validation", () => {
      const plan = copy(prod);
      const listener = find(plan, "aws:lb/listener:Listener", (l) => l.name === "eu-west-1-alb-https");
      listener.dependencies = (listener.dependencies ?? []).filter((d) => !d.urn.includes("CertificateValidation"));
      expect(runOrder(plan).failures.some((f) => f.urn === listener.urn && /pending validation/.test(f.message))).to.equal(true);
    });

    it("catches a service created before its cluster's capacity providers", () => {
      const plan = copy(prod);
      const svc = find(plan, "aws:ecs/service:Service", (s) => s.name === "us-east-1-web-service");
      svc.dependencies = (svc.dependencies ?? []).filter((d) => !d.urn.includes("ClusterCapacityProviders"));
      expect(runOrder(plan).failures.some((f) => f.urn === svc.urn && /ClusterCapacityProviders/.test(f.message))).to.equal(true);
    });

    it("catches a task definition registered before its execution role's policy", () => {
      const plan = copy(prod);
      const td = find(plan, "aws:ecs/taskDefinition:TaskDefinition", (t) => t.name === "eu-west-1-api-task");
      td.dependencies = (td.dependencies ?? []).filter((d) => !d.urn.includes("RolePolicy"));
      expect(runOrder(plan).failures.some((f) => f.urn === td.urn && /execution role/.test(f.message))).to.equal(true);
    });

    it("catches a second owner of a Route 53 record, of an IAM role name and of an ECS service", () => {
      const plan = copy(prod);
      const record = find(plan, "aws:route53/record:Record", (r) => r.name === "global-dns-web-eu-west-1");
      const role = find(plan, "aws:iam/role:Role", (r) => r.name === "eu-west-1-api-exec");
      const svc = find(plan, "aws:ecs/service:Service", (s) => s.name === "eu-west-1-web-service");
      for (const r of [record, role, svc]) plan.resources.push({ ...JSON.parse(JSON.stringify(r)), urn: `${r.urn}-twin`, name: `${r.name}-twin` });
      const messages = runOrder(plan).failures.map((f) => f.message);
      expect(messages.some((m) => /Route 53 record web\.example\.com A .*managed by 2/.test(m))).to.equal(true, messages.join("\n"));
      expect(messages.some((m) => /IAM role ecs-fleet-prod-euw1-api-exec is managed by 2/.test(m))).to.equal(true);
      expect(messages.some((m) => /ECS service web in cluster .* is managed by 2/.test(m))).to.equal(true);
    });
  });

  describe("quotas", () => {
    it("passes the prod plan", () => {
      const r = runQuotas(prod);
      expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
      expect(r.examined.limits).to.be.greaterThan(100);
    });

    it("catches 101 rules on a load balancer, 6 condition values in a rule, 6 security groups on a task, 5,001 tasks and a 34-character target group name", () => {
      const plan = copy(prod);
      const rule = find(plan, "aws:lb/listenerRule:ListenerRule", (r) => r.name === "eu-west-1-web-rule");
      for (let i = 0; i < 100; i++) plan.resources.push({ ...JSON.parse(JSON.stringify(rule)), urn: `${rule.urn}-${i}`, name: `${rule.name}-${i}`, inputs: { ...rule.inputs, priority: 40000 + i } });
      rule.inputs.conditions = [{ pathPattern: { values: ["/a", "/b", "/c"] } }, { hostHeader: { values: ["a.example.com", "b.example.com", "c.example.com"] } }];
      const svc = find(plan, "aws:ecs/service:Service", (s) => s.name === "eu-west-1-api-service");
      (svc.inputs.networkConfiguration as any).securityGroups = ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"];
      svc.inputs.desiredCount = 5001;
      const tg = find(plan, "aws:lb/targetGroup:TargetGroup", (t) => t.name === "eu-west-1-api-tg");
      tg.inputs.namePrefix = "api-long";
      const messages = runQuotas(plan).failures.map((f) => f.message);
      expect(messages.some((m) => /rules on load balancer eu-west-1-alb .*: 10[2-9], AWS allows 100/.test(m))).to.equal(true, messages.join("\n"));
      expect(messages.some((m) => /condition values of rule eu-west-1-web-rule: 6, AWS allows 5/.test(m))).to.equal(true);
      expect(messages.some((m) => /security groups on the tasks of eu-west-1-api-service: 6/.test(m))).to.equal(true);
      expect(messages.some((m) => /desired tasks of eu-west-1-api-service: 5001/.test(m))).to.equal(true);
      expect(messages.some((m) => /api-long<26 characters> .* is 34 characters/.test(m))).to.equal(true, messages.join("\n"));
    });

    it("catches a task definition over 64 KiB", () => {
      const plan = copy(prod);
      const td = find(plan, "aws:ecs/taskDefinition:TaskDefinition", (t) => t.name === "eu-west-1-web-task");
      const defs = JSON.parse(String(td.inputs.containerDefinitions));
      defs[0].environment = Array.from({ length: 700 }, (_, i) => ({ name: `VAR_${i}`, value: "x".repeat(90) }));
      td.inputs.containerDefinitions = JSON.stringify(defs);
      expect(runQuotas(plan).failures.some((f) => f.urn === td.urn && /size of task definition/.test(f.message))).to.equal(true);
    });
  });

  describe("API shapes", () => {
    it("passes the prod plan (task definitions, services, job definitions, state machine)", () => {
      const r = runShapes(prod);
      expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
      expect(r.examined).to.deep.include({ stateMachines: 1 });
    });

    it("catches a container definition breaking the ECS model: enum, type, unknown and required members", () => {
      const plan = copy(prod);
      const td = find(plan, "aws:ecs/taskDefinition:TaskDefinition", (t) => t.name === "eu-west-1-api-task");
      const defs = JSON.parse(String(td.inputs.containerDefinitions));
      defs[0].portMappings[0].protocol = "TCP";
      defs[0].memoryReservation = "512";
      defs[0].healthcheck = {};
      delete defs[0].name;
      td.inputs.containerDefinitions = JSON.stringify(defs);
      const messages = runShapes(plan).failures.filter((f) => f.urn === td.urn).map((f) => f.message);
      expect(messages.some((m) => /protocol: "TCP" is not one of tcp, udp/.test(m))).to.equal(true, messages.join("\n"));
      expect(messages.some((m) => /memoryReservation: expected a number/.test(m))).to.equal(true);
      expect(messages.some((m) => /has no member healthcheck/.test(m))).to.equal(true);
    });

    it("catches a CreateService and a RegisterJobDefinition the models reject", () => {
      const plan = copy(prod);
      const svc = find(plan, "aws:ecs/service:Service", (s) => s.name === "eu-west-1-web-service");
      svc.inputs.launchType = "SPOT";
      const jd = find(plan, "aws:batch/jobDefinition:JobDefinition", (j) => j.name === "eu-west-1-batch-nightly-extract");
      jd.inputs.platformCapabilities = ["LAMBDA"];
      const messages = runShapes(plan).failures.map((f) => f.message);
      expect(messages.some((m) => /CreateService .*launchType: "SPOT" is not one of/.test(m))).to.equal(true, messages.join("\n"));
      expect(messages.some((m) => /RegisterJobDefinition .*platformCapabilities\[0\]: "LAMBDA"/.test(m))).to.equal(true);
    });

    it("catches an invalid state machine (asl-validator)", () => {
      const plan = copy(prod);
      const sm = find(plan, "aws:sfn/stateMachine:StateMachine");
      const def = JSON.parse(String(sm.inputs.definition));
      def.StartAt = "no-such-state";
      sm.inputs.definition = JSON.stringify(def);
      expect(runShapes(plan).failures.some((f) => f.urn === sm.urn)).to.equal(true);
    });
  });
});
