#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive an interactive program through a pseudo-terminal.

    ttydrive.py SCRIPT -- PROGRAM [ARGS...]

SCRIPT has one input chunk per line, with \\t (TAB), \\n (Enter), \\x03
(Ctrl-C), \\x10 (Ctrl-P) and \\x04 (Ctrl-D) written as escapes.  After a
chunk ending in \\n the driver waits for a prompt (env TTYDRIVE_PROMPT:
prompts separated by "|", escapes allowed; default "iommuctl> |\\n> ") or
for the program to end; after any other chunk, for the output to settle.
Everything the program wrote to the terminal goes to stdout, carriage
returns removed; then a line "[exit N]".  The terminal is 250 columns
wide.  Fails (exit 2) after TIMEOUT seconds (env TTYDRIVE_TIMEOUT, default
30) without the first prompt.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

def main():
    sep = sys.argv.index('--')
    script, argv = sys.argv[1], sys.argv[sep + 1:]
    prompts = [p.encode().decode('unicode_escape').encode() for p in
               os.environ.get('TTYDRIVE_PROMPT', 'iommuctl> |\\n> ').split('|')]
    timeout = float(os.environ.get('TTYDRIVE_TIMEOUT', '30'))
    with open(script, encoding='utf-8') as f:
        chunks = [l.rstrip('\n').encode().decode('unicode_escape')
                  for l in f if l.strip()]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    # wide enough that no line of a test scrolls sideways
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 250, 0, 0))
    out = bytearray()
    alive = True

    def pump(until_prompt_after=None, settle=0.3):
        """Read until the prompt shows after offset, or quiet for settle s."""
        nonlocal alive
        end = time.time() + timeout
        last = time.time()
        while alive and time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b''
                if not data:
                    alive = False
                    break
                out.extend(data)
                last = time.time()
                if until_prompt_after is not None and \
                        any(p in out[until_prompt_after:] for p in prompts):
                    return True
            elif until_prompt_after is None and time.time() - last > settle:
                return True
        return not alive or until_prompt_after is None

    if not pump(0):
        sys.stderr.write('ttydrive: no first prompt\n')
        sys.exit(2)
    for chunk in chunks:
        if not alive:
            break
        mark = len(out)
        os.write(fd, chunk.encode())
        ok = pump(mark if chunk.endswith('\n') else None)
        if not ok:
            sys.stderr.write('ttydrive: no prompt after %r\n' % chunk)
            os.kill(pid, 9)
            break
    end = time.time() + timeout
    status = None
    while status is None and time.time() < end:
        pump(None, 0.2)
        reaped, st = os.waitpid(pid, os.WNOHANG)
        if reaped:
            status = st
    if status is None:
        sys.stderr.write('ttydrive: the program did not end\n')
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors='replace').replace('\r', ''))
    sys.stdout.write('\n[exit %d]\n' % os.waitstatus_to_exitcode(status))

main()
