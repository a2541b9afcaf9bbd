/**
 * Runs a benchmark program's `main` and ends the process when it is done: clients and servers a
 * program leaves open (a held refresh, a peer's timers) must not keep it alive, and a failure
 * exits with 1 after printing it.
 */
export function runProgram(main) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
