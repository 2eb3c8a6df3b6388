import { Rule } from "../types";
import { isKnown, TASK_DEFINITION } from "../util";

/**
 * The execution role (pull images, read secrets, write logs for the ECS agent) and the task role (what
 * the application may call) must differ, or the application inherits the agent's secret access.
 */
export const ecsTaskSeparateRoles: Rule = {
  name: "ecs-task-separate-roles",
  description: "ECS task definitions must use different roles for execution and for the task.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  check(r) {
    const exec = r.props.executionRoleArn;
    const task = r.props.taskRoleArn;
    if (typeof exec !== "string" || typeof task !== "string" || !isKnown(exec) || !isKnown(task)) return [];
    return exec === task
      ? [`executionRoleArn and taskRoleArn are the same role (${exec}): give the task its own role with only the permissions the application needs`]
      : [];
  },
};
