import { Rule } from "../types";
import { TASK_DEFINITION } from "../util";

/** Sharing the host's PID namespace lets a container see and signal every process on the host. */
export const ecsTaskNoHostPid: Rule = {
  name: "ecs-task-no-host-pid",
  description: "ECS task definitions must not share the host's process namespace.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  check(r) {
    return r.props.pidMode === "host" ? ['pidMode is "host": remove pidMode (or set it to "task") so containers cannot see host processes'] : [];
  },
};
