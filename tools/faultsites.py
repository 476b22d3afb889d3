#!/usr/bin/env python3
"""The fault sites of each component, for the injector (user/bin/inject.c).

    faultsites.py --out build/user/obj/gen/faultsites.c build/comp/NAME.o ...

Why a table made on the host: a fault must land on an instruction boundary
of one component's own code, and the same (component, type, seed) must pick
the same instruction on every kernel. Each component is compiled once, into
build/comp/NAME.o, and linked unchanged into the kernel or into its server
with its text between __comp_NAME_text_start and __comp_NAME_text_end
(tools/comp-bytes.py checks that every function sits at the same offset in
both). So the instructions of NAME.o's .comp.NAME.text, as `objdump -d`
sees them, are the instructions of the running component in every kernel,
at the same offsets. The table is compiled into /bin/inject, so planning
needs no file at run time and is the same on every kernel by construction;
decoding in the guest would need an x86 decoder there instead.

For each instruction it records: its length; its class (padding between
functions, a conditional branch in its short 7x or near 0F 8x form); its
first byte in a function; the position of the opcode byte; and for the
operand faults a field of the instruction that names the source, the
destination and the address of a memory operand: a 3-bit register field
(with the XOR values that keep it a register and the instruction's length),
or the bytes of an immediate or a displacement. What is not decoded here
(x87, SSE, string instructions, address-size prefixes) has no operand field
and takes only the text and nop faults.

The x86 facts are from the Intel SDM, volume 2, chapter 2 (ModRM, SIB,
displacements) and appendix A (the opcode maps). Only the standard library.
"""
import argparse
import re
import subprocess
import sys

PREFIXES = {0x66, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0xF0}

CLS_PLAIN, CLS_PAD, CLS_JCC8, CLS_JCC32 = 0, 1, 2, 3
K_NONE, K_REG0, K_REG3, K_VALUE = 0, 1, 2, 3


def opnd(at=0, kind=K_NONE, size=1, mask=0):
    """One operand field: (at | kind << 4 | size code << 6, mask)."""
    code = {1: 0, 2: 1, 4: 2}[size]
    return (at | kind << 4 | code << 6, mask) if kind != K_NONE else (0, 0)


def modrm_info(b, m):
    """ModRM at b[m]: (mod, reg, rm, bytes of ModRM+SIB+disp, disp offset, disp size)."""
    x = b[m]
    mod, reg, rm = x >> 6, (x >> 3) & 7, x & 7
    n, disp = 1, 0
    if mod != 3 and rm == 4:
        n += 1
        if mod == 0 and (b[m + 1] & 7) == 5:
            disp = 4
    if mod == 1:
        disp = 1
    elif mod == 2 or (mod == 0 and rm == 5):
        disp = 4
    return mod, reg, rm, n + disp, m + n, disp


def rm_mask(mod, rm):
    """XOR values that keep a memory operand's base register field legal
    (rm 4 means a SIB byte follows, rm 5 with mod 0 a bare disp32)."""
    mask = 0
    for v in range(1, 8):
        n = rm ^ v
        if n == 4 or (mod == 0 and n == 5):
            continue
        mask |= 1 << v
    return mask


# One-byte opcodes with a ModRM byte: what each operand is.
# form: "MR" r/m is the destination, reg the source; "RM" the reverse;
# "SRC" both are sources (cmp, test); "MI" r/m destination, immediate source.
ALU = {}
for base in range(0x00, 0x40, 8):
    cmp = base == 0x38
    ALU[base] = ALU[base + 1] = "SRC" if cmp else "MR"
    ALU[base + 2] = ALU[base + 3] = "SRC" if cmp else "RM"
ALU.update({0x84: "SRC", 0x85: "SRC", 0x86: "MR", 0x87: "MR", 0x88: "MR", 0x89: "MR",
            0x8A: "RM", 0x8B: "RM", 0x8D: "LEA", 0x63: "MR", 0x69: "RM", 0x6B: "RM",
            0x80: "MI", 0x81: "MI", 0x83: "MI", 0xC6: "MI", 0xC7: "MI", 0xC0: "MI",
            0xC1: "MI", 0xD0: "M", 0xD1: "M", 0xD2: "M", 0xD3: "M", 0xF6: "F6", 0xF7: "F6",
            0xFE: "FF", 0xFF: "FF", 0x8F: "M"})
TWO = {0xB6: "RM", 0xB7: "RM", 0xBE: "RM", 0xBF: "RM", 0xAF: "RM", 0xA3: "SRC",
       0xAB: "MR", 0xB3: "MR", 0xBB: "MR", 0xA4: "MRI8", 0xA5: "MR", 0xAC: "MRI8",
       0xAD: "MR", 0xB0: "MR", 0xB1: "MR", 0xC0: "MR", 0xC1: "MR"}
TWO.update({0x40 + i: "RM" for i in range(16)})   # cmovcc
TWO.update({0x90 + i: "M" for i in range(16)})    # setcc


def imm_size(op, reg, osize):
    """Bytes of the immediate of a one-byte ModRM opcode."""
    if op in (0x80, 0x83, 0xC6, 0xC0, 0xC1, 0x6B):
        return 1
    if op in (0x81, 0xC7, 0x69):
        return osize
    if op == 0xF6 and reg in (0, 1):
        return 1
    if op == 0xF7 and reg in (0, 1):
        return osize
    return 0


def decode(b):
    """(cls, opos, src, dst, ptr) of one instruction's bytes."""
    i, osize = 0, 4
    while i < len(b) and b[i] in PREFIXES:
        if b[i] == 0x66:
            osize = 2
        i += 1
    none = (0, 0)
    if i >= len(b) or i > 3 or b[i] == 0x67:
        return CLS_PLAIN, 0, none, none, none
    op = b[i]
    if 0x70 <= op <= 0x7F and len(b) - i == 2:
        return CLS_JCC8, i, none, none, none
    if op == 0x0F and i + 1 < len(b) and 0x80 <= b[i + 1] <= 0x8F and len(b) - i == 6:
        return CLS_JCC32, i, none, none, none
    src = dst = ptr = none
    regs = 0xFE  # any other register
    if op == 0x0F:
        if i + 2 >= len(b) or b[i + 1] not in TWO:
            return CLS_PLAIN, i, none, none, none
        form, m, imm = TWO[b[i + 1]], i + 2, 0
        if form == "MRI8":
            form, imm = "MR", 1
    elif op in ALU:
        form, m = ALU[op], i + 1
        imm = imm_size(op, (b[m] >> 3) & 7, osize) if m < len(b) else 0
    else:
        # Forms without ModRM: a register in the opcode's low bits, an
        # immediate at the end, a moffs address.
        n = len(b) - i
        if 0xB8 <= op <= 0xBF and n == 1 + osize:
            return CLS_PLAIN, i, opnd(i + 1, K_VALUE, osize), opnd(i, K_REG0, mask=regs), none
        if 0xB0 <= op <= 0xB7 and n == 2:
            return CLS_PLAIN, i, opnd(i + 1, K_VALUE, 1), opnd(i, K_REG0, mask=regs), none
        if 0x40 <= op <= 0x4F and n == 1:
            return CLS_PLAIN, i, none, opnd(i, K_REG0, mask=regs), none
        if 0x50 <= op <= 0x57 and n == 1:
            return CLS_PLAIN, i, opnd(i, K_REG0, mask=regs), none, none
        if 0x58 <= op <= 0x5F and n == 1:
            return CLS_PLAIN, i, none, opnd(i, K_REG0, mask=regs), none
        if op in (0xA1, 0xA3) and n == 5:
            return CLS_PLAIN, i, none, none, opnd(i + 1, K_VALUE, 4)
        if op == 0x68 and n == 1 + osize:
            return CLS_PLAIN, i, opnd(i + 1, K_VALUE, osize), none, none
        if op == 0x6A and n == 2:
            return CLS_PLAIN, i, opnd(i + 1, K_VALUE, 1), none, none
        if op & 0xC7 in (0x04, 0x05) and op < 0x40:  # ALU al/eax, imm
            size = 1 if op & 1 == 0 else osize
            if n == 1 + size:
                return CLS_PLAIN, i, opnd(i + 1, K_VALUE, size), none, none
        return CLS_PLAIN, i, none, none, none
    if m >= len(b):
        return CLS_PLAIN, i, none, none, none
    mod, reg, rm, mlen, doff, dsize = modrm_info(b, m)
    if m + mlen + imm != len(b):  # not what objdump saw: trust neither
        return CLS_PLAIN, i, none, none, none
    regf = opnd(m, K_REG3, mask=regs)
    if mod == 3:
        rmf = opnd(m, K_REG0, mask=regs)
        addr = none
    else:
        # A memory operand: its address is the displacement if there is
        # one, else the base register field.
        addr = opnd(doff, K_VALUE, dsize) if dsize else (
            opnd(m, K_REG0, mask=rm_mask(mod, rm)) if rm != 4 else none)
        rmf = addr
        ptr = addr
    immf = opnd(len(b) - imm, K_VALUE, imm) if imm else none
    if form == "MR":
        src, dst = regf, rmf
        if op == 0x63:  # arpl: not in C code; keep it plain
            return CLS_PLAIN, i, none, none, none
    elif form == "RM":
        src, dst = rmf, regf
    elif form == "LEA":
        src, dst, ptr = addr, regf, none  # lea loads nothing
    elif form == "SRC":
        src = regf if rmf == none else rmf
    elif form == "MI":
        if op in (0x80, 0x81, 0x83) and reg == 7:  # cmp: sources only
            src = immf
        else:
            src, dst = immf, rmf
    elif form == "M":
        dst = rmf
    elif form == "F6":
        if reg in (0, 1):
            src = immf
        elif reg in (2, 3):
            dst = rmf
        else:
            src = rmf
    elif form == "FF":
        if reg in (0, 1):
            dst = rmf
        elif reg in (2, 4, 6):
            src = rmf
        else:
            return CLS_PLAIN, i, none, none, none
    return CLS_PLAIN, i, src, dst, ptr


LINE = re.compile(r"^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$")


def component(path, name, objdump):
    """(text size, instructions, functions) of one component object."""
    sect = ".comp.%s.text" % name
    syms = subprocess.run([objdump, "-t", path], check=True, capture_output=True,
                          text=True).stdout
    funcs = []
    for line in syms.splitlines():
        f = line.split()
        if len(f) >= 6 and f[-3] == sect and "F" in f[1:-3]:
            funcs.append((int(f[0], 16), int(f[-2], 16), f[-1]))
    funcs.sort()
    dis = subprocess.run([objdump, "-d", "-z", "--insn-width=16", "-j", sect, path], check=True,
                         capture_output=True, text=True).stdout
    insns = []
    for line in dis.splitlines():
        mt = LINE.match(line)
        if mt:
            insns.append((int(mt.group(1), 16), bytes.fromhex(mt.group(2).replace(" ", ""))))
    out, at, fi = [], 0, 0
    for off, b in insns:
        if off != at:
            sys.exit("faultsites: %s: a gap in the disassembly at %#x" % (path, off))
        if not 1 <= len(b) <= 15:
            sys.exit("faultsites: %s: an instruction of %d bytes at %#x" % (path, len(b), off))
        while fi < len(funcs) and funcs[fi][0] + funcs[fi][1] <= off:
            fi += 1
        inside = fi < len(funcs) and funcs[fi][0] <= off and off + len(b) <= funcs[fi][0] + funcs[fi][1]
        first = inside and funcs[fi][0] == off
        cls, opos, src, dst, ptr = decode(b) if inside else (CLS_PAD, 0, (0, 0), (0, 0), (0, 0))
        out.append((len(b) | cls << 4 | (0x80 if first else 0), opos, src, dst, ptr))
        at = off + len(b)
    return at, out, funcs


def c_name(s):
    return re.sub(r"[^A-Za-z0-9_]", "_", s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--objdump", default="objdump")
    ap.add_argument("objects", nargs="+")
    a = ap.parse_args()
    lines = ["/* Generated by tools/faultsites.py from " + " ".join(a.objects) + ".",
             " * Do not edit: `make` writes it again when a component changes. */",
             '#include "plan.h"', ""]
    entries = []
    for path in a.objects:
        name = re.sub(r"\.o$", "", path.rsplit("/", 1)[-1])
        size, insns, funcs = component(path, name, a.objdump)
        cn = c_name(name)
        lines.append("static const struct fs_insn insn_%s[] = {" % cn)
        for lc, opos, s, d, p in insns:
            lines.append("\t{%#x, %d, {%#x, %#x}, {%#x, %#x}, {%#x, %#x}}," %
                         (lc, opos, s[0], s[1], d[0], d[1], p[0], p[1]))
        lines.append("};")
        lines.append("static const struct fs_func func_%s[] = {" % cn)
        for off, fsize, fname in funcs:
            lines.append('\t{%#x, %#x, "%s"},' % (off, fsize, fname))
        lines.append("};")
        entries.append('\t{"%s", %#x, insn_%s, %d, func_%s, %d},' %
                       (name, size, cn, len(insns), cn, len(funcs)))
    lines.append("const struct fs_comp fs_comps[] = {")
    lines += entries
    lines.append("};")
    lines.append("const int fs_ncomps = %d;" % len(entries))
    with open(a.out + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    import os
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
