/* The offsets and constants fastenter.S uses, as plain numbers so that
 * the assembler can read them. fastipc.c checks every one against the C
 * definitions at compile time (_Static_assert): a change to struct proc,
 * struct ipc, struct server, the TSS or the trap frame that moves a field
 * breaks the build, not the fast path. */
#ifndef MICRO_FASTIPC_LAYOUT_H
#define MICRO_FASTIPC_LAYOUT_H

/* struct proc */
#define P_SLOT     0
#define P_PID      4
#define P_STATE    12
#define P_PGDIR    32
#define P_KSTACK   36
#define P_KESP     40
#define P_TF       44
#define P_BRK_MIN  52
#define P_KILLED   68
#define P_CAPS     80
#define P_FLAGS    88
#define P_NIOPORTS 128
#define P_CALL     144
#define P_RUNNING_V  3
#define P_SLEEPING_V 4
#define PROC_F_SERVER_V 1

/* struct ipc, an array of 256-byte entries indexed by slot */
#define I_SHIFT       8
#define I_STATE       0
#define I_REPLY_UMSG  68
#define I_REPLY_KVA   72
#define I_REPLY_REGS  84
#define I_FAST_FRAME  88 /* its svc is its first field */
#define I_SRV         120
#define I_RECEIVING   124
#define I_RECV_UMSG   128
#define I_RECV_KVA    132
#define I_REGISTERED  136
#define I_FAST_CLIENT 140
#define I_NOTES       144
#define IPC_REPLY_WAIT_V 2

/* struct server (64 bytes) and struct service (16 bytes) */
#define S_SHIFT      6
#define S_COMP       4
#define S_PROC       0
#define S_QUEUE_HEAD 36
#define S_BUSY_SINCE 44
#define SV_SHIFT     4
#define SV_COMP      8

/* struct tss, struct trapframe, struct msg */
#define TSS_ESP0    4
#define TSS_IOMAP   102
#define IOMAP_OFF_V 8297
#define TF_EDI 0
#define TF_ESI 4
#define TF_EBX 16
#define TF_EDX 20
#define TF_ECX 24
#define TF_EAX 28
#define M_TYPE   0
#define M_SENDER 4
#define M_W      8
#define M_GRANT  52 /* addr, len, rights */
#define M_SIZE   64

/* struct call_frame: svc, grant {addr, len, rights, space}, outer, reply, done */
#define F_GRANT 4
#define F_OUTER 20
#define F_SIZE  32

/* memlayout.h, abi/msg.h */
#define KSTACK_SIZE_V 8192
#define KERNBASE_V    0xC0000000
#define USER_TOP_V    0xBF000000
#define PTE_PUW_V     7 /* PTE_P | PTE_U | PTE_W */
#define GRANT_WRITE_V 2
#define SVC_MAX_V     16
#define MSG_SYS_FIRST_V 0x7f01
#define MSG_SYS_SPAN_V  (0x7fff - 0x7f01)

#endif
