/** The CLI command seam: one file per command under bin/commands/, one line in its index. */

export type CommandIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
};

export type CliCommand = {
  name: string;
  summary: string;
  /** Full help text, printed for `meshward NAME --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CommandIo): Promise<number>;
};
