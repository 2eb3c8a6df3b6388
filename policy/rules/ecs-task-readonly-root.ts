import { Rule } from "../types";
import { containerLabel, containers, TASK_DEFINITION } from "../util";

/** A read-only root filesystem stops an intruder from dropping tools or changing binaries. */
export const ecsTaskReadonlyRoot: Rule = {
  name: "ecs-task-readonly-root",
  description: "ECS containers should run with a read-only root filesystem.",
  level: "advisory",
  types: [TASK_DEFINITION],
  check(r) {
    return (containers(r) ?? [])
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.readonlyRootFilesystem !== true)
      .map(({ c, i }) => `${containerLabel(c, i)} has a writable root filesystem: set readonlyRootFilesystem to true (mount a volume for paths it must write)`);
  },
};
