/* chdir: only to a directory that exists now. Later changes (someone
 * removes it) show up as errors of the paths resolved against it. */
#include <files.h>

#include "cwd.h"

int chdir(const char *path)
{
	char abs[FS_PATH_MAX];
	struct fs_stat st;
	int r = abspath(path, abs, sizeof(abs));

	if (r < 0)
		return r;
	if ((r = stat(abs, &st)) < 0)
		return r;
	if (!S_ISDIR(st.mode))
		return -ENOTDIR;
	return libc_cwd_set(abs);
}
