/**
 * The project directory (where Pulumi.yaml and the Pulumi.<stack>.yaml files are), whether this code
 * runs as TypeScript from the project or compiled from dist/ (launch.js).
 */
import * as fs from "fs";
import * as path from "path";

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..");
  }
}

export const PROJECT_ROOT = findRoot(path.resolve(__dirname, ".."));
