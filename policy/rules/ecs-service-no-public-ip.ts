import { Rule } from "../types";

/** Tasks sit in private subnets behind the load balancer; a public IP exposes them directly. */
export const ecsServiceNoPublicIp: Rule = {
  name: "ecs-service-no-public-ip",
  description: "ECS services must not assign public IP addresses to tasks.",
  level: "mandatory",
  types: ["aws:ecs/service:Service"],
  check(r) {
    const nc = r.props.networkConfiguration;
    return nc && typeof nc === "object" && nc.assignPublicIp === true
      ? ["networkConfiguration.assignPublicIp is true: set it to false and run the tasks in private subnets (reach the internet through a NAT gateway or VPC endpoints)"]
      : [];
  },
};
