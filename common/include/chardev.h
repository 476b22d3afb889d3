/* The character-device library (after MINIX's libchardriver): the console
 * protocol of abi/msg.h (CON_WRITE, CON_READ) decoded once for any
 * terminal-like component, with a line discipline for input and the
 * queue of readers waiting for a line. The driver supplies the device
 * (output bytes; input bytes as they arrive) and the library does the
 * rest. Component-side code: it is linked into the component that uses it
 * (common/comp/chardev.c) and runs wherever that component runs. */
#ifndef CHARDEV_H
#define CHARDEV_H

#include "component.h"

#define CHARDEV_LINE_MAX 1024 /* the longest input line, with its newline */

struct chardev_ops {
	/* Writes n bytes to the device(s); may wait for the device. */
	void (*put)(const char *buf, uint32_t n);
};

void chardev_init(const struct chardev_ops *ops);
/* The handler of the console service. */
void chardev_handle(struct msg *m);
/* A byte the device received, through the line discipline (echo,
 * backspace, Ctrl-D). Call chardev_input_done() after a batch: waiting
 * readers are served then. */
void chardev_input(int c);
void chardev_input_done(void);

#endif
