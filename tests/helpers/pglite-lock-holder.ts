// A separate process that takes the embedded database's lock on the directory given as its argument
// and holds it until killed (server/db/embedded.test.ts kills it with SIGKILL).
import { lockDataDir } from "../../server/db/embedded";

await lockDataDir(process.argv[2]!, { waitMs: 0 });
process.stdout.write("locked\n");
setInterval(() => {}, 60_000);
