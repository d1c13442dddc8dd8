/** The one place that reads the process environment. */
export function readProcessEnvironment(): Record<string, string | undefined> {
  return process.env;
}
