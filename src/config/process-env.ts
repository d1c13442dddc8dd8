// SPDX-License-Identifier: Apache-2.0
/** The one place that reads the process environment. */
export function readProcessEnvironment(): Record<string, string | undefined> {
  return process.env;
}
