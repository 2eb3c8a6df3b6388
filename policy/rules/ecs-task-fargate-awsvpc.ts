import { Rule } from "../types";
import { asArray, isKnown, TASK_DEFINITION } from "../util";

/**
 * Fargate tasks need `awsvpc` (each task its own ENI and security groups). Only FARGATE task
 * definitions are checked: ECS Anywhere (EXTERNAL) tasks cannot use awsvpc and legitimately use
 * bridge or host.
 */
export const ecsTaskFargateAwsvpc: Rule = {
  name: "ecs-task-fargate-awsvpc",
  description: "Fargate task definitions must use the awsvpc network mode.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  check(r) {
    if (!asArray<string>(r.props.requiresCompatibilities).includes("FARGATE")) return [];
    const mode = r.props.networkMode;
    if (mode === "awsvpc") return [];
    if (mode !== undefined && !isKnown(mode)) return [];
    const got = mode === undefined ? "not set" : `"${mode}"`;
    return [`networkMode is ${got} on a FARGATE task definition: set networkMode to "awsvpc"`];
  },
};
