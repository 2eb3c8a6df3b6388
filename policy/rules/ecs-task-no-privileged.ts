import { Rule } from "../types";
import { containerLabel, containers, TASK_DEFINITION } from "../util";

/** Privileged containers get root on the host: a container escape owns the instance. */
export const ecsTaskNoPrivileged: Rule = {
  name: "ecs-task-no-privileged",
  description: "ECS containers must not run privileged.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  check(r) {
    return (containers(r) ?? [])
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.privileged === true)
      .map(({ c, i }) => `${containerLabel(c, i)} runs privileged: remove "privileged: true" (grant single Linux capabilities in linuxParameters.capabilities.add if it truly needs one)`);
  },
};
