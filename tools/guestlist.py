"""The guest test lists of tests/guest/: parsing and the when= conditions.

One test a line: name<TAB>command<TAB>regex[<TAB>option...] ('#' starts a
comment; runs of tabs count as one). A command ending in ^C is typed, and
then Ctrl-C (byte 0x03) follows, after ready= or a second; ^C alone sends
only Ctrl-C. Options:

  exit=N       QEMU must exit with status N (a panic is 3) instead of a prompt
  when=COND    run only if the placement says so: NAME:kernel, NAME:server,
               rs or !rs (whether a reincarnation server runs); or only in
               one emulator: qemu (the test needs a QEMU-only device or
               option) or bochs
  stall=S      read nothing of the guest for S seconds after typing
  ready=REGEX  with host=: start the host command once the guest printed this;
               with a command ending in ^C: send Ctrl-C once it printed this;
               with type=: type once it printed this
  type=TEXT    while the guest command runs, type TEXT and a newline (once
               the guest printed ready=, if given): typed-ahead input
  host=CMD     while the guest command runs, run CMD on the host (sh -c, from
               the top folder; tools/hostpeer.py says what it may use); the
               test needs its exit status 0 too

Used by tools/guest-test.py (and so by tools/bench.py). Standard library
only.
"""
import re

# The emulator the runner drives: tools/bochs-test.py sets "bochs".
EMULATOR = "qemu"


def load_placement(path):
    """{component: "kernel" or "server"} from a placement.txt, or None."""
    if not path:
        return None
    place = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if len(words) >= 2:
                place[words[0]] = words[1]
    return place


def condition_holds(cond, place):
    """cond: NAME:kernel, NAME:server, rs, !rs, qemu or bochs."""
    if cond in ("qemu", "bochs"):
        return cond == EMULATOR
    servers = any(p == "server" for p in place.values())
    if cond in ("rs", "!rs"):
        return servers == (cond == "rs")
    name, _, where = cond.partition(":")
    return place.get(name) == where


def parse_option(opt, opts, place):
    """Adds one option to opts; returns an error text, "skip:COND", or None."""
    m = re.fullmatch(r"\s*(exit|when|stall|host|ready|type)=(.+?)\s*", opt)
    if not m:
        return ("options are exit=N, stall=S, when=COND, ready=REGEX, host=CMD, type=TEXT, "
                "not %r" % opt)
    key, value = m.group(1), m.group(2)
    if key in ("exit", "stall"):
        if not value.isdigit():
            return "%s=%s is not a number" % (key, value)
        opts[key] = int(value)
    elif key in ("host", "ready", "type"):
        if key == "ready":
            try:
                re.compile(value, re.MULTILINE)
            except re.error as e:
                return "bad ready= regex %r: %s" % (value, e)
        opts[key] = value
    elif not re.fullmatch(r"!?rs|qemu|bochs|[a-z0-9_]+:(kernel|server)", value):
        return "when=%s: say NAME:kernel, NAME:server, rs, !rs, qemu or bochs" % value
    elif place is None and value not in ("qemu", "bochs"):
        return "when= needs --placement"
    elif not condition_holds(value, place):
        return "skip:" + value
    return None


def parse_tests(path, place=None):
    """Returns a list of (lineno, name, command, regex, opts, error or None),
    opts a dict with exit (or None), stall, host and ready; tests whose
    when= does not hold are left out and named in a "skip" line."""
    tests = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = re.split(r"\t+", line.rstrip("\t"))
            name = cols[0].strip() or "line%d" % lineno
            err = None
            skip = None
            opts = {"exit": None, "stall": 0, "host": None, "ready": None, "type": None}
            if len(cols) < 2:
                err = "line %d: expected name<TAB>command<TAB>regex[<TAB>option...]" % lineno
                cols += [""] * 2
            regex = cols[2] if len(cols) > 2 else ""
            for opt in cols[3:]:
                why = parse_option(opt, opts, place)
                if why and why.startswith("skip:"):
                    skip = why[5:]
                elif why:
                    err = "line %d: %s" % (lineno, why)
                    break
            if skip and not err:
                print("skip %s (when=%s)" % (name, skip), flush=True)
                continue
            if not err:
                try:
                    re.compile(regex, re.MULTILINE)
                except re.error as e:
                    err = "line %d: bad regex %r: %s" % (lineno, regex, e)
            tests.append((lineno, name, cols[1], regex, opts, err))
    return tests
