/* The register fast path in assembly: the two halves of fastipc.c, for the
 * case that matters (a program's SYS_CALLR to a server waiting in receive,
 * and that server's SYS_REPLY_RECV straight back), written out so that
 * neither the compiler's frame nor its spills cost instructions. The C
 * halves are the specification: each entry here checks the same things,
 * or more, and on any doubt restores the registers it saved and jumps to
 * its C counterpart, which takes the case itself or goes the slow way.
 * The offsets come from fastipc_layout.h, checked against the C types at
 * compile time by fastipc.c.
 *
 * Both take the trap frame as argument (at 4(%esp)): fast_callr_asm is
 * SYS_CALLR's entry, called from vector128; fast_reply_asm is called by
 * sys_reply_recv. On the fast path neither returns: they leave through
 * trapret on the other thread's kernel stack (fast_enter), as
 * sched_enter_user does, and the frames below them are dropped. */
#include "fastipc_layout.h"

/* Gives up (a miss): the saved registers back, then the C half. */
.macro MISS to
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	jmp \to
.endm

.text
/* int32_t fast_callr_asm(struct trapframe *tf): SYS_CALLR's entry on micro. */
.globl fast_callr_asm
.type fast_callr_asm, @function
fast_callr_asm:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %edx		/* tf */
	movl current, %eax		/* me */
	movl TF_EBX(%edx), %ecx		/* svc */
	leal -1(%ecx), %esi
	cmpl $(SVC_MAX_V - 1), %esi
	jae 9f
	movl P_CAPS(%eax), %esi		/* the capability for it */
	btl %ecx, %esi
	jnc 9f
	testl $PROC_F_SERVER_V, P_FLAGS(%eax)
	jnz 9f				/* servers want the cycle check */
	cmpl $0, P_KILLED(%eax)		/* block_on ends a killed one's call */
	jne 9f
	movl TF_ECX(%edx), %esi		/* the system's own types: C decides */
	subl $MSG_SYS_FIRST_V, %esi
	cmpl $MSG_SYS_SPAN_V, %esi
	jbe 9f
	movl %ecx, %esi			/* s = server_of_svc(svc) */
	shll $SV_SHIFT, %esi
	movl services+SV_COMP(%esi), %esi
	testl %esi, %esi
	js 9f
	shll $S_SHIFT, %esi
	addl $servers, %esi
	movl S_PROC(%esi), %edi		/* srv, waiting in receive */
	testl %edi, %edi
	jz 9f
	cmpl $0, P_KILLED(%edi)
	jne 9f
	cmpl $0, P_NIOPORTS(%edi)	/* the I/O bitmap: sched.c's work */
	jne 9f
	movl P_SLOT(%edi), %ebx		/* si */
	shll $I_SHIFT, %ebx
	addl $ipcs, %ebx
	cmpl $0, I_RECEIVING(%ebx)
	je 9f
	movl I_RECV_KVA(%ebx), %ebp	/* its buffer, resolved */
	testl %ebp, %ebp
	jz 9f

	/* Committed. The server is busy from now (the hang check's clock);
	 * me is reloaded after, its register lent for it. */
	movl ticks, %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movl %eax, S_BUSY_SINCE(%esi)
	movl current, %eax

	/* The request into the server's buffer, the words not sent 0. */
	movl TF_ECX(%edx), %esi
	movl %esi, M_TYPE(%ebp)
	movl P_PID(%eax), %esi
	movl %esi, M_SENDER(%ebp)
	movl TF_EDX(%edx), %esi
	movl %esi, M_W(%ebp)
	movl TF_ESI(%edx), %esi
	movl %esi, M_W+4(%ebp)
	movl TF_EDI(%edx), %esi
	movl %esi, M_W+8(%ebp)
	xorl %esi, %esi
	.irp off, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52
	movl %esi, M_W+\off(%ebp)
	.endr
	movl %esi, I_RECEIVING(%ebx)
	movl %eax, I_FAST_CLIENT(%ebx)
	movl P_TF(%edi), %ebp		/* its SYS_RECV returns svc */
	movl %ecx, TF_EAX(%ebp)

	/* The caller blocks for the reply, its frame in its struct ipc. */
	movl P_SLOT(%eax), %ebx		/* mi */
	shll $I_SHIFT, %ebx
	addl $ipcs, %ebx
	movl %ecx, I_FAST_FRAME(%ebx)
	leal I_FAST_FRAME(%ebx), %esi
	movl %esi, P_CALL(%eax)
	movl $1, I_REPLY_REGS(%ebx)
	movl $IPC_REPLY_WAIT_V, I_STATE(%ebx)
	movl $P_SLEEPING_V, P_STATE(%eax)
	incl ipc_fast_calls
	leal -20(%edx), %esi		/* where swtch will resume it */
	movl %esi, P_KESP(%eax)
	movl $fast_resume_client, -4(%edx)
	jmp fast_enter
9:	MISS fast_callr

/* void fast_reply_asm(struct trapframe *tf): called by sys_reply_recv, once
 * it knows the caller is a registered server with a fast_client hint
 * (fastpath.h), to answer that caller straight back if nothing else waits
 * for this server. Returns only if it cannot; the C half then tries. */
.globl fast_reply_asm
.type fast_reply_asm, @function
fast_reply_asm:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %edx		/* tf */
	movl current, %eax		/* p, the server */
	cmpl $0, P_KILLED(%eax)
	jne 9f
	movl P_SLOT(%eax), %ebx		/* si */
	shll $I_SHIFT, %ebx
	addl $ipcs, %ebx
	movl I_FAST_CLIENT(%ebx), %edi	/* c, the caller it answers */
	testl %edi, %edi
	jz 9f
	movl P_SLOT(%edi), %esi		/* ci: waiting in registers, or */
	shll $I_SHIFT, %esi		/* fast_reply_to's (a SYS_CALL) */
	addl $ipcs, %esi
	cmpl $0, I_REPLY_REGS(%esi)
	je 9f
	movl P_PID(%edi), %ecx
	cmpl TF_EBX(%edx), %ecx
	jne 9f
	movl TF_ECX(%edx), %ecx		/* the buffer of its last receive, */
	cmpl I_RECV_UMSG(%ebx), %ecx
	jne 9f
	cmpl P_BRK_MIN(%eax), %ecx	/* in its image: still mapped */
	jae 9f
	movl I_RECV_KVA(%ebx), %ebp	/* and resolved */
	testl %ebp, %ebp
	jz 9f
	cmpl $0, I_NOTES(%ebx)
	jne 9f
	cmpl $0, iface_armed
	jne 9f
	movl I_SRV(%ebx), %edx		/* s: nobody queued (tf is done with) */
	cmpl $0, S_QUEUE_HEAD(%edx)
	jne 9f
	movl S_COMP(%edx), %ecx
	testl %ecx, %ecx
	js 9f
	cmpl $P_SLEEPING_V, P_STATE(%edi)
	jne 9f
	cmpl $0, P_KILLED(%edi)
	jne 9f
	cmpl $0, P_NIOPORTS(%edi)
	jne 9f
	cmpl $IPC_REPLY_WAIT_V, I_STATE(%esi)	/* waiting for us */
	jne 9f
	movl I_FAST_FRAME(%esi), %edx	/* its call was to our component */
	shll $SV_SHIFT, %edx
	cmpl services+SV_COMP(%edx), %ecx
	jne 9f

	/* Committed: the reply into the caller's saved registers. */
	movl P_TF(%edi), %edx
	movl M_TYPE(%ebp), %ecx
	movl %ecx, TF_EAX(%edx)
	movl M_W(%ebp), %ecx
	movl %ecx, TF_EDX(%edx)
	movl M_W+4(%ebp), %ecx
	movl %ecx, TF_ESI(%edx)
	movl M_W+8(%ebp), %ecx
	movl %ecx, TF_EDI(%edx)
	xorl %ecx, %ecx
	movl %ecx, I_STATE(%esi)	/* IPC_NONE */
	movl %ecx, I_REPLY_REGS(%esi)
	movl %ecx, P_CALL(%edi)
	/* The server receives again, into the same buffer. */
	movl %ecx, I_FAST_CLIENT(%ebx)
	movl I_SRV(%ebx), %esi
	movl %ecx, S_BUSY_SINCE(%esi)
	movl $1, I_RECEIVING(%ebx)
	movl $P_SLEEPING_V, P_STATE(%eax)
	movl P_TF(%eax), %edx		/* where swtch will resume it */
	leal -20(%edx), %ecx
	movl %ecx, P_KESP(%eax)
	movl $fast_resume_server, -4(%edx)
	jmp fast_enter
9:	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* The switch both halves end in, sched_enter_user's in short: edi is the
 * thread to enter, a ring-3 thread with no ports (both halves checked).
 * CR3 is written only when it changes. */
fast_enter:
	movl %edi, current
	movl $P_RUNNING_V, P_STATE(%edi)
	movl P_KSTACK(%edi), %ecx
	addl $KSTACK_SIZE_V, %ecx
	movl %ecx, tss+TSS_ESP0
	movl P_PGDIR(%edi), %ecx
	subl $KERNBASE_V, %ecx
	movl %cr3, %edx
	cmpl %ecx, %edx
	je 1f
	movl %ecx, %cr3
1:	movw $IOMAP_OFF_V, tss+TSS_IOMAP
	movl P_TF(%edi), %esp
	jmp trapret

/* Where swtch returns to a thread that blocked on the fast path (in C or
 * here): sched_enter_user, or the halves above, made its saved kernel esp
 * point at one of these, with its trap frame just above. A short C hook
 * finishes what the fast path left undone, then the thread returns to
 * ring 3 as every trap does. */
.globl fast_resume_client
.type fast_resume_client, @function
fast_resume_client:
	call fastipc_client_resumed
	jmp trapret

.globl fast_resume_server
.type fast_resume_server, @function
fast_resume_server:
	call fastipc_server_resumed
	jmp trapret
