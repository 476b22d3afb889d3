/* t_inject: SYS_INJECT refuses what is not a fault in its target, and only the privileged may call it */
#define TEST_NAME "t_inject"
#include <abi/inject.h>

#include "check.h"

/* common/system.conf gives this test the fault privilege, so the kernel's
 * own checks are reached; the same image under another name holds none
 * (rights_for_program matches the name and the ramdisk's bytes), so
 * `t_inject noperm` run from a copy shows what an ordinary program gets. */
static int inject(struct inject_req *r)
{
	return syscall(SYS_INJECT, (uint32_t)r, 0, 0, 0, 0);
}

static struct inject_req req(const char *comp, uint32_t op, uint32_t off, uint32_t len)
{
	struct inject_req r = {0};
	strlcpy(r.comp, comp, sizeof(r.comp));
	r.op = op;
	r.offset = off;
	r.len = len;
	return r;
}

int main(int argc, char **argv)
{
	struct kinfo k;
	check_int("kinfo", kinfo(KINFO_KERNEL, &k), 0);
	if (argc == 2 && strcmp(argv[1], "noperm") == 0) {
		check(!(k.privs & PRIV_FAULT),
		      "a copy under another name holds no fault privilege");
		struct inject_req r = req("null", INJ_PROBE, 0, 0);
		check_err("SYS_INJECT without the privilege", inject(&r), -EPERM);
		r = req("null", INJ_WRITE, 0, 1);
		check_err("a patch without the privilege", inject(&r), -EPERM);
		pass();
	}
	check(k.privs & PRIV_FAULT, "this test holds the fault privilege (common/system.conf)");

	struct inject_req r = req("null", INJ_PROBE, 0, 0);
	check_int("probe null", inject(&r), 0);
	uint32_t size = r.text_size;
	check(size > 0 && size < 0x100000, "null's text has a size");
	printf("ok   null's text is %u bytes\n", size);

	r = req("nosuch", INJ_PROBE, 0, 0);
	check_err("an unknown component", inject(&r), -ENOENT);
	r = req("", INJ_PROBE, 0, 0);
	check_err("an empty name", inject(&r), -ENOENT);
	r = req("null", INJ_PROBE, 0, 0);
	memset(r.comp, 'a', sizeof(r.comp));
	check_err("a name with no end", inject(&r), -ENAMETOOLONG);
	check_err("a bad pointer", syscall(SYS_INJECT, 0xC0000000u, 0, 0, 0, 0), -EFAULT);
	check_err("a NULL pointer", syscall(SYS_INJECT, 0, 0, 0, 0, 0), -EFAULT);

	/* Nothing below may change a byte: every one is refused before any
	 * write (a patch lands whole or not at all). */
	r = req("null", 99, 0, 1);
	check_err("an unknown op", inject(&r), -EINVAL);
	r = req("null", INJ_WRITE, 0, INJ_PATCH_MAX + 1);
	check_err("a patch too long", inject(&r), -E2BIG);
	r = req("null", INJ_WRITE, 0, 0);
	check_err("an empty patch", inject(&r), -EINVAL);
	r = req("null", INJ_WRITE, size, 1);
	check_err("a site just past the text", inject(&r), -ERANGE);
	r = req("null", INJ_XOR, size - 1, 2);
	check_err("a patch running past the text", inject(&r), -ERANGE);
	r = req("null", INJ_WRITE, 0xFFFFFFFFu, 2);
	check_err("an offset that wraps", inject(&r), -ERANGE);
	r = req("null", INJ_WILD, 0, 9);
	check_err("a wild store with no room for its instruction", inject(&r), -EINVAL);
	r = req("null", INJ_IFACE, 0, 0);
	r.arg0 = INJ_IFACE_WORDS;
	r.arg1 = 1;
	check_err("an interface fault on a word past the message", inject(&r), -EINVAL);
	r.arg0 = 0;
	r.arg1 = 0;
	check_err("an interface fault that changes nothing", inject(&r), -EINVAL);

	/* The null service still answers as before. */
	struct msg m = {.type = NULL_ECHO};
	m.w[0] = 41;
	check_int("null echoes", svc_call(SVC_NULL, &m), 41);

	/* An interface fault: the next reply's type (NULL_ECHO answers w[0]
	 * as the type) has bit 8 flipped, by the transport; once. */
	r = req("null", INJ_IFACE, 0, 0);
	r.arg0 = 0;
	r.arg1 = 0x100;
	check_int("arm an interface fault on null", inject(&r), 0);
	m = (struct msg){.type = NULL_ECHO};
	m.w[0] = 41;
	check_int("the corrupted reply", svc_call(SVC_NULL, &m), 41 ^ 0x100);
	m = (struct msg){.type = NULL_ECHO};
	m.w[0] = 41;
	check_int("the next reply is whole", svc_call(SVC_NULL, &m), 41);
	r = req("null", INJ_IFACE, 0, 0);
	r.arg0 = 2; /* w[1] */
	r.arg1 = 0x4;
	check_int("arm one on w[1]", inject(&r), 0);
	m = (struct msg){.type = NULL_ECHO};
	m.w[0] = 41;
	m.w[1] = 0x10;
	check_int("the reply's type", svc_call(SVC_NULL, &m), 41);
	check_int("the reply's w[1]", (int)m.w[1], 0x14);
	pass();
}
