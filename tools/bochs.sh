#!/bin/sh
# Boot a kernel ISO in Bochs.
#
#   tools/bochs.sh ISO [--kernel NAME] [--disk IMG] [-- BOCHSRC-LINE...]
#       Interactive. On a terminal, COM1 (the kernel's console) is this
#       terminal; a magic breakpoint (xchg %bx,%bx) stops in Bochs' debugger
#       here too. Without a terminal, COM1 goes to a file and port 0xE9 to
#       stdout.
#   tools/bochs.sh ISO --test [--kernel NAME] [--disk IMG] [--timeout S] [-- BOCHSRC-LINE...]
#       Headless check: boot, wait for the "$ " prompt (at most S seconds,
#       default 180), type poweroff, and require Bochs to stop by itself
#       through the kernel's write of "Shutdown" to port 0x8900. Ends with
#       "N passed, N failed"; exit status 0 iff it passed.
#
# NAME defaults to the ISO's directory name (build/mono/os.iso -> mono); logs
# go next to the ISO: bochs.log (Bochs' own), bochs-serial.log (COM1).
# IMG is a raw disk image, attached as the primary master (as QEMU's
# -drive ...,if=ide,index=0); Bochs writes to it.
# BOCHSRC-LINEs are extra bochsrc options, e.g. 'cpu: ips=50000000'.
# BOCHS_DISPLAY=x|rfb|... picks the interactive display (default: x when
# $DISPLAY is set, else rfb, a VNC server on port 5900 or the next free one).
# Uses only POSIX sh, Bochs, and (for --test) Python 3's standard library.

set -u

here=$(cd "$(dirname "$0")" && pwd)
iso=
test=0
kernel=
disk=
timeout=${BOCHS_TIMEOUT:-180}

usage() {
	sed -n '2,15s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--test) test=1 ;;
	--kernel) [ $# -ge 2 ] || usage; kernel=$2; shift ;;
	--disk) [ $# -ge 2 ] || usage; disk=$2; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) [ -z "$iso" ] || usage; iso=$1 ;;
	esac
	shift
done
[ -n "$iso" ] || usage

abs() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}

outdir=$(dirname "$(abs "$iso")")
[ -n "$kernel" ] || kernel=$(basename "$outdir")

# In test mode every way out must still end with the summary line that
# tools/run-tests.sh adds up.
give_up() {
	if [ "$test" = 1 ]; then
		echo "FAIL bochs/$kernel/boot-poweroff: $1"
		echo "0 passed, 1 failed"
	else
		echo "bochs.sh: $1" >&2
	fi
	exit 1
}

[ -f "$iso" ] || give_up "no ISO at $iso (make iso KERNEL=$kernel first)"
command -v bochs >/dev/null 2>&1 || give_up "bochs is not installed (bash tools/install-deps.sh)"
mkdir -p "$outdir" 2>/dev/null

# Bochs takes paths from the environment unquoted, so it only ever sees
# symlinks in a scratch directory whose name has no spaces or commas.
work=$(mktemp -d /tmp/bochs.XXXXXX) || give_up "mktemp failed"
saved_tty=
tty=
cleanup() {
	if [ -n "$saved_tty" ]; then
		stty "$saved_tty" <"$tty" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ln -s "$(abs "$iso")" "$work/os.iso"
ln -s "$outdir/bochs.log" "$work/bochs.log"
rm -f "$outdir/bochs.log" "$outdir/bochs-serial.log"
if [ -n "$disk" ]; then
	[ -f "$disk" ] || give_up "no disk image at $disk"
	ln -s "$(abs "$disk")" "$work/disk.img"
	set -- "ata0-master: type=disk, path=$work/disk.img, mode=flat" "$@"
fi

export BX_ISO="$work/os.iso"
export BX_LOG="$work/bochs.log"

if [ "$test" = 1 ]; then
	export BXT_KERNEL="$kernel" BXT_TIMEOUT="$timeout" BXT_OUTDIR="$outdir"
	export BXT_RC="$here/bochsrc" BXT_CMDS="$here/bochs-cmds"
	command -v python3 >/dev/null 2>&1 || give_up "python3 is not installed"
	python3 - "$@" <<'PY'
# Bochs' COM1 connects to a socket we listen on; Bochs gets a pty of its own
# for stdin/stdout so that the curses "term" display (no VNC port, no X) and
# the debugger have a terminal, and nothing blocks on the real stdin.
import os, pty, re, select, signal, socket, subprocess, sys, time

kernel = os.environ["BXT_KERNEL"]
name = "bochs/%s/boot-poweroff" % kernel
timeout = float(os.environ["BXT_TIMEOUT"])
outdir = os.environ["BXT_OUTDIR"]
POWEROFF_TIMEOUT = 60.0
PROMPT_RE = re.compile(r"(?:^|\n)\$ ")
ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
proc = None


def clean(b):
    return ANSI_RE.sub("", b.decode("utf-8", "replace")).replace("\r", "")


def finish(ok, reason="", serial=b""):
    if proc is not None and proc.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(3)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
    if ok:
        print("PASS " + name)
    else:
        print("FAIL %s: %s" % (name, reason))
        lines = [l for l in clean(serial).split("\n") if l.strip()][-8:]
        for l in lines:
            print("    | " + l)
        try:
            with open(os.path.join(outdir, "bochs.log"), errors="replace") as f:
                for l in [l for l in f if ">>PANIC<<" in l][-4:]:
                    print("    bochs: " + l.strip())
        except OSError:
            pass
    print("%d passed, %d failed" % ((1, 0) if ok else (0, 1)), flush=True)
    sys.exit(0 if ok else 1)


def on_signal(signum, frame):
    finish(False, "interrupted by signal %d" % signum)


for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, on_signal)

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(1)
env = dict(os.environ, BX_COM_MODE="socket-client",
           BX_COM_DEV="127.0.0.1:%d" % listener.getsockname()[1],
           BX_DEBUG_PORT="0", BX_MAGIC_BREAK="0", TERM="xterm")
env.pop("DISPLAY", None)
cmd = ["bochs", "-q", "-f", os.environ["BXT_RC"], "-rc", os.environ["BXT_CMDS"],
       'display_library: term, options=""'] + sys.argv[1:]
master, slave = pty.openpty()
start = time.monotonic()
proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                        start_new_session=True)
os.close(slave)
serial_log = open(os.path.join(outdir, "bochs-serial.log"), "wb")
serial = b""
conn = None
end = start + timeout
last = start


def pump(until):
    """Wait for output until `until`; keep the pty drained so Bochs never
    blocks writing its screen. Returns False once Bochs has gone."""
    global conn, serial, master, last
    fds = [master] if master is not None else []
    fds.append(conn if conn is not None else listener)
    r, _, _ = select.select(fds, [], [], max(0.0, until - time.monotonic()))
    if master in r:
        try:
            if not os.read(master, 65536):
                raise OSError
        except OSError:
            os.close(master)
            master = None
    if conn is None and listener in r:
        conn, _ = listener.accept()
    elif conn is not None and conn in r:
        data = conn.recv(65536)
        if data:
            serial += data
            serial_log.write(data)
            serial_log.flush()
            last = time.monotonic()
        else:
            conn.close()
            conn = None
    return proc.poll() is None


prompt_at = None
while True:
    text = clean(serial)
    hits = list(PROMPT_RE.finditer(text))
    now = time.monotonic()
    if hits and ((hits[-1].end() == len(text) and now - last >= 0.05) or now - last >= 1.0):
        prompt_at = last
        break
    if proc.poll() is not None:
        finish(False, "Bochs exited (status %s) before the first prompt" % proc.returncode,
               serial)
    if now >= end:
        finish(False, "no prompt within %g s" % timeout, serial)
    pump(min(end, now + 0.05) if hits else end)

print("boot: bochs/%s %.1f s to first prompt (Bochs)"
      % (kernel, prompt_at - start), flush=True)
conn.sendall(b"poweroff\n")
end = time.monotonic() + POWEROFF_TIMEOUT
while proc.poll() is None and time.monotonic() < end:
    pump(min(end, time.monotonic() + 0.2))
if proc.poll() is None:
    finish(False, "Bochs still running %g s after poweroff" % POWEROFF_TIMEOUT, serial)
try:
    with open(os.path.join(outdir, "bochs.log"), errors="replace") as f:
        shut = "Shutdown port: shutdown requested" in f.read()
except OSError:
    shut = False
if not shut:
    finish(False, "Bochs exited (status %s) but not through the shutdown port"
           % proc.returncode, serial)
finish(True)
PY
	exit $?
fi

# Interactive.
export BX_MAGIC_BREAK=1
display=${BOCHS_DISPLAY:-}
if [ -z "$display" ] && [ -n "${DISPLAY:-}" ]; then
	for d in /usr/lib/*/bochs/plugins /usr/lib/bochs/plugins /usr/lib64/bochs/plugins; do
		[ -e "$d/libbx_x_gui.so" ] && display=x
	done
fi
if [ -n "$display" ]; then
	set -- "display_library: $display, options=\"\"" "$@"
	where="the Bochs window"
else
	where="a VNC viewer on localhost:5900 (or the next free port, see $outdir/bochs.log)"
fi

if [ -t 0 ] && [ -t 1 ]; then
	tty=$(tty)
	saved_tty=$(stty -g)
	export BX_COM_MODE=term BX_COM_DEV="$tty" BX_DEBUG_PORT=0
	cat >&2 <<EOF
bochs.sh: booting $iso; COM1 is this terminal (Ctrl-C goes to the guest).
  Quit: poweroff in the guest, the power button in $where,
        or kill the bochs process from another terminal.
  xchg %bx,%bx in the kernel stops in Bochs' debugger here: c continues, q quits.
  Bochs' log: $outdir/bochs.log
EOF
	bochs -q -f "$here/bochsrc" -rc "$here/bochs-cmds" "$@"
	status=$?
else
	ln -s "$outdir/bochs-serial.log" "$work/serial.log"
	export BX_COM_MODE=file BX_COM_DEV="$work/serial.log" BX_DEBUG_PORT=1
	echo "bochs.sh: no terminal: COM1 goes to $outdir/bochs-serial.log, port 0xE9 to stdout" >&2
	# stdin is /dev/null: a magic breakpoint ends the run instead of waiting.
	bochs -q -f "$here/bochsrc" -rc "$here/bochs-cmds" "$@" </dev/null
	status=$?
fi
exit $status
