/**
 * `npm run verify`: the fleet verifier's command line (logic in verify/cli.ts; what it proves in
 * docs/verify.md).
 *
 * Exit codes: 0 every check holds; 4 a check fails; 2 invalid stack config; 1 usage or error.
 */
// First: defers SDK modules this program never uses (runtime/lazy-modules.ts).
import "../runtime/boot";
import { verifyMain } from "../verify/cli";

if (require.main === module) {
  verifyMain(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
    (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code))),
    (err) => {
      process.stderr.write(`verify failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
