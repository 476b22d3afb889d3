/* The component API: everything a driver, file system or network component
 * may use, besides klib.h, x86.h (port I/O) and abi/ (design.md Rule 1).
 *
 * A component is written once, as a manifest plus a message handler. mono/
 * links it into ring 0 and calls the handler directly under the
 * component's lock; micro/ wraps it as a ring-3 server behind IPC. The
 * functions declared here are implemented by each kernel's runtime
 * (mono/runtime.c, micro/runtime/); the component cannot tell which. */
#ifndef COMPONENT_H
#define COMPONENT_H

#include <stddef.h>
#include <stdint.h>

#include "abi/errno.h"
#include "abi/msg.h"

#define COMP_MAX_PORTS 4
#define COMP_MAX_IRQS  2
#define COMP_MAX_MMIO  2

struct comp_ports {
	uint16_t base, count;
};

struct comp_mmio {
	uint32_t base, len; /* physical */
};

/* The manifest. micro grants the server exactly these resources and
 * nothing else; mono ignores them (everything in ring 0 may do anything). */
struct component {
	const char *name;
	int service;                   /* the SVC_* it serves */
	int (*init)(void);             /* before the first request; 0 or -errno */
	void (*handle)(struct msg *m); /* request in, reply written over it */
	void (*irq)(int line);         /* optional: an interrupt on one of its lines */
	struct comp_ports ports[COMP_MAX_PORTS];
	int irqs[COMP_MAX_IRQS]; /* IRQ lines; 0 marks an unused slot (0 is the timer's) */
	struct comp_mmio mmio[COMP_MAX_MMIO];
	uint32_t calls; /* SVC_BIT() of every service it calls */
};

/* Puts a manifest where the kernel (mono) or the server runtime (micro)
 * finds it: a dedicated section, so no list is kept by hand. */
#define COMPONENT(c)                                                                               \
	static const struct component *const component_ptr_##c                                     \
		__attribute__((used, section("components"))) = &c

/* Sends a request to another service and waits for the reply; returns the
 * reply's type. -EDEADSRCDST: the service died while serving it (the
 * caller may retry an idempotent request after the restart). */
int call(int service, struct msg *m);

/* Deferred replies. A handler that cannot answer yet (a read waiting for
 * input) calls defer(m) and returns; later it answers with reply(). The
 * token stays valid until then (or until the caller dies: reply() then
 * returns -ESRCH). */
typedef uint32_t reply_token;
reply_token defer(struct msg *m);
int reply(reply_token t, struct msg *r);

/* Grants: copy out of (read) or into (write) the buffer the caller lent
 * with request m (or with the deferred request t), at an offset. Checked
 * against the grant's length and rights: -EFAULT or -EPERM on a violation. */
int grant_read(const struct msg *m, uint32_t off, void *dst, uint32_t len);
int grant_write(const struct msg *m, uint32_t off, const void *src, uint32_t len);
int grant_write_deferred(reply_token t, uint32_t off, const void *src, uint32_t len);

/* Interrupts. An IRQ line of the manifest arrives masked: either the
 * component's irq() callback runs, or a handler blocked in irq_wait()
 * wakes. Either way the component calls irq_ack() to open the line again. */
int irq_wait(int line);
void irq_ack(int line);

/* Device memory of the manifest, mapped for the component (mono: the
 * kernel's direct map; micro: pages mapped into the server). */
void *mmio_map(uint32_t pa, uint32_t len);

/* Physically contiguous memory for DMA, zeroed; *pa is its physical
 * address. With no IOMMU a DMA-capable device can reach all memory in
 * either kernel (see docs/). NULL if none is left. */
void *dma_alloc(uint32_t len, uint32_t *pa);

/* Diagnostic output straight to the kernel log, bypassing the console. */
void comp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Milliseconds since boot. */
uint32_t comp_uptime_ms(void);

/* Whether process pid still exists: lets a service reclaim what a process
 * that died without cleaning up (killed by a fault) left behind. */
int comp_pid_alive(uint32_t pid);

/* Shared by both runtimes: what MSG_PING and MSG_CRASH do inside a
 * component (common/comp/control.c). Returns 1 if m was a control message
 * and has been answered. */
int comp_control(const struct component *c, struct msg *m);

#endif
