/**
 * Network reachability over the security-group graph: the load balancer reaches each service on its
 * container port; every Service Connect client reaches every server of its namespace on the
 * server's port; every task and Batch job has a way out (a NAT gateway, a public IP in a public
 * subnet, or the VPC endpoints it needs); nothing admits 0.0.0.0/0 or ::/0 except the load balancer
 * on 80/443.
 *
 * AWS: security groups are stateful and allow-only; traffic passes when the sender's groups allow it
 * out and the receiver's groups allow it in. A group created by the Pulumi/Terraform provider has no
 * egress rule unless one is declared (the provider removes AWS's default allow-all).
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group
 * Service Connect: the client's proxy connects to the server task's port.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html
 * Fargate tasks in private subnets need a NAT gateway or interface endpoints for ECR (api, dkr), S3
 * (gateway), CloudWatch Logs and Secrets Manager/SSM when they use them.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 */
import { Check, CheckResult, Failure } from "../types";
import { Model, Res } from "../model";
import { ContainerDef, T, fleetServices } from "../fleet";
import { parseJson } from "../model";

interface SgRule {
  urn: string;
  sg: string;
  direction: "ingress" | "egress";
  protocol: string;
  from: number;
  to: number;
  peerSg?: string;
  cidr4?: string;
  cidr6?: string;
  prefixList?: string;
}

function ipv4(a: string): number {
  return a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

/** Whether CIDR `outer` contains CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa, ob] = outer.split("/");
  const [ia, ib] = inner.split("/");
  const ol = Number(ob ?? 32);
  const il = Number(ib ?? 32);
  if (ol > il) return false;
  const mask = ol === 0 ? 0 : (0xffffffff << (32 - ol)) >>> 0;
  return ((ipv4(oa) & mask) >>> 0) === ((ipv4(ia) & mask) >>> 0);
}

function num(v: unknown, d: number): number {
  return v === undefined || v === null ? d : Number(v);
}

export function securityGroupRules(model: Model): SgRule[] {
  const out: SgRule[] = [];
  const protocolOf = (p: unknown) => {
    const s = String(p ?? "-1").toLowerCase();
    return s === "6" ? "tcp" : s === "17" ? "udp" : s === "all" ? "-1" : s;
  };
  for (const r of [...model.ofType(T.ingress), ...model.ofType(T.egress)]) {
    const sg = model.ref(r.inputs.securityGroupId, T.securityGroup, r.at);
    const protocol = protocolOf(r.inputs.ipProtocol);
    out.push({
      urn: r.urn,
      sg: sg?.id ?? String(r.inputs.securityGroupId),
      direction: r.type === T.ingress ? "ingress" : "egress",
      protocol,
      from: protocol === "-1" ? 0 : num(r.inputs.fromPort, 0),
      to: protocol === "-1" ? 65535 : num(r.inputs.toPort, 65535),
      peerSg: r.inputs.referencedSecurityGroupId as string | undefined,
      cidr4: r.inputs.cidrIpv4 as string | undefined,
      cidr6: r.inputs.cidrIpv6 as string | undefined,
      prefixList: r.inputs.prefixListId as string | undefined,
    });
  }
  const expand = (urn: string, sg: string, direction: "ingress" | "egress", x: any, selfSg?: string) => {
    const protocol = protocolOf(x.protocol);
    const base = { urn, sg, direction, protocol, from: protocol === "-1" ? 0 : num(x.fromPort, 0), to: protocol === "-1" ? 65535 : num(x.toPort, 65535) };
    for (const c of x.cidrBlocks ?? []) out.push({ ...base, cidr4: c });
    for (const c of x.ipv6CidrBlocks ?? []) out.push({ ...base, cidr6: c });
    for (const g of [...(x.securityGroups ?? []), ...(x.sourceSecurityGroupId ? [x.sourceSecurityGroupId] : [])]) out.push({ ...base, peerSg: g });
    for (const p of x.prefixListIds ?? []) out.push({ ...base, prefixList: p });
    if (x.self) out.push({ ...base, peerSg: selfSg ?? sg });
  };
  for (const g of model.ofType(T.securityGroup)) {
    for (const x of (g.inputs.ingress as any[]) ?? []) expand(g.urn, g.id, "ingress", x);
    for (const x of (g.inputs.egress as any[]) ?? []) expand(g.urn, g.id, "egress", x);
  }
  for (const r of model.ofType(T.sgRule)) {
    const sg = model.ref(r.inputs.securityGroupId, T.securityGroup, r.at);
    expand(r.urn, sg?.id ?? String(r.inputs.securityGroupId), r.inputs.type === "ingress" ? "ingress" : "egress", r.inputs);
  }
  return out;
}

function portAllowed(rule: SgRule, port: number): boolean {
  return (rule.protocol === "-1" || rule.protocol === "tcp") && rule.from <= port && port <= rule.to;
}

/** Whether traffic from groups `src` to groups `dst` (both in a VPC of CIDR `vpcCidr`) passes on TCP `port`. */
export function reaches(rules: SgRule[], src: string[], dst: string[], port: number, vpcCidr: string | undefined): { ok: boolean; missing?: "egress" | "ingress" } {
  const peerOk = (rule: SgRule, other: string[]) =>
    (rule.peerSg !== undefined && other.includes(rule.peerSg)) || (rule.cidr4 !== undefined && vpcCidr !== undefined && cidrContains(rule.cidr4, vpcCidr));
  const out = rules.some((r) => r.direction === "egress" && src.includes(r.sg) && portAllowed(r, port) && peerOk(r, dst));
  if (!out) return { ok: false, missing: "egress" };
  const inn = rules.some((r) => r.direction === "ingress" && dst.includes(r.sg) && portAllowed(r, port) && peerOk(r, src));
  return inn ? { ok: true } : { ok: false, missing: "ingress" };
}

interface VpcInfo {
  vpc: Res;
  cidr?: string;
  nat: boolean;
  publicSubnets: string[];
  privateSubnets: string[];
}

function vpcs(model: Model): VpcInfo[] {
  return model.ofType(T.vpc).map((vpc) => {
    const strategy = (vpc.inputs.natGateways as any)?.strategy ?? "OnePerAz"; // awsx default: one NAT gateway per AZ
    return {
      vpc,
      cidr: vpc.inputs.cidrBlock as string | undefined,
      nat: strategy !== "None",
      publicSubnets: vpc.state.publicSubnetIds ?? [],
      privateSubnets: vpc.state.privateSubnetIds ?? [],
    };
  });
}

export const network: Check = {
  name: "network",
  description: "load balancer → service, Service Connect client → server, a way out for every task, no open inbound",
  run(model: Model): CheckResult {
    const failures: Failure[] = [];
    const rules = securityGroupRules(model);
    const nets = vpcs(model);
    const vpcOfSg = (sgId: string) => {
      const sg = model.ref(sgId, T.securityGroup);
      return nets.find((n) => n.vpc.state.vpcId === sg?.inputs.vpcId);
    };
    const services = fleetServices(model).filter((s) => s.awsvpc && s.securityGroups.length > 0);
    const sgName = (id: string) => model.ref(id, T.securityGroup)?.name ?? id;
    let paths = 0;

    // Load balancer → service.
    for (const s of services) {
      for (const t of s.targets) {
        const lbs = model
          .ofType(T.loadBalancer)
          .filter((lb) =>
            model.ofType(T.listenerRule).some(
              (r) => ((r.inputs.actions as any[]) ?? []).some((a) => a.targetGroupArn === t.targetGroup?.state.arn) && model.ref(model.ref(r.inputs.listenerArn, T.listener, r.at)?.inputs.loadBalancerArn, T.loadBalancer, r.at) === lb,
            ) ||
            model.ofType(T.listener).some((l) => model.ref(l.inputs.loadBalancerArn, T.loadBalancer, l.at) === lb && ((l.inputs.defaultActions as any[]) ?? []).some((a) => a.targetGroupArn === t.targetGroup?.state.arn)),
          );
        for (const lb of lbs) {
          paths++;
          const lbSgs = (lb.inputs.securityGroups as string[]) ?? [];
          const r = reaches(rules, lbSgs, s.securityGroups, t.containerPort, vpcOfSg(s.securityGroups[0])?.cidr);
          if (!r.ok) {
            failures.push({
              urn: s.res.urn,
              message:
                r.missing === "egress"
                  ? `load balancer ${lb.name} cannot send to ${s.name} on port ${t.containerPort}: no egress rule of ${lbSgs.map(sgName).join(", ")} allows it; add one to ${sgName(s.securityGroups[0])} on ${t.containerPort}`
                  : `${s.name} in ${s.region} does not admit load balancer ${lb.name} on port ${t.containerPort}: add an ingress rule to ${sgName(s.securityGroups[0])} from ${lbSgs.map(sgName).join(", ")}`,
            });
          }
        }
      }
    }

    // Service Connect: every client → every server of its namespace.
    const sc = services.map((s) => ({ s, cfg: (s.res.inputs.serviceConnectConfiguration as any) ?? undefined })).filter((x) => x.cfg?.enabled);
    for (const server of sc) {
      for (const entry of (server.cfg.services as any[]) ?? []) {
        const port =
          entry.ingressPortOverride ?? server.s.containers.flatMap((c: ContainerDef) => c.portMappings ?? []).find((p) => p.name === entry.portName)?.containerPort;
        if (port === undefined) {
          failures.push({ urn: server.s.res.urn, message: `${server.s.name}: Service Connect port name ${entry.portName} is no port mapping of its containers` });
          continue;
        }
        for (const client of sc) {
          if (client.s === server.s || client.cfg.namespace !== server.cfg.namespace || client.s.region !== server.s.region) continue;
          paths++;
          const r = reaches(rules, client.s.securityGroups, server.s.securityGroups, Number(port), vpcOfSg(server.s.securityGroups[0])?.cidr);
          if (!r.ok) {
            failures.push({
              urn: server.s.res.urn,
              message: `Service Connect client ${client.s.name} cannot reach ${server.s.name} on port ${port} in ${server.s.region} (${r.missing} denied by ${r.missing === "egress" ? client.s.securityGroups.map(sgName).join(", ") : server.s.securityGroups.map(sgName).join(", ")}); admit the peers' group on ${port}`,
            });
          }
        }
      }
    }

    // A way out for every task and job.
    const endpointsIn = (vpc: VpcInfo) =>
      model
        .ofType(T.vpcEndpoint)
        .filter((e) => e.inputs.vpcId === vpc.vpc.state.vpcId)
        .map((e) => String(e.inputs.serviceName ?? "").split(".").slice(3).join("."));
    const wayOut = (urn: string, what: string, subnets: string[], sgs: string[], publicIp: boolean, needs: string[]) => {
      paths++;
      const vpc = nets.find((n) => subnets.some((x) => n.privateSubnets.includes(x) || n.publicSubnets.includes(x)));
      if (!vpc) {
        failures.push({ urn, message: `${what}: its subnets ${subnets.join(", ")} belong to no VPC of the plan` });
        return;
      }
      const inPublic = subnets.every((x) => vpc.publicSubnets.includes(x));
      const internet = (inPublic && publicIp) || (!inPublic && vpc.nat);
      const egress443 = rules.some((r) => r.direction === "egress" && sgs.includes(r.sg) && portAllowed(r, 443) && (r.cidr4 === "0.0.0.0/0" || r.prefixList !== undefined));
      if (internet) {
        if (!egress443) failures.push({ urn, message: `${what}: no egress rule of ${sgs.map(sgName).join(", ")} allows HTTPS (443) out; it cannot pull images or call AWS APIs` });
        return;
      }
      const have = endpointsIn(vpc);
      const missing = needs.filter((n) => !have.includes(n));
      if (missing.length > 0) {
        failures.push({
          urn,
          message: `${what} has no way out: ${inPublic ? "public subnets without a public IP" : "private subnets without a NAT gateway"} and no VPC endpoint for ${missing.join(", ")}; add a NAT gateway or those endpoints`,
        });
      }
    };
    for (const s of services.filter((x) => x.subnets.length > 0)) {
      const needs = ["ecr.api", "ecr.dkr", "s3"];
      if (s.containers.some((c) => c.logConfiguration?.logDriver === "awslogs")) needs.push("logs");
      const secrets = s.containers.flatMap((c) => c.secrets ?? []).map((x) => x.valueFrom);
      if (secrets.some((v) => v.includes(":secretsmanager:"))) needs.push("secretsmanager");
      if (secrets.some((v) => !v.includes(":secretsmanager:"))) needs.push("ssm");
      wayOut(s.res.urn, `service ${s.name} in ${s.region}`, s.subnets, s.securityGroups, s.assignPublicIp, needs);
    }
    for (const ce of model.ofType(T.computeEnvironment)) {
      const cr = (ce.inputs.computeResources as any) ?? {};
      const jobs = model.ofType(T.jobDefinition).filter((j) => j.at === ce.at).map((j) => parseJson<any>(j.inputs.containerProperties) ?? {});
      const publicIp = jobs.length > 0 && jobs.every((j) => j.networkConfiguration?.assignPublicIp === "ENABLED");
      wayOut(ce.urn, `Batch compute environment ${ce.name}`, cr.subnets ?? [], cr.securityGroupIds ?? [], publicIp, ["ecr.api", "ecr.dkr", "s3", "logs", "ecs"]);
    }

    // Nothing open to the internet but the load balancer's listener ports.
    const albSgs = new Set(model.ofType(T.loadBalancer).flatMap((lb) => (lb.inputs.securityGroups as string[]) ?? []));
    let inbound = 0;
    for (const r of rules.filter((x) => x.direction === "ingress")) {
      inbound++;
      const open = r.cidr4 === "0.0.0.0/0" || r.cidr6 === "::/0";
      if (!open) continue;
      const listenerPort = r.protocol === "tcp" && r.from === r.to && (r.from === 80 || r.from === 443);
      if (!albSgs.has(r.sg) || !listenerPort) {
        failures.push({
          urn: r.urn,
          message: `${sgName(r.sg)} admits ${r.cidr4 ?? r.cidr6} on ${r.protocol === "-1" ? "every port" : `${r.protocol} ${r.from}-${r.to}`}; only the load balancer may be open to the internet, and only on 80 and 443`,
        });
      }
    }
    return { check: "network", examined: { services: services.length, paths, inboundRules: inbound, securityGroups: model.ofType(T.securityGroup).length }, failures };
  },
};
