/* What each kernel flavour (mono/ or micro/) provides to the shared layer.
 * common/ calls these and never looks inside either flavour (Rule 2). */
#ifndef FLAVOUR_H
#define FLAVOUR_H

#include <stdint.h>

#include "arch.h"

struct proc;

extern const char flavour_name[]; /* "mono" or "micro" */

/* After the shared layer is up: start components or servers, then init. */
void flavour_start(void);
/* SYS_CALL: a message to a service. Returns the reply's type. */
int32_t flavour_call(struct trapframe *tf);
/* System calls the flavour adds at or above SYS_MAX (micro's server calls). */
int32_t flavour_syscall(struct trapframe *tf);
/* An IRQ other than the timer; the line is already masked and acknowledged
 * at the PIC: the owner unmasks it when it is done. */
void flavour_irq(int irq);
/* Every timer tick, after sleepers are woken (watchdogs, heartbeats). */
void flavour_tick(struct trapframe *tf);
/* A fault in ring 0. Returns only if the flavour handled it. */
void flavour_kernel_fault(struct trapframe *tf);
/* A user process is about to be killed for a fault (its message printed). */
void flavour_user_fault(struct proc *p, struct trapframe *tf);
/* A process is exiting, before its memory goes. */
void flavour_proc_exit(struct proc *p);
/* Before powering off: flush what needs flushing. */
void flavour_poweroff(void);
/* Servers restarted so far (0 in mono). */
uint32_t flavour_restarts(void);

#endif
