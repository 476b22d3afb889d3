/* The console component: one terminal made of COM1 (the main console), the
 * VGA text screen and the PS/2 keyboard. Output goes to both screens;
 * input from either device feeds one line discipline that echoes, handles
 * backspace and Ctrl-D, and hands out whole lines.
 *
 * A read that finds no complete line is deferred: the component keeps the
 * request's reply token and answers when the line is typed, so a waiting
 * reader never stops writers (in mono as in micro). */
#include "component.h"
#include "console.h"
#include "klib.h"
#include "x86.h"

#define INBUF      4096 /* typed-ahead input (a pasted script fits) */
#define LINEMAX    256
#define MAXREADERS 8

static char inbuf[INBUF];
static uint32_t in_head, in_tail; /* cooked bytes in [tail, head) */
static uint32_t line_start;       /* first byte of the line being edited */
static uint32_t lines;            /* complete lines (or EOF marks) buffered */

struct reader {
	reply_token t;
	uint32_t len;
};
static struct reader readers[MAXREADERS];
static int nreaders;

static void out(char c)
{
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
	vga_putc(c);
}

/* Hands the oldest buffered line to the caller's grant: returns the byte
 * count, or the grant's error. EOF (Ctrl-D on an empty line) reads as 0. */
static int take_line(struct msg *m, reply_token t, uint32_t want)
{
	char line[LINEMAX];
	uint32_t n = 0, max = want < LINEMAX ? want : LINEMAX;
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

static void serve_readers(void)
{
	while (nreaders && lines) {
		struct reader rd = readers[0];
		memmove(readers, readers + 1, (size_t)--nreaders * sizeof(readers[0]));
		struct msg r = {0};
		r.type = take_line(NULL, rd.t, rd.len);
		reply(rd.t, &r);
	}
}

/* One typed character through the line discipline. */
static void input(int c)
{
	if (c == '\r')
		c = '\n';
	if (c == '\b' || c == 0x7F) {
		if (in_head > line_start) {
			in_head--;
			out('\b');
			out(' ');
			out('\b');
		}
		return;
	}
	if (c == 4) { /* Ctrl-D: end of input, if the line is empty */
		if (in_head != line_start)
			return;
	} else if (c != '\n' && (c < ' ' || c > '~')) {
		return; /* other control characters are ignored */
	}
	if (in_head - in_tail >= INBUF - 1 || (c != '\n' && in_head - line_start >= LINEMAX - 1))
		return; /* full: drop, as a terminal beeps */
	inbuf[in_head++ % INBUF] = (char)c;
	if (c != 4)
		out((char)c);
	if (c == '\n' || c == 4) {
		line_start = in_head;
		lines++;
	}
}

static void console_irq(int line)
{
	if (line == COM1_IRQ) {
		int c;
		while ((c = uart_getc()) >= 0)
			input(c);
	} else if (line == KBD_IRQ) {
		while (inb(KBD_STATUS) & 0x01) {
			int c = kbd_translate(inb(KBD_DATA));
			if (c >= 0)
				input(c);
		}
	}
	irq_ack(line);
	serve_readers();
}

static int do_write(struct msg *m)
{
	char buf[128];
	uint32_t done = 0, len = m->grant.len;
	while (done < len) {
		uint32_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		int r = grant_read(m, done, buf, n);
		if (r < 0)
			return done ? (int)done : r;
		for (uint32_t i = 0; i < n; i++)
			out(buf[i]);
		done += n;
	}
	return (int)done;
}

static void console_handle(struct msg *m)
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
		} else if (nreaders == MAXREADERS) {
			m->type = -EAGAIN;
		} else {
			readers[nreaders++] = (struct reader){defer(m), m->grant.len};
		}
		break;
	default:
		m->type = -ENOSYS;
	}
}

static int console_init(void)
{
	uart_init(input);
	/* Empty the keyboard controller's output buffer. */
	while (inb(KBD_STATUS) & 0x01)
		(void)inb(KBD_DATA);
	int r = vga_init();
	irq_ack(COM1_IRQ);
	irq_ack(KBD_IRQ);
	return r;
}

static const struct component console = {
	.name = "console",
	.serves = {{SVC_CONSOLE, console_handle}},
	.init = console_init,
	.irq = console_irq,
	.ports = {{COM1_BASE, 8}, {KBD_DATA, 1}, {KBD_STATUS, 1}, {VGA_CRTC, 2}},
	.irqs = {COM1_IRQ, KBD_IRQ},
	.mmio = {{VGA_TEXT_PA, 80 * 25 * 2}},
	.calls = 0,
};
COMPONENT(console);
