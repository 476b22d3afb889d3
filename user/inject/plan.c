/* Fault planning (plan.h): the SWIFI fault types of Ng and Chen ("The
 * Design and Verification of the Rio File Cache", IEEE ToC 2001), as
 * MINIX 3's swifi applies them, on the instructions of one component.
 *
 * Every choice comes from plan_rand() seeded by the component's name, the
 * type and the seed, so a plan depends on nothing but the table (the same
 * in /bin/inject on every kernel) and those three: the same experiment in
 * mono and micro. A site is always the first byte of an instruction inside
 * a function (never the padding between functions). Faults that write more
 * bytes than one instruction has (crash, hang, wild) cover a run of whole
 * instructions of the same function, the rest filled with NOPs, so no
 * instruction is left cut in half. */
#include "plan.h"

#include <stdio.h>
#include <string.h>

const char *const fault_names[F_NTYPES] = {
	"text", "nop", "src", "dst", "ptr", "branch", "loop", "interface", "crash", "hang", "wild",
};

const char *const fault_help[F_NTYPES] = {
	"flip a random bit of an instruction byte",
	"replace one instruction with NOPs",
	"corrupt the source operand (register, immediate or memory address)",
	"corrupt the destination operand (register or memory address)",
	"corrupt the address of a load or store (displacement or base register)",
	"invert a conditional branch",
	"remove a conditional branch (NOPs) or make it unconditional",
	"corrupt a word of the next message the component sends or replies",
	"a store to the NULL address at a random instruction",
	"a jump to itself (a spin) at a random instruction",
	"a store of a random value to a random address the component can write",
};

uint32_t plan_rand(uint32_t *state)
{
	uint32_t z = (*state += 0x9E3779B9u);
	z = (z ^ (z >> 16)) * 0x85EBCA6Bu;
	z = (z ^ (z >> 13)) * 0xC2B2AE35u;
	return z ^ (z >> 16);
}

static uint32_t below(uint32_t *st, uint32_t n)
{
	return (uint32_t)(((uint64_t)plan_rand(st) * n) >> 32);
}

/* Bytes the direct faults need, and the most a run may span. */
static uint32_t need_of(int type)
{
	return type == F_CRASH ? 5 : type == F_HANG ? 2 : type == F_WILD ? 10 : 0;
}

/* The length of the shortest run of whole instructions from i, inside one
 * function, with at least need bytes; 0 if there is none that fits a patch. */
static uint32_t run_len(const struct fs_comp *c, uint32_t i, uint32_t need)
{
	uint32_t len = 0;
	for (uint32_t k = i; k < c->ninsn && len < need; k++) {
		if (FS_CLS(c->insn[k]) == FS_PAD || (k > i && FS_FIRST(c->insn[k])))
			return 0;
		len += FS_LEN(c->insn[k]);
	}
	return len >= need && len <= INJ_PATCH_MAX ? len : 0;
}

static const struct fs_opnd *operand(const struct fs_insn *in, int type)
{
	const struct fs_opnd *o = type == F_SRC ? &in->src : type == F_DST ? &in->dst : &in->ptr;
	if (FS_KIND(*o) == FS_NONE || ((FS_KIND(*o) != FS_VALUE) && !(o->mask & 0xFE)))
		return NULL;
	return o;
}

static int takes(const struct fs_comp *c, uint32_t i, int type)
{
	const struct fs_insn *in = &c->insn[i];
	if (FS_CLS(*in) == FS_PAD)
		return 0;
	switch (type) {
	case F_TEXT:
	case F_NOP:
		return 1;
	case F_SRC:
	case F_DST:
	case F_PTR:
		return operand(in, type) != NULL;
	case F_BRANCH:
	case F_LOOP:
		return FS_CLS(*in) == FS_JCC8 || FS_CLS(*in) == FS_JCC32;
	default:
		return run_len(c, i, need_of(type)) != 0;
	}
}

static const struct fs_func *func_at(const struct fs_comp *c, uint32_t off)
{
	for (uint32_t k = 0; k < c->nfunc; k++)
		if (off >= c->func[k].off && off - c->func[k].off < c->func[k].size)
			return &c->func[k];
	return NULL;
}

static void fill(struct inject_req *r, uint32_t op, uint32_t off, uint32_t len, uint8_t byte)
{
	r->op = op;
	r->offset = off;
	r->len = len;
	memset(r->bytes, byte, len);
}

/* The operand faults: a register field gets another register, a value
 * (immediate or displacement) a flipped bit. */
static void plan_operand(struct fault_plan *p, const struct fs_opnd *o, uint32_t site, int type,
			 uint32_t *st)
{
	static const char *const what[] = {"source", "destination", "address"};
	const char *w = what[type - F_SRC];
	if (FS_KIND(*o) == FS_VALUE) {
		uint32_t bits = 8 * FS_VSIZE(*o), bit = below(st, bits);
		fill(&p->req, INJ_XOR, site + FS_AT(*o) + bit / 8, 1, 0);
		p->req.bytes[0] = (uint8_t)(1u << (bit % 8));
		snprintf(p->desc, sizeof(p->desc), "flip bit %u of the %u-byte %s value (byte %u)",
			 bit, FS_VSIZE(*o), w, FS_AT(*o) + bit / 8);
		return;
	}
	uint32_t n = (uint32_t)__builtin_popcount(o->mask & 0xFE), k = below(st, n), v = 1;
	for (;; v++)
		if ((o->mask & (1u << v)) && k-- == 0)
			break;
	uint32_t shift = FS_KIND(*o) == FS_REG3 ? 3 : 0;
	fill(&p->req, INJ_XOR, site + FS_AT(*o), 1, 0);
	p->req.bytes[0] = (uint8_t)(v << shift);
	snprintf(p->desc, sizeof(p->desc),
		 "change the %s register (xor %u into bits %u-%u of byte %u)", w, v, shift,
		 shift + 2, FS_AT(*o));
}

int fault_plan(const struct fs_comp *c, int type, uint32_t seed, const char *only_func,
	       struct fault_plan *p)
{
	if (type < 0 || type >= F_NTYPES)
		return -1;
	memset(p, 0, sizeof(*p));
	snprintf(p->req.comp, sizeof(p->req.comp), "%s", c->name);
	/* The state depends on the component's name, the type and the seed. */
	uint32_t st = 2166136261u;
	for (const char *s = c->name; *s; s++)
		st = (st ^ (uint8_t)*s) * 16777619u;
	st ^= (uint32_t)type * 0x01000193u;
	st = plan_rand(&st) ^ seed;
	plan_rand(&st);

	if (type == F_INTERFACE) {
		uint32_t word = below(&st, INJ_IFACE_WORDS), bit = below(&st, 32);
		p->req.op = INJ_IFACE;
		p->req.arg0 = word;
		p->req.arg1 = 1u << bit;
		p->func = "msg";
		p->site = p->func_off = word == 0 ? 0 : 8 + 4 * (word - 1);
		if (word == 0)
			snprintf(p->desc, sizeof(p->desc),
				 "flip bit %u of the type of the next message it sends or replies",
				 bit);
		else
			snprintf(p->desc, sizeof(p->desc),
				 "flip bit %u of w[%u] of the next message it sends or replies",
				 bit, word - 1);
		return 0;
	}

	const struct fs_func *only = NULL;
	if (only_func) {
		for (uint32_t k = 0; k < c->nfunc && !only; k++)
			if (strcmp(c->func[k].name, only_func) == 0)
				only = &c->func[k];
		if (!only)
			return -1;
	}
	uint32_t n = 0, off = 0;
	for (uint32_t i = 0; i < c->ninsn; off += FS_LEN(c->insn[i]), i++)
		n += (!only || (off >= only->off && off - only->off < only->size)) &&
		     takes(c, i, type);
	if (!n)
		return -1;
	uint32_t pick = below(&st, n), i = 0;
	for (off = 0;; off += FS_LEN(c->insn[i]), i++)
		if ((!only || (off >= only->off && off - only->off < only->size)) &&
		    takes(c, i, type) && pick-- == 0)
			break;

	const struct fs_insn *in = &c->insn[i];
	uint32_t len = FS_LEN(*in);
	const struct fs_func *f = func_at(c, off);
	p->site = off;
	p->func = f ? f->name : "?";
	p->func_off = f ? off - f->off : 0;
	switch (type) {
	case F_TEXT: {
		uint32_t byte = below(&st, len), bit = below(&st, 8);
		fill(&p->req, INJ_XOR, off + byte, 1, 0);
		p->req.bytes[0] = (uint8_t)(1u << bit);
		snprintf(p->desc, sizeof(p->desc),
			 "flip bit %u of byte %u of a %u-byte instruction", bit, byte, len);
		break;
	}
	case F_NOP:
		fill(&p->req, INJ_WRITE, off, len, 0x90);
		snprintf(p->desc, sizeof(p->desc), "replace a %u-byte instruction with NOPs", len);
		break;
	case F_SRC:
	case F_DST:
	case F_PTR:
		plan_operand(p, operand(in, type), off, type, &st);
		break;
	case F_BRANCH: {
		/* Jcc's condition is its low opcode bit's complement pair (SDM
		 * 2A "Jcc": 74 je / 75 jne, ...). */
		int near = FS_CLS(*in) == FS_JCC32;
		fill(&p->req, INJ_XOR, off + in->opos + (near ? 1 : 0), 1, 0x01);
		snprintf(p->desc, sizeof(p->desc), "invert a conditional branch (%s)",
			 near ? "0F 8x rel32" : "7x rel8");
		break;
	}
	case F_LOOP: {
		int near = FS_CLS(*in) == FS_JCC32;
		if (below(&st, 2) == 0) {
			fill(&p->req, INJ_WRITE, off, len, 0x90);
			snprintf(p->desc, sizeof(p->desc),
				 "remove a conditional branch (%u bytes of NOPs)", len);
		} else if (!near) {
			fill(&p->req, INJ_WRITE, off + in->opos, 1, 0xEB); /* jmp rel8 */
			snprintf(p->desc, sizeof(p->desc),
				 "make a conditional branch always taken");
		} else {
			/* NOP, then jmp rel32 ending where the Jcc did: same rel32. */
			fill(&p->req, INJ_WRITE, off + in->opos, 2, 0x90);
			p->req.bytes[1] = 0xE9;
			snprintf(p->desc, sizeof(p->desc),
				 "make a conditional branch always taken");
		}
		break;
	}
	case F_CRASH:
	case F_HANG:
	case F_WILD: {
		uint32_t run = run_len(c, i, need_of(type));
		fill(&p->req, type == F_WILD ? INJ_WILD : INJ_WRITE, off, run, 0x90);
		if (type == F_CRASH) {
			p->req.bytes[0] = 0xA3; /* mov %eax, 0x0: a store to NULL */
			memset(p->req.bytes + 1, 0, 4);
			snprintf(p->desc, sizeof(p->desc), "a store to NULL (%u bytes patched)",
				 run);
		} else if (type == F_HANG) {
			p->req.bytes[0] = 0xEB; /* jmp . */
			p->req.bytes[1] = 0xFE;
			snprintf(p->desc, sizeof(p->desc), "a jump to itself (%u bytes patched)",
				 run);
		} else {
			p->req.arg0 = plan_rand(&st);
			p->req.arg1 = plan_rand(&st);
			snprintf(p->desc, sizeof(p->desc),
				 "store %#x to a writable address (selector %#x; %u bytes patched)",
				 p->req.arg1, p->req.arg0, run);
		}
		break;
	}
	}
	return 0;
}

int fault_line(char *buf, unsigned n, const char *verb, int type, uint32_t seed,
	       const struct fault_plan *p)
{
	return snprintf(buf, n, "%s: %s %s seed %u at %s+0x%x (offset 0x%x): %s", verb, p->req.comp,
			fault_names[type], (unsigned)seed, p->func, (unsigned)p->func_off,
			(unsigned)p->site, p->desc);
}
