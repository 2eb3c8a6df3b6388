import { PolicyContext, PolicyResource, Rule } from "../types";
import { asArray, isKnown, isUnknown, LB_TYPES } from "../util";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const PUBLIC_CIDRS = ["0.0.0.0/0", "::/0"];
const WEB_PORTS = [80, 443];

/** One ingress permission, whichever resource shape it came from. */
interface Ingress {
  label: string;
  cidrs: string[];
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
}

/** True when a load balancer uses the security group with this id (by value) or URN (by dependency). */
function usedByLoadBalancer(ctx: PolicyContext, sg: { id?: unknown; urn?: string }): boolean {
  return ctx.resources.some(
    (lb) =>
      LB_TYPES.includes(lb.type) &&
      ((isKnown(sg.id) && asArray(lb.props.securityGroups).includes(sg.id)) ||
        (sg.urn !== undefined && (lb.dependencies ?? []).includes(sg.urn))),
  );
}

/** The security group an ingress resource belongs to is a load balancer's. */
function targetIsLoadBalancerGroup(r: PolicyResource, ctx: PolicyContext): boolean {
  if (r.type === SECURITY_GROUP) return usedByLoadBalancer(ctx, { id: r.props.id, urn: r.urn });
  if (usedByLoadBalancer(ctx, { id: r.props.securityGroupId })) return true;
  // Offline the id may be unknown: a public-CIDR rule depends on exactly one group, its target.
  const groups = (r.dependencies ?? []).filter((u) => ctx.resources.some((x) => x.urn === u && x.type === SECURITY_GROUP));
  return groups.length === 1 && usedByLoadBalancer(ctx, { urn: groups[0] });
}

function ingressOf(r: PolicyResource): Ingress[] {
  if (r.type === SECURITY_GROUP) {
    return asArray<any>(r.props.ingress).map((i, n) => ({
      label: `inline ingress ${n + 1}${typeof i?.description === "string" ? ` ("${i.description}")` : ""}`,
      cidrs: [...asArray<string>(i?.cidrBlocks), ...asArray<string>(i?.ipv6CidrBlocks)],
      protocol: i?.protocol,
      fromPort: i?.fromPort,
      toPort: i?.toPort,
    }));
  }
  if (r.type === INGRESS_RULE) {
    return [{ label: "ingress rule", cidrs: [r.props.cidrIpv4, r.props.cidrIpv6].filter((c) => typeof c === "string"), protocol: r.props.ipProtocol, fromPort: r.props.fromPort, toPort: r.props.toPort }];
  }
  if (r.props.type !== "ingress") return [];
  return [{ label: "ingress rule", cidrs: [...asArray<string>(r.props.cidrBlocks), ...asArray<string>(r.props.ipv6CidrBlocks)], protocol: r.props.protocol, fromPort: r.props.fromPort, toPort: r.props.toPort }];
}

/** A single web port over TCP: the only public exposure a load balancer needs. */
function isWebPort(i: Ingress): boolean {
  const tcp = i.protocol === "tcp" || i.protocol === "6" || i.protocol === 6;
  return tcp && i.fromPort === i.toPort && WEB_PORTS.includes(Number(i.fromPort));
}

/**
 * Nothing is reachable from the whole internet except a load balancer's security group on 80/443.
 * Which groups belong to a load balancer is found across resources: a group listed in a load
 * balancer's `securityGroups` (same id) or one the load balancer depends on.
 */
export const sgNoPublicIngress: Rule = {
  name: "sg-no-public-ingress",
  description: "Security groups must not allow ingress from 0.0.0.0/0 or ::/0, except a load balancer's group on ports 80/443.",
  level: "mandatory",
  types: [SECURITY_GROUP, INGRESS_RULE, LEGACY_RULE],
  crossResource: true,
  check(r, ctx) {
    const out: string[] = [];
    for (const i of ingressOf(r)) {
      if (i.cidrs.some((c) => isUnknown(c))) continue;
      const open = i.cidrs.filter((c) => PUBLIC_CIDRS.includes(c));
      if (open.length === 0) continue;
      if (isWebPort(i) && targetIsLoadBalancerGroup(r, ctx)) continue;
      const ports = i.protocol === "-1" || i.protocol === "all" ? "all ports" : `ports ${i.fromPort}-${i.toPort}/${i.protocol}`;
      out.push(
        `${i.label} allows ${open.join(" and ")} on ${ports}: restrict the source to the load balancer's security group (referencedSecurityGroupId) or a known CIDR; only a load balancer's group may be open to the internet, on TCP 80/443`,
      );
    }
    return out;
  },
};
