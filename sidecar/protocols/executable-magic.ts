/**
 * What kind of executable code a body starts with, by its magic number: ELF (Linux programs and libraries), PE
 * (Windows, `MZ`), Mach-O, Java class files, and scripts with an interpreter line. Data formats (archives, images,
 * documents) are not executables here, even when an archive may hold one.
 */

const startsWith = (b: Uint8Array, magic: readonly number[]): boolean =>
  magic.every((octet, i) => b[i] === octet);

/** Java class files and Mach-O universal binaries share 0xCAFEBABE; a class file's next 4 octets are its version. */
const javaOrFat = (b: Uint8Array): string => {
  // Mach-O fat headers count architectures (a small number); class files give minor then major version (>= 45).
  const major = ((b[6] ?? 0) << 8) | (b[7] ?? 0);
  return major >= 45 ? 'Java class' : 'Mach-O universal binary';
};

const interpreters =
  /^#!\s*\/(?:usr\/)?(?:local\/)?(?:s?bin\/)?(?:env\s+)?(sh|bash|dash|ash|zsh|ksh|python[0-9.]*|perl|ruby|node|php)\b/;

/** A script's interpreter line, read from the first 128 octets as Latin-1. */
const script = (b: Uint8Array): string | undefined => {
  if (b[0] !== 0x23 || b[1] !== 0x21) return undefined;
  const line = String.fromCharCode(...b.subarray(0, Math.min(b.length, 128)));
  const match = interpreters.exec(line);
  return match === null ? undefined : `${match[1]} script`;
};

/** The executable kind (`ELF`, `PE (Windows)`, `Java class`, `sh script`...), or undefined for anything else. */
export const executableKind = (b: Uint8Array): string | undefined => {
  if (b.length < 4) return undefined;
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return 'ELF program';
  if (startsWith(b, [0xca, 0xfe, 0xba, 0xbe]) && b.length >= 8) return javaOrFat(b);
  if (startsWith(b, [0xfe, 0xed, 0xfa, 0xce]) || startsWith(b, [0xfe, 0xed, 0xfa, 0xcf])) return 'Mach-O';
  if (startsWith(b, [0xce, 0xfa, 0xed, 0xfe]) || startsWith(b, [0xcf, 0xfa, 0xed, 0xfe])) return 'Mach-O';
  // PE: "MZ", and the header offset at 0x3c (e_lfanew, past the 64-octet DOS header) lands on "PE\0\0".
  if (startsWith(b, [0x4d, 0x5a])) {
    const at = (b[0x3c] ?? 0) | ((b[0x3d] ?? 0) << 8);
    return at >= 0x40 && startsWith(b.subarray(at), [0x50, 0x45, 0, 0]) ? 'PE (Windows)' : undefined;
  }
  return script(b);
};
