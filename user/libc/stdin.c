/* Line input. The console answers a read with one whole line (it echoes and
 * edits the line itself), a redirected file with a buffer's worth of bytes;
 * either way we keep what a caller has not consumed yet in one buffer that
 * getchar() and readline() share. */
#include <stdio.h>

static char in_buf[256];
static size_t in_pos, in_len;

/* Returns the bytes now buffered: > 0, 0 at end of input, or -errno. */
static int in_fill(void)
{
	int r = read(STDIN_FILENO, in_buf, sizeof(in_buf));

	in_pos = 0;
	in_len = r > 0 ? (size_t)r : 0;
	return r;
}

int getchar(void)
{
	if (in_pos == in_len && in_fill() <= 0)
		return EOF;
	return (unsigned char)in_buf[in_pos++];
}

int readline(char *buf, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return -EINVAL;
	for (;;) {
		char c;

		if (in_pos == in_len) {
			int r = in_fill();

			if (r < 0 && len == 0)
				return r;
			if (r <= 0)
				break; /* end of input: return the partial line */
		}
		c = in_buf[in_pos++];
		/* Keep one byte for the NUL; drop the tail of an overlong line
		 * but still consume it, so the next call starts a fresh line. */
		if (len + 1 < n)
			buf[len++] = c;
		if (c == '\n')
			break;
	}
	buf[len] = '\0';
	return (int)len;
}
