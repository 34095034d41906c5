#!/usr/bin/env python3
"""Wall time from starting `marketlens` in a pseudo-terminal to its first complete frame.

    scripts/first-frame.py [BINARY] [RUNS] [-- ARGS...]
    scripts/first-frame.py target/release/marketlens 20
    scripts/first-frame.py target/release/marketlens 3 -- --kb /tmp/big.toml

Prints min, median and max in ms. The first frame is the moment the status line's position
("Vendors 1/") has been written; the app is then sent `q`.
"""
import os, pty, select, statistics, struct, sys, time, fcntl, termios

args = sys.argv[1:]
extra = []
if "--" in args:
    i = args.index("--")
    args, extra = args[:i], args[i + 1:]
binary = args[0] if args else "target/release/marketlens"
runs = int(args[1]) if len(args) > 1 else 20
marker = b"Vendors 1/"

def once():
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary] + extra)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 35, 120, 0, 0))
    buf = b""
    took = None
    deadline = start + 60
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buf += chunk
            if marker in buf:
                took = (time.perf_counter() - start) * 1e3
                break
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    os.close(fd)
    if took is None:
        sys.exit("no first frame within 60 s")
    return took

times = sorted(once() for _ in range(runs))
print(f"first frame: min {times[0]:.1f} ms, median {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms ({runs} runs)")
