import { expect } from "chai";
import { Model } from "../../verify/model";
import { health } from "../../verify/checks/health";
import { network, cidrContains } from "../../verify/checks/network";
import { CheckResult, VerifiablePlan } from "../../verify/types";
import { all, copy, find, hostsAndProd } from "./fixtures";

const runHealth = (plan: VerifiablePlan) => health.run(new Model(plan)) as CheckResult;
const runNetwork = (plan: VerifiablePlan) => network.run(new Model(plan)) as CheckResult;
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

describe("verify: health and network", function () {
  this.timeout(60000);
  let hosts: VerifiablePlan;
  let prod: VerifiablePlan;
  before(async () => {
    ({ hosts, prod } = await hostsAndProd());
  });

  describe("health", () => {
    it("passes the host-routed and the prod plans", () => {
      for (const plan of [hosts, prod]) {
        const r = runHealth(plan);
        expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
        expect(r.examined.route53HealthChecks).to.be.greaterThan(0);
      }
    });

    it("catches a target-group health check on a port the targets do not serve", () => {
      const plan = copy(hosts);
      const tg = find(plan, "aws:lb/targetGroup:TargetGroup", (t) => t.name === "eu-west-1-admin-tg");
      (tg.inputs.healthCheck as any).port = "8081";
      const r = runHealth(plan);
      expect(r.failures.map((f) => f.urn)).to.include(tg.urn);
    });

    it("catches a Route 53 health check that no longer reaches its service (its health rule removed)", () => {
      const plan = copy(hosts);
      plan.resources = plan.resources.filter((r) => r.name !== "eu-west-1-admin-health-rule");
      const r = runHealth(plan);
      expect(r.failures.some((f) => /global-dns-admin-eu-west-1/.test(f.urn) && /not admin's target group/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
    });

    it("catches a load balancer aimed at a port the container does not publish", () => {
      const plan = copy(prod);
      const svc = find(plan, "aws:ecs/service:Service", (s) => s.name === "eu-west-1-api-service");
      (svc.inputs.loadBalancers as any[])[0].containerPort = 8080;
      expect(runHealth(plan).failures.some((f) => f.urn === svc.urn && /publishes 80/.test(f.message))).to.equal(true);
    });
  });

  describe("network", () => {
    it("CIDR containment", () => {
      expect(cidrContains("0.0.0.0/0", "10.1.0.0/16")).to.equal(true);
      expect(cidrContains("10.0.0.0/8", "10.1.0.0/16")).to.equal(true);
      expect(cidrContains("10.1.0.0/16", "10.0.0.0/8")).to.equal(false);
      expect(cidrContains("10.2.0.0/16", "10.1.0.0/16")).to.equal(false);
    });

    it("passes the host-routed and the prod plans", () => {
      for (const plan of [hosts, prod]) {
        const r = runNetwork(plan);
        expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
        expect(r.examined.paths).to.be.greaterThan(5);
      }
    });

    it("catches a service that does not admit the load balancer on its container port", () => {
      const plan = copy(hosts);
      plan.resources = plan.resources.filter((r) => r.name !== "eu-west-1-admin-in-alb");
      const r = runNetwork(plan);
      expect(r.failures.some((f) => /admin in eu-west-1 does not admit load balancer/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
    });

    it("catches a Service Connect server its clients cannot reach", () => {
      const plan = copy(hosts);
      plan.resources = plan.resources.filter((r) => r.name !== "eu-west-1-search-in-peers");
      const r = runNetwork(plan);
      expect(r.failures.some((f) => /client (web|admin) cannot reach search on port 9200 in eu-west-1/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
    });

    it("catches a task with no way out (the VPC's NAT gateways removed)", () => {
      const plan = copy(hosts);
      for (const vpc of all(plan, "awsx:ec2:Vpc")) vpc.inputs.natGateways = { strategy: "None" };
      const r = runNetwork(plan);
      expect(r.failures.some((f) => /service web in eu-west-1 has no way out/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
    });

    it("catches inbound from the internet to anything but the load balancer's 80/443", () => {
      const plan = copy(hosts);
      const rule = find(plan, INGRESS, (r) => r.name === "eu-west-1-admin-in-alb");
      rule.inputs.cidrIpv4 = "0.0.0.0/0";
      delete rule.inputs.referencedSecurityGroupId;
      const alb = find(plan, INGRESS, (r) => r.name === "eu-west-1-alb-in-443");
      alb.inputs.toPort = 8443;
      const r = runNetwork(plan);
      expect(r.failures.map((f) => f.urn)).to.include.members([rule.urn, alb.urn]);
    });
  });
});
