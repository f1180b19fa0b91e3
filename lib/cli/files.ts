/** File helpers: atomic writes (temporary file + rename) and reads with clear errors. */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EksNodegroupError } from '../core';

/** The file a path names: a symbolic link's target (followed to its end, even when it does not exist yet), else the path. */
function linkTarget(file: string): string {
  let p = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return p;
    }
    if (!st.isSymbolicLink()) return p;
    p = path.resolve(path.dirname(p), fs.readlinkSync(p));
  }
  throw new EksNodegroupError('WRITE_ERROR', `cannot write ${file}: too many levels of symbolic links`);
}

/**
 * Checks an output path before any work is done: not empty, not a folder (a trailing "/"), and not
 * one of the command's inputs (the same file, also through a link), which writing would destroy.
 * `example` is the file name a folder error suggests (the command's usual output).
 */
export function checkOutput(out: string, inputs: readonly { file: string; shown: string }[], cwd: string, example = 'nodegroup.yaml'): void {
  if (out.trim() === '') throw new EksNodegroupError('BAD_USAGE', 'the output path (-o) is empty: give a file name');
  if (/[/\\]$/.test(out)) throw new EksNodegroupError('BAD_USAGE', `the output path "${out}" names a folder: give a file name, e.g. ${path.join(out, example)}`);
  const target = linkTarget(path.resolve(cwd, out));
  const same = (a: string, b: string): boolean => {
    try {
      const [x, y] = [fs.statSync(a), fs.statSync(b)];
      return x.dev === y.dev && x.ino === y.ino;
    } catch {
      return path.resolve(a) === path.resolve(b);
    }
  };
  for (const i of inputs) {
    if (same(target, linkTarget(path.resolve(cwd, i.file)))) {
      throw new EksNodegroupError('BAD_USAGE', `the output "${out}" is the input ${i.shown}: writing it would destroy the input; give another -o`);
    }
  }
}

/**
 * Writes `data` to `file` so that readers see either the old file or the complete new one:
 * the bytes go to a temporary file in the same folder, which is then renamed over the target.
 * On any failure the temporary file is removed and the target is left as it was. Messages name the
 * file as `shown` (what the user typed; default the path itself).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, shown = file): void {
  // A symbolic link is written through: its target gets the new content, the link stays.
  file = linkTarget(file);
  const dir = path.dirname(path.resolve(file));
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) {
    throw new EksNodegroupError('WRITE_ERROR', `cannot write ${shown}: it is a directory (give a file name, e.g. ${path.join(shown, 'nodegroup.yaml')})`);
  }
  if (!fs.existsSync(dir)) {
    throw new EksNodegroupError('WRITE_ERROR', `cannot write ${shown}: folder ${path.dirname(shown)} does not exist (create it first, or name another file with -o)`);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { mode: st ? st.mode & 0o777 : 0o644 });
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* the temporary file was never created */
    }
    const err = e as NodeJS.ErrnoException;
    const why = err.code && !err.message.startsWith(err.code) ? `${err.code}: ${err.message}` : err.message;
    throw new EksNodegroupError('WRITE_ERROR', `cannot write ${shown}: ${why}`.replace(/\s+/g, ' ').trim());
  }
}

/** Largest template, config or system-pods file read (CloudFormation itself takes at most 1 MB). */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * The text of bytes read from `shown` (its callers refuse binary data, a NUL byte, as they read):
 * READ_ERROR for bytes that are not UTF-8, with the offset of the first bad byte (CloudFormation
 * reads templates as UTF-8; decoding would silently turn them into U+FFFD).
 */
export function decodeText(buf: Buffer, shown: string): string {
  const text = buf.toString('utf8');
  if (isUtf8(buf)) return text;
  // Every U+FFFD before the first bad byte stands for its own three bytes (EF BF BD) in the file.
  let offset = 0;
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
    offset += Buffer.byteLength(text.slice(from, i), 'utf8');
    from = i;
    if (buf[offset] !== 0xef || buf[offset + 1] !== 0xbf || buf[offset + 2] !== 0xbd) break;
  }
  let line = 1;
  for (let i = buf.indexOf(10); i >= 0 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  const byte = buf[offset].toString(16).toUpperCase().padStart(2, '0');
  throw new EksNodegroupError('READ_ERROR', `cannot read ${shown}: not UTF-8 text: byte 0x${byte} at offset ${offset} (line ${line}) is not valid UTF-8; save the file as UTF-8 (CloudFormation reads templates as UTF-8)`);
}

/**
 * Reads a text file; a missing, unreadable or binary file gives a READ_ERROR naming it as the user
 * wrote it (`shown`, default the path itself). At most `maxBytes` + 1 bytes are read, whatever the
 * file is (`/dev/zero`, a pipe, a FIFO report size 0).
 */
export function readTextFile(file: string, maxBytes = MAX_INPUT_BYTES, shown = file): string {
  const tooLarge = (size: string): EksNodegroupError =>
    new EksNodegroupError(
      'READ_ERROR',
      `cannot read ${shown}: ${size} is over the ${maxBytes}-byte limit for this input` +
        (maxBytes === MAX_INPUT_BYTES ? ' (a CloudFormation template is at most 1 MB; is this the right file?)' : ''),
    );
  const chunks: Buffer[] = [];
  let size = 0;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new EksNodegroupError('READ_ERROR', `cannot read ${shown}: it is a directory`);
    if (st.size > maxBytes) throw tooLarge(`${st.size} bytes`);
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - size));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const read = chunk.subarray(0, n);
      chunks.push(read);
      if (read.includes(0)) throw new EksNodegroupError('READ_ERROR', `cannot read ${shown}: it is a binary file, not text`);
      size += n;
      if (size > maxBytes) throw tooLarge(`more than ${maxBytes} bytes`);
    }
  } catch (e) {
    if (e instanceof EksNodegroupError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    throw new EksNodegroupError('READ_ERROR', `cannot read ${shown}: ${why}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return decodeText(Buffer.concat(chunks), shown);
}
