/** Watches the downward-API directory (the kubelet swaps a `..data` symlink) and reports changed labels/annotations. */
import { type FSWatcher, watch } from 'node:fs';
import { readPodInfo } from './pod-identity.ts';

export type PodInfo = Awaited<ReturnType<typeof readPodInfo>>;

export type PodInfoWatch = { check(): Promise<boolean>; close(): void };

/**
 * fs.watch wakes us early; a poll catches what inotify misses (some volume types, renamed symlinks).
 * `onChange` runs only when the parsed content actually differs.
 */
export const watchPodInfo = (
  dir: string,
  initial: PodInfo,
  onChange: (info: PodInfo) => void,
  pollMs = 5_000,
): PodInfoWatch => {
  let last = JSON.stringify(initial);
  let checking: Promise<boolean> | undefined;
  const check = () => {
    checking ??= readPodInfo(dir)
      .then((info) => {
        const text = JSON.stringify(info);
        if (text === last) return false;
        last = text;
        onChange(info);
        return true;
      })
      .finally(() => {
        checking = undefined;
      });
    return checking;
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, () => void check());
  } catch {
    watcher = undefined;
  }
  const timer = setInterval(() => void check(), pollMs);
  timer.unref();
  return {
    check,
    close() {
      watcher?.close();
      clearInterval(timer);
    },
  };
};
