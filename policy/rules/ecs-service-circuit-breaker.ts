import { Rule } from "../types";
import { isUnknown } from "../util";

/**
 * A rolling deployment that cannot reach a steady state must stop and roll back on its own. AWS
 * supports the circuit breaker for every service that uses the rolling-update (ECS) deployment
 * controller, whatever the launch type, so EXTERNAL (ECS Anywhere) services are checked too;
 * CODE_DEPLOY and EXTERNAL deployment controllers are not.
 */
export const ecsServiceCircuitBreaker: Rule = {
  name: "ecs-service-circuit-breaker",
  description: "Rolling-update ECS services must enable the deployment circuit breaker with rollback.",
  level: "mandatory",
  types: ["aws:ecs/service:Service"],
  check(r) {
    const controller = r.props.deploymentController?.type;
    if (controller !== undefined && controller !== "ECS") return [];
    const cb = r.props.deploymentCircuitBreaker;
    if (isUnknown(cb)) return [];
    const enabled = cb?.enable === true || isUnknown(cb?.enable);
    const rollback = cb?.rollback === true || isUnknown(cb?.rollback);
    if (enabled && rollback) return [];
    return ["deployment circuit breaker is not enabled with rollback: set deploymentCircuitBreaker { enable: true, rollback: true }"];
  },
};
