import { PolicyContext, PolicyResource, Rule } from "../types";
import { isKnown, regionOf } from "../util";

const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

/**
 * A flow log covers the VPC when it names the VPC's id, depends on the VPC, shares its parent component,
 * or is in the same region. The awsx Vpc is a remote component whose `vpcId` is an output, so offline
 * the id cannot be matched; region (one VPC per region in this program) and parent are the sound
 * fallbacks.
 */
function covered(vpc: PolicyResource, ctx: PolicyContext): boolean {
  const region = regionOf(vpc);
  return ctx.resources.some((f) => {
    if (f.type !== FLOW_LOG) return false;
    const vpcId = f.props.vpcId;
    if (isKnown(vpcId) && (vpcId === vpc.props.id || vpcId === vpc.props.vpcId)) return true;
    if ((f.dependencies ?? []).includes(vpc.urn)) return true;
    if (vpc.parent !== undefined && f.parent === vpc.parent) return true;
    return region !== undefined && regionOf(f) === region;
  });
}

/** Flow logs are the network audit trail; without them a breach cannot be traced. */
export const vpcFlowLogs: Rule = {
  name: "vpc-flow-logs",
  description: "Every VPC should have a flow log.",
  level: "advisory",
  types: ["aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"],
  crossResource: true,
  check(r, ctx) {
    return covered(r, ctx)
      ? []
      : ["VPC has no flow log: add an aws.ec2.FlowLog for this VPC (trafficType ALL) to a CloudWatch log group with retention"];
  },
};
