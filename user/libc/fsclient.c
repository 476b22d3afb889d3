/* Requests to the file service. Paths always travel absolute and with
 * their NUL (abi/fs.h): the working directory lives here in libc, so the
 * file service never needs to know a process's current directory. */
#include <files.h>
#include <string.h>

#include "fsclient.h"

void libc_fs_msg(struct msg *m, int type, const void *buf, size_t len, uint32_t rights)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	if (len > 0) {
		m->grant.addr = (uint32_t)buf;
		m->grant.len = (uint32_t)len;
		m->grant.rights = rights;
	}
}

int libc_fs_call(struct msg *m)
{
	return svc_call(SVC_FS, m);
}

int libc_fs_path_call(struct msg *m, const char *path)
{
	char abs[FS_PATH_MAX];
	int r = abspath(path, abs, sizeof(abs));

	if (r < 0)
		return r;
	m->grant.addr = (uint32_t)abs;
	m->grant.len = (uint32_t)strlen(abs) + 1;
	m->grant.rights = GRANT_READ;
	return libc_fs_call(m);
}

int libc_fs_two_path_call(struct msg *m, const char *from, const char *to)
{
	char both[2 * FS_PATH_MAX];
	int r = abspath(from, both, FS_PATH_MAX);

	if (r < 0)
		return r;
	size_t first = strlen(both) + 1;

	r = abspath(to, both + first, FS_PATH_MAX);
	if (r < 0)
		return r;
	m->grant.addr = (uint32_t)both;
	m->grant.len = (uint32_t)(first + strlen(both + first) + 1);
	m->grant.rights = GRANT_READ;
	return libc_fs_call(m);
}
