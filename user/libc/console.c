/* Console I/O as messages to SVC_CONSOLE (design.md Rule 3): the bytes
 * travel in a grant of the caller's buffer, never inside the message. */
#include <klib.h>
#include <ulib.h>

#include "console.h"

static int console_request(int type, uint32_t addr, size_t n, uint32_t rights)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.grant.addr = addr;
	m.grant.len = (uint32_t)n;
	m.grant.rights = rights;
	return svc_call(SVC_CONSOLE, &m);
}

int console_write(const void *buf, size_t n)
{
	/* A zero-length grant means "no grant"; nothing to ask the console. */
	if (n == 0)
		return 0;
	return console_request(CON_WRITE, (uint32_t)buf, n, GRANT_READ);
}

int console_read(void *buf, size_t n)
{
	if (n == 0)
		return 0;
	return console_request(CON_READ, (uint32_t)buf, n, GRANT_WRITE);
}

int console_foreground(int on)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = CON_FG;
	m.w[0] = on != 0;
	return svc_call(SVC_CONSOLE, &m);
}
