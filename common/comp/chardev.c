/* The character-device library (chardev.h): the console protocol, a cooked
 * line discipline and the readers waiting for lines.
 *
 * A read that finds no complete line is deferred: the library keeps the
 * request's reply token and answers when the line is typed, so a waiting
 * reader never stops writers, in any placement (a single-threaded server
 * that waited inside its handler would stop them; so would a ring-0
 * component holding its lock).
 *
 * Input is bytes, not ASCII: tabs and UTF-8 sequences pass through, and
 * backspace removes a whole UTF-8 character. Ctrl-C (0x03) discards the
 * line being typed and stops what the client that said CON_FG started,
 * through the kernel's process service (docs/02, "Ctrl-C"); with nothing
 * to stop, it hands the reader an empty line, so a shell prompts again.
 * Other control bytes are dropped. A line longer than CHARDEV_LINE_MAX is
 * not cut into a command that silently does something else: it is
 * discarded, with a message, when its newline comes. */
#include "chardev.h"
#include "klib.h"

#define INBUF      8192 /* typed-ahead input (a pasted script fits) */
#define MAXREADERS 8

static const struct chardev_ops *dev;
static char inbuf[INBUF];
static uint32_t in_head, in_tail; /* cooked bytes in [tail, head) */
static uint32_t line_start;       /* first byte of the line being edited */
static uint32_t lines;            /* complete lines (or EOF marks) buffered */
static int overlong;              /* the line being typed did not fit */

struct reader {
	reply_token t;
	uint32_t len;
	uint32_t pid; /* the caller, to forget a reader that was killed */
};
static struct reader readers[MAXREADERS];
static int nreaders;

/* The client whose descendants are in the foreground (CON_FG): Ctrl-C
 * stops them (0: none). */
static uint32_t fg_owner;

static void out(const char *s, uint32_t n)
{
	dev->put(s, n);
}

/* Hands the oldest buffered line to the caller's grant: returns the byte
 * count, or the grant's error. EOF (Ctrl-D on an empty line) reads as 0. */
static int take_line(struct msg *m, reply_token t, uint32_t want)
{
	static char line[CHARDEV_LINE_MAX];
	uint32_t n = 0, max = want < sizeof(line) ? want : sizeof(line);
	while (in_tail != in_head && n < max) {
		char c = inbuf[in_tail++ % INBUF];
		if (c == 4) { /* an EOF mark ends the read, and reads as 0 alone */
			lines--;
			break;
		}
		line[n++] = c;
		if (c == '\n') {
			lines--;
			break;
		}
	}
	/* A reader with a smaller buffer than the line leaves the rest for
	 * the next read, as read(2) on a terminal does. */
	int r = m ? grant_write(m, 0, line, n) : grant_write_deferred(t, 0, line, n);
	return r < 0 ? r : (int)n;
}

/* A reader that died waiting (killed) would swallow the next line. */
static void forget_dead_readers(void)
{
	int n = 0;
	for (int i = 0; i < nreaders; i++)
		if (comp_pid_alive(readers[i].pid))
			readers[n++] = readers[i];
	nreaders = n;
}

void chardev_input_done(void)
{
	if (nreaders && lines)
		forget_dead_readers();
	while (nreaders && lines) {
		struct reader rd = readers[0];
		memmove(readers, readers + 1, (size_t)--nreaders * sizeof(readers[0]));
		struct msg r = {0};
		r.type = take_line(NULL, rd.t, rd.len);
		reply(rd.t, &r);
	}
}

static void rubout(void)
{
	/* One character back: UTF-8 continuation bytes (10xxxxxx) go with
	 * their lead byte, so the screen and the buffer stay in step. */
	while (in_head > line_start) {
		char c = inbuf[--in_head % INBUF];
		if (((unsigned char)c & 0xC0) != 0x80)
			break;
	}
	out("\b \b", 3);
}

/* Ctrl-C: the line being typed goes, as on any terminal; then the
 * foreground program is stopped, or the reader gets an empty line. */
static void interrupt(void)
{
	in_head = line_start;
	overlong = 0;
	out("^C\n", 3);
	if (fg_owner) {
		struct msg m = {.type = PROC_INTR};
		m.w[0] = fg_owner;
		/* How many were stopped: their parent reports it and prompts
		 * again. None (the shell is between programs), or the client
		 * is gone (an error: forget it): the reader gets its line. */
		int r = call(SVC_PROC, &m);
		if (r > 0)
			return;
		if (r < 0)
			fg_owner = 0;
	}
	if (in_head - in_tail < INBUF - 1) {
		inbuf[in_head++ % INBUF] = '\n';
		line_start = in_head;
		lines++;
	}
}

void chardev_input(int c)
{
	if (c == 3) {
		interrupt();
		return;
	}
	if (c == '\r')
		c = '\n';
	if (c == '\b' || c == 0x7F) {
		if (in_head > line_start)
			rubout();
		return;
	}
	if (c == 4 && in_head != line_start)
		return; /* Ctrl-D ends input only on an empty line */
	if (c < ' ' && c != '\n' && c != '\t' && c != 4)
		return; /* other control characters are dropped */
	if (c == '\n' && overlong) {
		/* The whole line goes: running a cut command would be worse. */
		in_head = line_start;
		overlong = 0;
		static const char msg[] = "\nconsole: line too long (the limit is 1023 bytes); "
					  "discarded\n";
		out(msg, sizeof(msg) - 1);
		lines++; /* an empty line, so the reader gets its prompt back */
		inbuf[in_head++ % INBUF] = '\n';
		line_start = in_head;
		return;
	}
	if (in_head - in_tail >= INBUF - 1 ||
	    (c != '\n' && c != 4 && in_head - line_start >= CHARDEV_LINE_MAX - 1)) {
		overlong = c != '\n' && c != 4;
		return; /* full: not stored, as a terminal beeps */
	}
	char ch = (char)c;
	inbuf[in_head++ % INBUF] = ch;
	if (c != 4)
		out(&ch, 1);
	if (c == '\n' || c == 4) {
		line_start = in_head;
		lines++;
	}
}

static int do_write(struct msg *m)
{
	char buf[256];
	uint32_t done = 0, len = m->grant.len;
	while (done < len) {
		uint32_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		int r = grant_read(m, done, buf, n);
		if (r < 0)
			return done ? (int)done : r;
		out(buf, n);
		done += n;
	}
	return (int)done;
}

void chardev_handle(struct msg *m)
{
	switch (m->type) {
	case CON_WRITE:
		m->type = do_write(m);
		break;
	case CON_READ:
		if (!(m->grant.rights & GRANT_WRITE)) {
			m->type = -EFAULT;
		} else if (m->grant.len == 0) {
			m->type = 0;
		} else if (lines && !nreaders) {
			m->type = take_line(m, 0, m->grant.len);
		} else {
			if (nreaders == MAXREADERS)
				forget_dead_readers();
			if (nreaders == MAXREADERS)
				m->type = -EAGAIN;
			else
				readers[nreaders++] =
					(struct reader){defer(m), m->grant.len, m->sender};
		}
		break;
	case CON_FG:
		/* Only the client that set it may clear it: a program that
		 * says 0 cannot take ^C away from its shell. */
		if (m->w[0])
			fg_owner = m->sender;
		else if (fg_owner == m->sender)
			fg_owner = 0;
		m->type = 0;
		break;
	default:
		m->type = -ENOSYS;
	}
}

void chardev_init(const struct chardev_ops *ops)
{
	dev = ops;
}
