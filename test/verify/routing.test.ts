import { expect } from "chai";
import { Model } from "../../verify/model";
import { routing } from "../../verify/checks/routing";
import { globCovers, globMatch } from "../../verify/alb";
import { CheckResult, VerifiablePlan } from "../../verify/types";
import { all, copy, hostsAndProd } from "./fixtures";

const RULE = "aws:lb/listenerRule:ListenerRule";
const run = (plan: VerifiablePlan) => routing.run(new Model(plan)) as CheckResult;

describe("verify: routing", function () {
  this.timeout(60000);
  let hosts: VerifiablePlan;
  let prod: VerifiablePlan;
  before(async () => {
    ({ hosts, prod } = await hostsAndProd());
  });

  it("ALB wildcards: * is any run, ? one character; host case-insensitive, path case-sensitive", () => {
    expect(globMatch("*.example.com", "API.Example.COM", true)).to.equal(true);
    expect(globMatch("/api/*", "/API/x", false)).to.equal(false);
    expect(globMatch("/v?/x", "/v1/x", false)).to.equal(true);
    expect(globMatch("/v?/x", "/v10/x", false)).to.equal(false);
    expect(globCovers("/*", "/api/*", false)).to.equal(true);
    expect(globCovers("/api/*", "/*", false)).to.equal(false);
    expect(globCovers("/a?c", "/a*c", false)).to.equal(false);
  });

  it("passes a host-routed plan: every URL of web and admin reaches its own target group in both regions", () => {
    const r = run(hosts);
    expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
    // global + regional per service per region (the ALB name serves no host-routed service)
    expect(r.examined.urls).to.equal(2 * 2 * 2);
  });

  it("catches a dropped host condition: the first-evaluated rule then swallows the other service's names", () => {
    const plan = copy(hosts);
    const routes = all(plan, RULE, (r) => !((r.inputs.conditions as any[]) ?? []).some((c) => c.queryStrings) && r.region === "eu-west-1");
    const first = routes.sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority))[0];
    first.inputs.conditions = (first.inputs.conditions as any[]).filter((c) => !c.hostHeader);
    const r = run(plan);
    expect(r.failures.length).to.be.greaterThan(0);
    expect(r.failures.some((f) => f.urn === first.urn && /reaches target group/.test(f.message) && /eu-west-1/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
  });

  it("catches a rule that a higher-priority rule shadows completely", () => {
    const plan = copy(hosts);
    const rules = all(plan, RULE, (r) => r.region === "eu-west-1" && !((r.inputs.conditions as any[]) ?? []).some((c) => c.queryStrings));
    const [a, b] = rules.sort((x, y) => Number(x.inputs.priority) - Number(y.inputs.priority));
    b.inputs.conditions = JSON.parse(JSON.stringify(a.inputs.conditions));
    const r = run(plan);
    expect(r.failures.some((f) => f.urn === b.urn && /never matches/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
  });

  it("catches a global name with no record in a region the service runs in", () => {
    const plan = copy(hosts);
    plan.resources = plan.resources.filter((r) => !(r.type === "aws:route53/record:Record" && r.inputs.name === "web.example.com" && r.inputs.setIdentifier === "us-east-1"));
    const r = run(plan);
    expect(r.failures.some((f) => /web\.example\.com.*us-east-1/.test(f.message))).to.equal(true, JSON.stringify(r.failures));
  });

  it("routes the shipped prod stack (host-routed: each service by its own names; api under /api/*, web at /*)", () => {
    const r = run(prod);
    expect(r.failures, JSON.stringify(r.failures, null, 1)).to.deep.equal([]);
    expect(r.examined.urls).to.be.at.least(10);
  });
});
