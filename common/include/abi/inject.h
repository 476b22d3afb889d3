/* SYS_INJECT: software-implemented fault injection (SWIFI) into a running
 * component, for the fault-injection labs (docs/02-components.md, "The
 * fault model"). Only a program holding PRIV_FAULT may make it (the
 * injector, /bin/inject: common/system.conf); everyone else gets -EPERM.
 *
 * The injector plans the fault itself (which instruction, which bytes:
 * user/inject/plan.c) and the kernel only applies it, to the component's
 * code as it is linked in this kernel: in ring 0, the kernel's copy of
 * the component's text; as a server, the server process's text pages. A
 * site is an offset from __comp_NAME_text_start, which names the same
 * instruction in every placement (tools/comp-bytes.py checks it). The
 * kernel refuses an unknown component (-ENOENT), one that is not running
 * (-ESRCH), a patch longer than INJ_PATCH_MAX (-E2BIG), a patch that does
 * not lie inside the component's text (-ERANGE) and a bad op (-EINVAL).
 * It never writes outside the target's text (INJ_WILD's store is the
 * component's own instruction, executed when the component reaches it).
 *
 * SYS_INJECT (struct inject_req *req) -> 0 or -errno; the out fields of
 * *req are written back on success. */
#ifndef ABI_INJECT_H
#define ABI_INJECT_H

#include <stdint.h>

#define INJ_NAME_MAX  16
#define INJ_PATCH_MAX 16 /* an x86 instruction is at most 15 bytes */

enum inject_op {
	INJ_PROBE = 0, /* change nothing: is the component there and running? */
	INJ_WRITE = 1, /* text[offset + i] = bytes[i] for i < len */
	INJ_XOR = 2,   /* text[offset + i] ^= bytes[i] for i < len */
	/* text[offset..] = "movl $arg1, ADDR" (C7 05 ADDR imm32), NOPs to len:
	 * ADDR is chosen by the kernel from arg0 among what the component
	 * can write: in ring 0 any kernel memory, as a server its own data,
	 * bss and heap. len >= 10. */
	INJ_WILD = 3,
	/* The next message the component sends or replies gets word arg0
	 * (0: the type, 1 + i: w[i]) xored with arg1: done by the transport,
	 * outside the component. offset and len are unused. */
	INJ_IFACE = 4,
};

struct inject_req {
	char comp[INJ_NAME_MAX]; /* the component's name, NUL-terminated */
	uint32_t op;             /* enum inject_op */
	uint32_t offset;         /* in the component's text */
	uint32_t len;            /* bytes patched, 1..INJ_PATCH_MAX */
	uint8_t bytes[INJ_PATCH_MAX];
	uint32_t arg0, arg1;
	/* Out: */
	uint32_t text_size; /* the component's text as linked here */
	uint32_t addr;      /* the site's linked address; INJ_WILD: ADDR */
};

#define INJ_IFACE_WORDS 12 /* the type and w[0..10] of struct msg */

#endif
