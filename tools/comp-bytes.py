#!/usr/bin/env python3
"""Checks that each component is the same code in every placement.

    comp-bytes.py build/mono/kernel.elf build/srv [build/comp]

A component is compiled once (build/comp/NAME.o) and linked unchanged into
the kernel or into its server (build/srv/NAME). For every component the
kernel links in, this compares its code as linked there with its code as
linked into its server: both between __comp_NAME_text_start and
__comp_NAME_text_end, the same length, and the same bytes except at the
fields the linker fills in (the relocations of NAME.o's .comp.NAME.text:
an absolute address or a call to klib is a different number in ring 0 than
in ring 3). It also checks that every function of the component sits at the
same offset in both. So "component NAME, offset N" names the same
instruction in both kernels, which is what the fault injector relies on.

The last line is "N passed, N failed". Only the Python standard library.
"""
import os
import struct
import sys


class Elf:
    """Just enough of ELF32 little-endian (System V ABI, chapter 4)."""

    def __init__(self, path):
        self.path = path
        self.data = open(path, "rb").read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 1 or d[5] != 1:
            raise ValueError("%s: not an ELF32 little-endian file" % path)
        shoff, = struct.unpack_from("<I", d, 32)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 46)
        self.sections = []
        for i in range(shnum):
            f = struct.unpack_from("<IIIIIIIIII", d, shoff + i * shentsize)
            self.sections.append({"name_off": f[0], "type": f[1], "addr": f[3], "offset": f[4],
                                  "size": f[5], "link": f[6], "info": f[7], "entsize": f[9]})
        strtab = self.sections[shstrndx]
        for s in self.sections:
            s["name"] = self.cstr(strtab["offset"] + s["name_off"])

    def cstr(self, off):
        end = self.data.index(b"\0", off)
        return self.data[off:end].decode("ascii", "replace")

    def section(self, name):
        for s in self.sections:
            if s["name"] == name:
                return s
        return None

    def symbols(self):
        """(name, value, size, type, shndx) of .symtab."""
        out = []
        for s in self.sections:
            if s["type"] != 2:  # SHT_SYMTAB
                continue
            strs = self.sections[s["link"]]
            for i in range(s["size"] // 16):
                name, value, size, info, _, shndx = struct.unpack_from(
                    "<IIIBBH", self.data, s["offset"] + i * 16)
                out.append((self.cstr(strs["offset"] + name), value, size, info & 0xf, shndx))
        return out

    def read(self, addr, length):
        """Bytes at a virtual address of a linked image."""
        for s in self.sections:
            if s["type"] == 1 and s["addr"] <= addr and addr + length <= s["addr"] + s["size"]:
                off = s["offset"] + addr - s["addr"]
                return self.data[off:off + length]
        raise ValueError("%s: %#x+%d is in no section with file bytes" % (self.path, addr, length))


def relocated_fields(obj, name):
    """Offsets of the 4-byte fields the link fills in, in the component's
    text (REL entries: r_offset, r_info; every i386 type used is 32-bit)."""
    rel = obj.section(".rel.comp.%s.text" % name)
    if not rel:
        return set()
    fields = set()
    for i in range(rel["size"] // 8):
        off, _ = struct.unpack_from("<II", obj.data, rel["offset"] + i * 8)
        fields.update(range(off, off + 4))
    return fields


def functions(obj, name):
    """{function: offset} of the component's text in its object."""
    text = [i for i, s in enumerate(obj.sections) if s["name"] == ".comp.%s.text" % name]
    return {n: v for n, v, _, t, sh in obj.symbols() if t == 2 and text and sh == text[0]}


def bounds(elf, name):
    syms = {n: v for n, v, _, _, _ in elf.symbols()}
    a, b = syms.get("__comp_%s_text_start" % name), syms.get("__comp_%s_text_end" % name)
    return (a, b) if a is not None and b is not None else None


def flip_first_fixed_byte(srv, name, obj):
    """The self-test's damage: one code byte of the server that the link
    did not fill in, changed, as a compiler that built the component twice
    with different flags would."""
    sb = bounds(srv, name)
    fixed = relocated_fields(obj, name)
    off = next(i for i in range(sb[1] - sb[0]) if i not in fixed)
    for s in srv.sections:
        if s["type"] == 1 and s["addr"] <= sb[0] < s["addr"] + s["size"]:
            at = s["offset"] + sb[0] - s["addr"] + off
            srv.data = srv.data[:at] + bytes([srv.data[at] ^ 0x01]) + srv.data[at + 1:]
            return


def check(kernel, srv_dir, comp_dir, name, damage=False):
    obj = Elf(os.path.join(comp_dir, name + ".o"))
    srv = Elf(os.path.join(srv_dir, name))
    if damage:
        flip_first_fixed_byte(srv, name, obj)
    kb, sb = bounds(kernel, name), bounds(srv, name)
    if not kb or not sb:
        return "no __comp_%s_text bounds in %s" % (name, kernel.path if not kb else srv.path)
    if kb[1] - kb[0] != sb[1] - sb[0]:
        return "its text is %d bytes in the kernel, %d in the server" % (
            kb[1] - kb[0], sb[1] - sb[0])
    n = kb[1] - kb[0]
    if n == 0:
        return "its text is empty"
    kbytes, sbytes = kernel.read(kb[0], n), srv.read(sb[0], n)
    fixed = relocated_fields(obj, name)
    differ = [i for i in range(n) if kbytes[i] != sbytes[i] and i not in fixed]
    if differ:
        return "%d bytes differ outside the relocations, first at offset %#x" % (
            len(differ), differ[0])
    # Function names repeat across components (each has its comp_control):
    # a function is in place if a symbol of its name is at that address.
    ksyms = {(s[0], s[1]) for s in kernel.symbols() if s[3] == 2}
    ssyms = {(s[0], s[1]) for s in srv.symbols() if s[3] == 2}
    moved = [f for f, off in functions(obj, name).items()
             if (f, kb[0] + off) not in ksyms or (f, sb[0] + off) not in ssyms]
    if moved:
        return "function %s is not at the same offset in both" % moved[0]
    same = n - len(fixed & set(range(n)))
    print("     %s: %d bytes of code, %d filled in by the link, %d identical; %d functions"
          % (name, n, len(fixed), same, len(functions(obj, name))))
    return None


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    kernel = Elf(sys.argv[1])
    srv_dir = sys.argv[2]
    comp_dir = sys.argv[3] if len(sys.argv) == 4 else "build/comp"
    names = sorted({n[len("__comp_"):-len("_text_start")] for n, *_ in kernel.symbols()
                    if n.startswith("__comp_") and n.endswith("_text_start")})
    passed = failed = 0
    # First, that the check can fail: a server with one code byte changed
    # must be told apart.
    if names:
        if check(kernel, srv_dir, comp_dir, names[0], damage=True):
            print("PASS comp-bytes/self-test: a changed byte in %s is found" % names[0])
            passed += 1
        else:
            print("FAIL comp-bytes/self-test: a changed byte in %s went unnoticed" % names[0])
            failed += 1
    if not names:
        print("FAIL comp-bytes: %s links no component" % kernel.path)
        failed += 1
    for name in names:
        why = check(kernel, srv_dir, comp_dir, name)
        if why:
            print("FAIL comp-bytes/%s: %s" % (name, why))
            failed += 1
        else:
            print("PASS comp-bytes/%s" % name)
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
