/* The component API: everything a driver, file system or network component
 * may use, besides klib.h, x86.h (port I/O) and abi/ (design.md Rule 1).
 *
 * A component is written once, as a manifest plus message handlers. It is
 * compiled once, into one object, and that object is linked either into the
 * kernel (placement "kernel": its handlers are called directly, under the
 * component's lock) or into a ring-3 server (placement "server": requests
 * arrive by IPC). The build's placement table decides (config.mk, PLACE);
 * the functions declared here are implemented by the ring-0 runtime
 * (mono/) and by the server runtime (micro/runtime/), and the component
 * cannot tell which.
 *
 * The contract, the same in every placement:
 *  - Stack: a handler, callback or init may use at most COMP_STACK_BYTES of
 *    stack. In ring 0 it runs on the caller's kernel stack, which also holds
 *    the trap frame and the kernel's own frames; large buffers are static.
 *  - Time: a handler or callback must return, or wait (irq_wait, call, a
 *    deferred reply), within COMP_BUSY_MS. Longer without progress is a hang:
 *    the kernel placement panics (the lesson), a server is killed and
 *    restarted. Waiting for a device is not a hang, so a wait that a device
 *    must end passes a timeout to irq_wait.
 *  - Requests come one at a time: a component never runs two handlers at
 *    once, whatever the placement (a lock in ring 0, one thread in a server).
 *  - A failed init (a negative return) means the component could not
 *    start: its services answer -EDEADSRCDST. A server is tried again with
 *    back-off by the reincarnation server; in ring 0 it stays down.
 *  - Memory: only its own static data, grants (for a caller's buffers),
 *    mmio_map, dma_alloc and comp_keep. No pointer from a message is dereferenced.
 *  - Rights: the manifest's ports, IRQ lines, device memory, PCI devices, DMA
 *    and services it calls are a request. The system's table (common/
 *    system.conf) is the grant: a component gets its row, and what the
 *    manifest asks beyond it is logged and refused (rights_compare). */
#ifndef COMPONENT_H
#define COMPONENT_H

#include <stddef.h>
#include <stdint.h>

#include "abi/errno.h"
#include "abi/msg.h"

#define COMP_MAX_PORTS    4
#define COMP_MAX_IRQS     2
#define COMP_MAX_MMIO     2
#define COMP_MAX_PCI      2
#define COMP_MAX_SERVICES 3

#define COMP_STACK_BYTES 4096
#define COMP_BUSY_MS     2000

struct comp_ports {
	uint16_t base, count;
};

struct comp_mmio {
	uint32_t base, len; /* physical */
};

struct comp_pci_id {
	uint16_t vendor, device; /* vendor 0: an unused slot */
};

/* One service a component answers, and the handler for its requests: the
 * request in, the reply written over it. */
struct comp_service {
	int svc;
	void (*handle)(struct msg *m);
};

/* The manifest. */
struct component {
	const char *name;
	struct comp_service serves[COMP_MAX_SERVICES]; /* svc 0 ends the list */
	int (*init)(void);                             /* before the first request; 0 or -errno */
	/* Optional callbacks, run like a handler (one at a time, same limits): */
	void (*irq)(int line);           /* an IRQ line fired that no irq_wait takes */
	void (*notified)(uint32_t from); /* SVC_BIT()s of the services that called notify() */
	void (*timer)(void);             /* the timer of timer_set() expired */
	struct comp_ports ports[COMP_MAX_PORTS];
	int irqs[COMP_MAX_IRQS]; /* IRQ lines; 0 marks an unused slot (0 is the timer's) */
	struct comp_mmio mmio[COMP_MAX_MMIO];
	struct comp_pci_id pci[COMP_MAX_PCI];
	uint32_t dma_bytes; /* the most DMA memory it will ask for */
	uint32_t calls;     /* SVC_BIT() of every service it calls or notifies */
};

/* What the runtimes find of a component: its manifest, and its own copy
 * of comp_control (below), which lives inside the component's object so
 * that a fault there is a fault in the component. */
struct comp_record {
	const struct component *c;
	int (*control)(const struct component *c, struct msg *m);
};

/* Puts the record where the ring-0 runtime or the server runtime finds it:
 * a dedicated section, so no list is kept by hand. */
#define COMPONENT(c)                                                                               \
	static const struct comp_record component_rec_##c                                          \
		__attribute__((used, section("components"))) = {&c, comp_control}

/* Sends a request to another service and waits for the reply; returns the
 * reply's type. -EDEADSRCDST: the service died while serving it (the
 * caller may retry an idempotent request after the restart). -EPERM: the
 * table does not let this component call it. -EDEADLK: the call would
 * close a cycle (that service is, directly or not, waiting on us). */
int call(int service, struct msg *m);

/* Asynchronous notification: the component serving `service` gets its
 * notified() callback with our service's bit, soon, without us waiting.
 * Bits of several notify() calls may arrive as one callback. 0 or -errno
 * (the same rights as call()). */
int notify(int service);

/* A one-shot timer: the timer() callback runs once, about ms milliseconds
 * from now (at the granularity of the system's tick). A new timer_set
 * replaces the pending one; 0 cancels it. */
int timer_set(uint32_t ms);

/* Deferred replies. A handler that cannot answer yet (a read waiting for
 * input) calls defer(m) and returns; later it answers with reply(). The
 * token stays valid until then (or until the caller dies: reply() then
 * returns -ESRCH). */
typedef uint32_t reply_token;
reply_token defer(struct msg *m);
int reply(reply_token t, struct msg *r);

/* Grants: copy out of (read) or into (write) the buffer the caller lent
 * with request m (or with the deferred request t), at an offset. Checked
 * against the grant the kernel recorded when the call was made, not the
 * copy in m: -EFAULT or -EPERM on a violation, -ESRCH if that caller is
 * not waiting on us. */
int grant_read(const struct msg *m, uint32_t off, void *dst, uint32_t len);
int grant_write(const struct msg *m, uint32_t off, const void *src, uint32_t len);
int grant_read_deferred(reply_token t, uint32_t off, void *dst, uint32_t len);
int grant_write_deferred(reply_token t, uint32_t off, const void *src, uint32_t len);

/* Interrupts. An IRQ line arrives masked: either irq_wait() returns, or,
 * when nothing waits for it, the irq() callback runs. Either way the
 * component calls irq_ack() to open the line again. irq_wait gives up after
 * timeout_ms (0: no limit, for a wait the device's peer decides, such as a
 * serial line's flow control): 0, -ETIMEDOUT, or -EPERM for a line that
 * is not ours. */
int irq_wait(int line, uint32_t timeout_ms);
void irq_ack(int line);

/* A PCI device by vendor:device (PCI Local Bus 3.0, configuration space):
 * where its registers are, its interrupt line, granted to this component
 * only if the system's table names the device for it. Finding it grants
 * its memory BARs to mmio_map, its I/O BARs to inb/outb and its line to
 * irq_wait, and enables its decoding (and bus mastering, if the table
 * grants DMA). 0, -ENODEV (no such device) or -EPERM (not ours). */
struct pci_bar {
	uint32_t base, len; /* physical, or the first port */
	uint8_t io;         /* 1: an I/O port range */
};
struct pci_dev {
	uint16_t vendor, device;
	uint8_t bus, slot, func, irq;
	struct pci_bar bar[6];
};
int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out);

/* Device memory granted to the component, mapped uncached (ring 0: a
 * kernel window above the direct map; a server: pages in its space).
 * NULL if it is not granted or no room is left. */
void *mmio_map(uint32_t pa, uint32_t len);

/* Physically contiguous memory for DMA, zeroed; *pa is its physical
 * address. At most the table's DMA budget in all. With no IOMMU a
 * DMA-capable device can reach all memory in any placement (docs/02b).
 * NULL if none is left or the budget is spent. */
void *dma_alloc(uint32_t len, uint32_t *pa);

/* Memory that outlives this instance of the component: len bytes, zeroed
 * when first given, and the same bytes again (at whatever address) to
 * every later instance that asks for the same len after a restart. What a
 * server must not lose with its address space goes here (the fs's write
 * log, fs/wlog.c). micro: frames the kernel holds with the server's row
 * and maps into each new instance; ring 0: memory taken once (a component
 * there is never restarted). At most the table's keep= bytes, one region
 * per component. NULL if not granted, or len differs from the first ask. */
void *comp_keep(uint32_t len);

/* Whether this component can outlive a crash of its own: 1 as a server
 * (the reincarnation server starts a new instance), 0 in ring 0 (a crash
 * there is a kernel panic). What a component keeps only for its next
 * instance it need not keep where there is none. */
int comp_restartable(void);

/* Diagnostic output straight to the kernel log, bypassing the console. */
void comp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Milliseconds since boot. */
uint32_t comp_uptime_ms(void);

/* Whether process pid still exists: lets a service reclaim what a process
 * that died without cleaning up (killed by a fault) left behind. */
int comp_pid_alive(uint32_t pid);

/* What MSG_PING and MSG_CRASH do inside a component (common/comp/
 * control.c, linked into each component's own object; the runtimes reach
 * it through the component's record). Returns 1 if m was a control
 * message and has been answered. */
int comp_control(const struct component *c, struct msg *m);

#endif
