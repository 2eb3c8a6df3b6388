import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GitStackFile, StackFileDirtyError } from "../../automation/git";
import { runRollout } from "../../automation/rollout";
import { FakeClock, FakeIdentity, FakeResolver, RecordingHealth, RecordingStack, fixtureRaw } from "./doubles";

function repo(): { dir: string; file: string; git: (...args: string[]) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-git-"));
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_SYSTEM: "/dev/null" } });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "ops@example.com");
  git("config", "user.name", "ops");
  const file = path.join(dir, "Pulumi.staging.yaml");
  fs.writeFileSync(file, "config:\n  ecs-fleet:x: 1\n");
  git("add", ".");
  git("commit", "-q", "-m", "init");
  return { dir, file, git };
}

describe("automation/git: the stack file", () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const make = () => {
    const r = repo();
    dirs.push(r.dir);
    return r;
  };

  it("refuses a stack file with uncommitted changes, and a rollout with it changes nothing", async () => {
    const { file } = make();
    fs.appendFileSync(file, "  ecs-fleet:y: 2\n");
    const guard = new GitStackFile(file);
    const err = await guard.assertClean().catch((e: Error) => e);
    expect(err).to.be.instanceOf(StackFileDirtyError);
    expect((err as Error).message).to.contain("Pulumi.staging.yaml has uncommitted changes (M Pulumi.staging.yaml)");

    const stack = new RecordingStack(fixtureRaw("staging"), "web");
    const refused = await runRollout(
      { stack, health: new RecordingHealth(), clock: new FakeClock(), identity: new FakeIdentity(), resolver: new FakeResolver(), stackFile: guard },
      { service: "web", image: "registry.example.com/web:2.0" },
    ).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(StackFileDirtyError);
    expect(stack.ops).to.deep.equal(["getConfig"]);
    expect(stack.tags).to.deep.equal({});
  });

  it("passes a clean file and one outside a git checkout", async () => {
    const { file } = make();
    await new GitStackFile(file).assertClean();
    const loose = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-nogit-"));
    dirs.push(loose);
    fs.writeFileSync(path.join(loose, "Pulumi.x.yaml"), "config: {}\n");
    await new GitStackFile(path.join(loose, "Pulumi.x.yaml")).assertClean();
    const out = await new GitStackFile(path.join(loose, "Pulumi.x.yaml")).finish({ commit: true, message: "m" });
    expect(out).to.include({ tracked: false });
    expect(out.warning).to.contain("not in a git checkout");
  });

  it("without --commit, prints the change and warns it must be committed", async () => {
    const { file, git } = make();
    fs.appendFileSync(file, "  ecs-fleet:image: web@sha256:abc\n");
    const out = await new GitStackFile(file).finish({ commit: false, message: "m" });
    expect(out.changed).to.equal(true);
    expect(out.diff).to.contain("+  ecs-fleet:image: web@sha256:abc");
    expect(out.warning).to.contain("is not committed");
    expect(git("status", "--porcelain")).to.contain("Pulumi.staging.yaml");
  });

  it("with --commit, commits the stack file alone", async () => {
    const { dir, file, git } = make();
    fs.writeFileSync(path.join(dir, "other.txt"), "x");
    git("add", "other.txt"); // staged, but not the rollout's to commit
    fs.appendFileSync(file, "  ecs-fleet:image: web@sha256:abc\n");
    const out = await new GitStackFile(file).finish({ commit: true, message: "rollout: web to web@sha256:abc on staging (completed)" });
    expect(out.commit).to.match(/^[0-9a-f]{40}$/);
    expect(git("log", "-1", "--format=%s")).to.equal("rollout: web to web@sha256:abc on staging (completed)\n");
    expect(git("show", "--name-only", "--format=", "HEAD").trim()).to.equal("Pulumi.staging.yaml");
    expect(git("status", "--porcelain").trim()).to.equal("A  other.txt");
  });

  it("reports an unchanged file as unchanged", async () => {
    const { file } = make();
    const out = await new GitStackFile(file).finish({ commit: true, message: "m" });
    expect(out).to.deep.equal({ file, tracked: true, changed: false });
  });
});
