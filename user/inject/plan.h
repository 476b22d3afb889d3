/* Fault planning for the injector (/bin/inject): from a component's table
 * of instructions (made on the host by tools/faultsites.py from
 * build/comp/NAME.o), a fault type and a seed, the one site and the bytes
 * that SYS_INJECT writes. Pure computation: the same inputs give the same
 * plan on every kernel, and tests/host/test_inject.c runs it on the host. */
#ifndef INJECT_PLAN_H
#define INJECT_PLAN_H

#include <stdint.h>

#include "abi/inject.h"

/* An operand field of an instruction: at = byte index (bits 0-3), kind
 * (bits 4-5: FS_REG0 a register in bits 0-2 of that byte, FS_REG3 in bits
 * 3-5, FS_VALUE the bytes of an immediate or displacement) and the size
 * of a value (bits 6-7: 1, 2 or 4 bytes); mask: for a register field, the
 * XOR values (bit v for v = 1..7) that keep the instruction's length. */
struct fs_opnd {
	uint8_t at, mask;
};
enum { FS_NONE, FS_REG0, FS_REG3, FS_VALUE };
#define FS_AT(o)    ((o).at & 0xF)
#define FS_KIND(o)  (((o).at >> 4) & 3)
#define FS_VSIZE(o) (1u << ((o).at >> 6))

/* One instruction: lc = length (bits 0-3), class (bits 4-6: FS_PLAIN,
 * FS_PAD padding between functions, FS_JCC8 70+cc rel8, FS_JCC32 0F 80+cc
 * rel32), bit 7: the first instruction of a function; opos = position of
 * the opcode byte (after prefixes). Offsets are implicit: the instructions
 * cover the text end to end. */
struct fs_insn {
	uint8_t lc, opos;
	struct fs_opnd src, dst, ptr;
};
enum { FS_PLAIN, FS_PAD, FS_JCC8, FS_JCC32 };
#define FS_LEN(i)   ((i).lc & 0xF)
#define FS_CLS(i)   (((i).lc >> 4) & 7)
#define FS_FIRST(i) ((i).lc & 0x80)

struct fs_func {
	uint32_t off, size;
	const char *name;
};

struct fs_comp {
	const char *name;
	uint32_t text_size;
	const struct fs_insn *insn;
	uint32_t ninsn;
	const struct fs_func *func;
	uint32_t nfunc;
};

/* The generated table (build/user/obj/gen/faultsites.c). */
extern const struct fs_comp fs_comps[];
extern const int fs_ncomps;

enum fault_type {
	F_TEXT,
	F_NOP,
	F_SRC,
	F_DST,
	F_PTR,
	F_BRANCH,
	F_LOOP,
	F_INTERFACE,
	F_CRASH,
	F_HANG,
	F_WILD,
	F_NTYPES
};
extern const char *const fault_names[F_NTYPES];
extern const char *const fault_help[F_NTYPES];

struct fault_plan {
	uint32_t site;         /* the instruction's offset in the text (interface: in struct msg) */
	const char *func;      /* the function it is in ("msg" for interface) */
	uint32_t func_off;     /* its offset in that function */
	struct inject_req req; /* what SYS_INJECT applies (req.comp is set) */
	char desc[112];
};

/* The deterministic generator both kernels' plans come from: a Weyl
 * sequence through MurmurHash3's 32-bit finalizer. */
uint32_t plan_rand(uint32_t *state);

/* Plans fault type for component c with seed; only_func, if not NULL,
 * limits the sites to that function. 0, or -1 if no instruction of c
 * (of that function) takes this type. */
int fault_plan(const struct fs_comp *c, int type, uint32_t seed, const char *only_func,
	       struct fault_plan *out);

/* The line the injector prints (user/README.md): verb "inject" or "plan". */
int fault_line(char *buf, unsigned n, const char *verb, int type, uint32_t seed,
	       const struct fault_plan *p);

#endif
