/**
 * The CrossGuard adapter, without starting a policy pack: props arrive through @pulumi/policy's
 * unknown-checking proxy, levels derived from the stack become two policies, cross-resource rules run
 * as stack validations.
 */
import { expect } from "chai";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { buildPolicies, contextFor, fromResourceArgs, fromStackResource, plainProps } from "../../policy/crossguard";
import { rules } from "../../policy/rules";
import { UNKNOWN } from "../../policy/types";
import * as f from "./fixtures";

type Reported = { message: string; urn?: string };

/** @pulumi/policy's own proxy and sentinels (marked internal, so not in its typings). */
const { unknownCheckingProxy, unknownNumberValue, unknownStringValue } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(v: T): T;
  unknownNumberValue: string;
  unknownStringValue: string;
};

function resourcePolicy(name: string): ResourceValidationPolicy {
  const p = buildPolicies(rules).find((x) => x.name === name);
  if (!p || !("validateResource" in p)) throw new Error(`no resource policy ${name}`);
  return p as ResourceValidationPolicy;
}

function stackPolicy(name: string): StackValidationPolicy {
  const p = buildPolicies(rules).find((x) => x.name === name);
  if (!p || !("validateStack" in p)) throw new Error(`no stack policy ${name}`);
  return p as StackValidationPolicy;
}

/** Runs a resource policy on a fixture the way the pack's server would hand it over. */
async function runResource(name: string, r: ReturnType<typeof f.res>): Promise<Reported[]> {
  const out: Reported[] = [];
  const validate = resourcePolicy(name).validateResource as any;
  await validate(
    {
      type: r.type,
      urn: r.urn,
      name: r.name,
      props: unknownCheckingProxy(f.clone(r.props)),
      provider: r.provider ? { type: "pulumi:providers:aws", urn: r.provider.urn, name: "aws", props: unknownCheckingProxy(f.clone(r.provider.props)) } : undefined,
      opts: { parent: r.parent, protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
    },
    (message: string, urn?: string) => out.push({ message, urn }),
  );
  return out;
}

describe("policy CrossGuard adapter", () => {
  it("reads props through the unknown-checking proxy and turns unknowns into UNKNOWN", () => {
    const proxied = unknownCheckingProxy({ a: unknownStringValue, b: { c: [1, unknownNumberValue] }, d: "x" });
    expect(() => (proxied as any).a).to.throw(/can't be known during preview/);
    expect(plainProps(proxied)).to.deep.equal({ a: UNKNOWN, b: { c: [1, UNKNOWN] }, d: "x" });
  });

  it("registers one policy per fixed-level rule and two per derived-level rule", () => {
    const policies = buildPolicies(rules);
    const expected = rules.flatMap((r) => (typeof r.level === "function" ? [`${r.name}:mandatory`, `${r.name}-advisory:advisory`] : [`${r.name}:${r.level}`]));
    expect(policies.map((p) => `${p.name}:${p.enforcementLevel}`)).to.deep.equal(expected);
    expect(policies.filter((p) => "validateStack" in p).map((p) => p.name)).to.deep.equal([
      "lb-http-redirects-to-https",
      "lb-http-redirects-to-https-advisory",
      "sg-no-public-ingress",
      "vpc-flow-logs",
    ]);
  });

  it("reports a resource rule's messages, and nothing for other types", async () => {
    const td = f.fargateTaskDefinition([{ ...f.webContainers[0], privileged: true }]);
    expect(await runResource("ecs-task-no-privileged", td)).to.deep.equal([
      { message: 'container "web" runs privileged: remove "privileged: true" (grant single Linux capabilities in linuxParameters.capabilities.add if it truly needs one)', urn: undefined },
    ]);
    expect(await runResource("ecs-task-no-privileged", f.cluster())).to.deep.equal([]);
  });

  it("does not fail on unknown inputs during preview", async () => {
    const td = f.fargateTaskDefinition();
    td.props.networkMode = unknownStringValue;
    td.props.containerDefinitions = unknownStringValue;
    expect(await runResource("ecs-task-fargate-awsvpc", td)).to.deep.equal([]);
    expect(await runResource("ecs-task-logging", td)).to.deep.equal([]);
  });

  it("splits a stack-dependent level: the prod stack reports mandatory, dev advisory", async () => {
    const lb = f.loadBalancer();
    lb.props.enableDeletionProtection = false;
    const prodLb = f.res(lb.type, lb.name, lb.props, {}, "prod");
    expect(await runResource("lb-deletion-protection", prodLb)).to.have.length(1);
    expect(await runResource("lb-deletion-protection-advisory", prodLb)).to.deep.equal([]);
    expect(await runResource("lb-deletion-protection", lb)).to.deep.equal([]);
    expect(await runResource("lb-deletion-protection-advisory", lb)).to.have.length(1);
  });

  it("runs cross-resource rules over the stack and reports the resource's URN", async () => {
    const open = f.tasksIngressRule();
    delete open.props.referencedSecurityGroupId;
    Object.assign(open.props, { cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22 });
    const stack = [...f.compliantStack().filter((r) => r.urn !== open.urn), open];
    const byUrn = new Map<string, any>();
    const cg = stack.map((r) => {
      const x: any = {
        type: r.type,
        urn: r.urn,
        name: r.name,
        props: unknownCheckingProxy(f.clone(r.props)),
        provider: r.provider ? { type: "pulumi:providers:aws", urn: r.provider.urn, name: "aws", props: r.provider.props } : undefined,
        dependencies: [],
      };
      byUrn.set(r.urn, x);
      return x;
    });
    stack.forEach((r, i) => (cg[i].dependencies = (r.dependencies ?? []).map((u) => byUrn.get(u)).filter(Boolean)));
    const out: Reported[] = [];
    await (stackPolicy("sg-no-public-ingress").validateStack as any)({ resources: cg }, (message: string, urn?: string) => out.push({ message, urn }));
    expect(out.map((o) => o.urn)).to.deep.equal([open.urn]);
    expect(out[0].message).to.match(/^ingress rule allows 0.0.0.0\/0 on ports 22-22\/tcp: restrict/);
  });

  it("maps CrossGuard resources to rule resources (provider, parent, dependencies)", () => {
    const r = fromStackResource({
      type: "aws:ec2/flowLog:FlowLog",
      urn: "urn:pulumi:prod::ecs-fleet::aws:ec2/flowLog:FlowLog::fl",
      name: "fl",
      props: { vpcId: unknownStringValue },
      provider: { type: "pulumi:providers:aws", urn: "urn:p", name: "aws", props: { region: "eu-west-1" } },
      parent: { urn: "urn:parent" } as any,
      dependencies: [{ urn: "urn:vpc" } as any],
    });
    expect(r).to.deep.equal({
      type: "aws:ec2/flowLog:FlowLog",
      urn: "urn:pulumi:prod::ecs-fleet::aws:ec2/flowLog:FlowLog::fl",
      name: "fl",
      props: { vpcId: UNKNOWN },
      provider: { urn: "urn:p", props: { region: "eu-west-1" } },
      parent: "urn:parent",
      dependencies: ["urn:vpc"],
    });
    const a = fromResourceArgs({ type: "t", urn: "u", name: "n", props: {}, opts: { parent: "" } as any });
    expect(a.parent).to.equal(undefined);
    expect(contextFor("urn:pulumi:prod-eu::ecs-fleet::t::n", [])).to.deep.equal({ stack: "prod-eu", project: "ecs-fleet", resources: [] });
  });
});
