/* SYS_INJECT: the kernel's half of the fault injector (abi/inject.h).
 *
 * The injector (/bin/inject) plans a fault from a component, a fault type
 * and a seed, with a table of the component's instructions made on the
 * host from build/comp/NAME.o (tools/faultsites.py). So the plan is the
 * same on every kernel, and the kernel does only what no program may: it
 * writes the patch into the running component's code. Where that code is
 * belongs to the host that runs the component (mono/ in ring 0, micro/ as
 * a server: host.inject_target and inject_byte); this file checks the
 * request against the component's bounds and applies it byte by byte.
 *
 * Who may: only a program holding PRIV_FAULT (common/system.conf gives it
 * to /bin/inject, the instructor's tool, and to the tests' crash helpers).
 * That is a documented exception to the capability rules, not a hole: an
 * ordinary program keeps exactly its rights and gets -EPERM here. */
#include "abi/errno.h"
#include "abi/inject.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

struct iface_fault iface_faults[MAX_COMPS];
uint32_t iface_armed; /* bit comp: iface_faults[comp] is armed */

/* Called by the transports on a message component comp sends or replies
 * while a fault is armed: the fault fires once. */
void inject_iface_fire(int comp, struct msg *m)
{
	struct iface_fault *f = &iface_faults[comp];
	f->armed = 0;
	iface_armed &= ~(1u << comp);
	if (f->word == 0)
		m->type ^= (int32_t)f->mask;
	else if (f->word - 1 < MSG_WORDS)
		m->w[f->word - 1] ^= f->mask;
	kprintf("fault: %s's next message: word %u xor %#x (SYS_INJECT)\n", svc_table[comp].name,
		f->word, f->mask);
}

/* The wild store's instruction: movl $value, addr (C7 /0 with a disp32
 * ModRM, SDM 2A "MOV"), then NOPs to the end of the patch. */
static void wild_patch(uint8_t *b, uint32_t len, uint32_t addr, uint32_t value)
{
	b[0] = 0xC7;
	b[1] = 0x05;
	memcpy(b + 2, &addr, 4);
	memcpy(b + 6, &value, 4);
	for (uint32_t i = 10; i < len; i++)
		b[i] = 0x90;
}

static int32_t inject_apply(int comp, struct inject_req *r)
{
	const struct host *h = svc_table[comp].host;
	uint32_t text, size, lo, hi;
	if (!h->inject_target || !h->inject_byte)
		return -ENOSYS;
	int e = h->inject_target(comp, &text, &size, &lo, &hi);
	if (e < 0)
		return e;
	r->text_size = size;
	if (r->op == INJ_PROBE)
		return 0;
	if (r->op == INJ_IFACE) {
		if (r->arg0 >= INJ_IFACE_WORDS || !r->arg1)
			return -EINVAL;
		iface_faults[comp] = (struct iface_fault){1, r->arg0, r->arg1};
		iface_armed |= 1u << comp;
		return 0;
	}
	if (r->op != INJ_WRITE && r->op != INJ_XOR && r->op != INJ_WILD)
		return -EINVAL;
	if (r->len == 0 || r->len > INJ_PATCH_MAX || (r->op == INJ_WILD && r->len < 10))
		return r->len > INJ_PATCH_MAX ? -E2BIG : -EINVAL;
	if (r->offset >= size || r->len > size - r->offset)
		return -ERANGE;
	uint8_t patch[INJ_PATCH_MAX];
	memcpy(patch, r->bytes, sizeof(patch));
	r->addr = text + r->offset;
	if (r->op == INJ_WILD) {
		/* arg0 picks a word-aligned address in what the component can
		 * write; the same arg0 is the same fraction of it in every
		 * kernel, though the address is the kernel's own. */
		uint32_t words = (hi - lo) / 4;
		if (!words)
			return -ERANGE;
		uint32_t addr = lo + (uint32_t)(((uint64_t)r->arg0 * words) >> 32) * 4;
		wild_patch(patch, r->len, addr, r->arg1);
		r->addr = addr;
	}
	/* Every byte is mapped before one is written: a fault lands whole
	 * or not at all. */
	uint8_t *at[INJ_PATCH_MAX];
	for (uint32_t i = 0; i < r->len; i++)
		if (!(at[i] = h->inject_byte(comp, text + r->offset + i)))
			return -EFAULT;
	for (uint32_t i = 0; i < r->len; i++)
		*at[i] = r->op == INJ_XOR ? *at[i] ^ patch[i] : patch[i];
	/* Not "inject:": that is the injector's own line (user/README.md). */
	if (r->op == INJ_WILD)
		kprintf("fault: %s text+%#x: %u bytes patched (SYS_INJECT): a store of %#x to "
			"%#x\n",
			svc_table[comp].name, r->offset, r->len, r->arg1, r->addr);
	else
		kprintf("fault: %s text+%#x: %u byte(s) patched (SYS_INJECT)\n",
			svc_table[comp].name, r->offset, r->len);
	return 0;
}

int32_t sys_inject(struct trapframe *tf)
{
	struct inject_req r;
	if (!(current->privs & PRIV_FAULT))
		return -EPERM;
	if (copy_from_user(current->pgdir, &r, tf->ebx, sizeof(r)) < 0)
		return -EFAULT;
	if (strnlen(r.comp, sizeof(r.comp)) == sizeof(r.comp))
		return -ENAMETOOLONG;
	int comp = comp_by_name(r.comp);
	if (comp < 0 || svc_table[comp].place == PLACE_NONE)
		return -ENOENT;
	int32_t e = inject_apply(comp, &r);
	if (e < 0)
		return e;
	return copy_to_user(current->pgdir, tf->ebx, &r, sizeof(r));
}
