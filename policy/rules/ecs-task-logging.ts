import { Rule } from "../types";
import { containerLabel, containers, isSet, TASK_DEFINITION } from "../util";

/** Without a log driver a container's output is lost and incidents cannot be reconstructed. */
export const ecsTaskLogging: Rule = {
  name: "ecs-task-logging",
  description: "Every ECS container must have a log configuration.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  check(r) {
    return (containers(r) ?? [])
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => {
        const lc = c.logConfiguration as any;
        return !isSet(lc) || (typeof lc === "object" && !isSet(lc.logDriver));
      })
      .map(({ c, i }) => `${containerLabel(c, i)} has no logConfiguration: set logConfiguration with logDriver "awslogs" and a log group that has retention`);
  },
};
