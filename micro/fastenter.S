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
 * Both take the trap frame as argument (at 4(%esp)) and are entered from
 * vector128: fast_callr_asm is SYS_CALLR's entry, fast_reply_recv_asm
 * SYS_REPLY_RECV's. On the fast path neither returns: they leave through
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

/* The caller's half of service_admit, for a program's call: saves the
 * registers (a hybrid calls the entries from C), then edx = tf,
 * eax = me, ecx = svc, which it may call, and it is no server (servers
 * want the cycle check) and not marked killed (block_on ends a killed
 * one's call). */
.macro CALLER_ADMITTED miss
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %edx		/* tf */
	movl current, %eax		/* me */
	movl TF_EBX(%edx), %ecx		/* svc */
	leal -1(%ecx), %esi
	cmpl $(SVC_MAX_V - 1), %esi
	jae \miss
	movl P_CAPS(%eax), %esi		/* the capability for it */
	btl %ecx, %esi
	jnc \miss
	testl $PROC_F_SERVER_V, P_FLAGS(%eax)
	jnz \miss
	cmpl $0, P_KILLED(%eax)
	jne \miss
.endm

/* The server of service ecx, waiting in receive into a resolved buffer:
 * esi = s, edi = srv, ebx = si (its struct ipc). A server with I/O ports
 * is sched.c's to enter. */
.macro SERVER_WAITING miss
	movl %ecx, %esi			/* s = server_of_svc(svc) */
	shll $SV_SHIFT, %esi
	movl services+SV_COMP(%esi), %esi
	testl %esi, %esi
	js \miss
	shll $S_SHIFT, %esi
	addl $servers, %esi
	movl S_PROC(%esi), %edi		/* srv */
	testl %edi, %edi
	jz \miss
	cmpl $0, P_KILLED(%edi)
	jne \miss
	cmpl $0, P_NIOPORTS(%edi)
	jne \miss
	movl P_SLOT(%edi), %ebx		/* si */
	shll $I_SHIFT, %ebx
	addl $ipcs, %ebx
	cmpl $0, I_RECEIVING(%ebx)
	je \miss
	cmpl $0, I_RECV_KVA(%ebx)
	je \miss
.endm

/* The caller (eax, its struct ipc in ebx, its trap frame in edx) blocks
 * for the reply, and the server (edi) is entered. swtch resumes the
 * caller, if it is woken the ordinary way, in fast_resume_client. */
.macro BLOCK_CALLER_ENTER_SERVER
	movl $IPC_REPLY_WAIT_V, I_STATE(%ebx)
	movl $P_SLEEPING_V, P_STATE(%eax)
	incl ipc_fast_calls
	leal -20(%edx), %esi		/* where swtch will resume it */
	movl %esi, P_KESP(%eax)
	movl $fast_resume_client, -4(%edx)
	jmp fast_enter
.endm

.text
/* int32_t fast_callr_asm(struct trapframe *tf): SYS_CALLR's entry on micro. */
.globl fast_callr_asm
.type fast_callr_asm, @function
fast_callr_asm:
	CALLER_ADMITTED 9f
	movl TF_ECX(%edx), %esi		/* the system's own types: C decides */
	subl $MSG_SYS_FIRST_V, %esi
	cmpl $MSG_SYS_SPAN_V, %esi
	jbe 9f
	SERVER_WAITING 9f
	movl I_RECV_KVA(%ebx), %ebp	/* its buffer */

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
	BLOCK_CALLER_ENTER_SERVER
9:	MISS fast_callr

/* int32_t fast_call_asm(struct trapframe *tf): a program's SYS_CALL on
 * micro (transport_l4's syscall, through fastpath.h), for the case of
 * fast_call_enter: a program, not a server, calls a server waiting in
 * receive with a message in one page of its own. It makes l4_syscall's
 * checks (service_admit's, the message's page walk of user_msg_kva, the
 * grant's user_range_mapped), copies the message into the server's
 * resolved buffer and enters the server, as block_on and fast_call_enter
 * would. On any doubt: l4_syscall, with the registers it came with (a
 * hybrid calls this from C). */
.globl fast_call_asm
.type fast_call_asm, @function
fast_call_asm:
	CALLER_ADMITTED 8f

	/* The message: within one user page, present, user and writable
	 * (the reply goes there too), read in place. */
	movl TF_ECX(%edx), %ebx		/* its address */
	cmpl $USER_TOP_V, %ebx
	jae 8f
	movl %ebx, %esi
	andl $0xfff, %esi
	cmpl $(4096 - M_SIZE), %esi
	ja 8f
	movl %ebx, %edi
	shrl $22, %edi
	movl P_PGDIR(%eax), %ebp
	movl (%ebp,%edi,4), %edi	/* the page directory entry */
	testl $1, %edi			/* present, and a page table (not PS) */
	jz 8f
	testl $0x80, %edi
	jnz 8f
	andl $0xfffff000, %edi
	shrl $12, %ebx
	andl $0x3ff, %ebx
	movl KERNBASE_V(%edi,%ebx,4), %edi	/* the page table entry */
	movl %edi, %ebx
	andl $PTE_PUW_V, %ebx
	cmpl $PTE_PUW_V, %ebx
	jne 8f
	andl $0xfffff000, %edi
	leal KERNBASE_V(%edi,%esi), %ebp	/* m, in the kernel's map */
	movl M_TYPE(%ebp), %esi		/* the system's own types: C decides */
	subl $MSG_SYS_FIRST_V, %esi
	cmpl $MSG_SYS_SPAN_V, %esi
	jbe 8f

	SERVER_WAITING 8f

	/* What it lends must be mapped, writable if it lends for writing:
	 * user_range_mapped(me->pgdir, addr, len, rights & GRANT_WRITE). */
	cmpl $0, M_GRANT+4(%ebp)
	je 1f
	pushl %eax
	movl M_GRANT+8(%ebp), %eax
	andl $GRANT_WRITE_V, %eax
	pushl %eax
	pushl M_GRANT+4(%ebp)
	pushl M_GRANT(%ebp)
	movl 12(%esp), %eax
	pushl P_PGDIR(%eax)
	call user_range_mapped
	addl $16, %esp
	movl %eax, %ecx
	popl %eax
	testl %ecx, %ecx
	jz 8f
	movl 20(%esp), %edx
	movl TF_EBX(%edx), %ecx

	/* Committed. The server is busy from now (the hang check's clock). */
1:	movl ticks, %edx
	testl %edx, %edx
	jnz 2f
	incl %edx
2:	movl %edx, S_BUSY_SINCE(%esi)
	/* The request into its buffer, with the caller's pid; its SYS_RECV
	 * returns svc. */
	pushl %edi
	pushl %ecx
	movl %ebp, %esi
	movl I_RECV_KVA(%ebx), %edi
	movl $(M_SIZE / 4), %ecx
	cld
	rep movsl
	popl %ecx
	popl %edi
	movl I_RECV_KVA(%ebx), %edx
	movl P_PID(%eax), %esi
	movl %esi, M_SENDER(%edx)
	movl $0, I_RECEIVING(%ebx)
	movl %eax, I_FAST_CLIENT(%ebx)
	movl P_TF(%edi), %edx
	movl %ecx, TF_EAX(%edx)

	/* The caller blocks for the reply: its frame in its struct ipc (what
	 * it lends, in its space; a program's call is its outermost), the
	 * reply to go into its buffer. */
	movl P_SLOT(%eax), %ebx		/* mi */
	shll $I_SHIFT, %ebx
	addl $ipcs, %ebx
	movl %ebp, I_REPLY_KVA(%ebx)
	movl 20(%esp), %edx		/* tf */
	movl TF_ECX(%edx), %esi
	movl %esi, I_REPLY_UMSG(%ebx)
	movl %ecx, I_FAST_FRAME(%ebx)
	movl M_GRANT(%ebp), %esi
	movl %esi, I_FAST_FRAME+F_GRANT(%ebx)
	movl M_GRANT+4(%ebp), %esi
	movl %esi, I_FAST_FRAME+F_GRANT+4(%ebx)
	movl M_GRANT+8(%ebp), %esi
	movl %esi, I_FAST_FRAME+F_GRANT+8(%ebx)
	movl P_PGDIR(%eax), %esi
	movl %esi, I_FAST_FRAME+F_GRANT+12(%ebx)
	xorl %esi, %esi
	movl %esi, I_FAST_FRAME+F_OUTER(%ebx)
	movl %esi, I_FAST_FRAME+F_OUTER+4(%ebx)
	movl %esi, I_FAST_FRAME+F_OUTER+8(%ebx)
	movl %esi, I_REPLY_REGS(%ebx)
	leal I_FAST_FRAME(%ebx), %esi
	movl %esi, P_CALL(%eax)
	BLOCK_CALLER_ENTER_SERVER
8:	MISS l4_syscall

/* int32_t fast_reply_recv_asm(struct trapframe *tf): SYS_REPLY_RECV's
 * entry on micro (srv_calls.c's table names it through fastpath.h). A
 * registered server with a fast_client hint (the caller the fast path
 * handed it last) answers that caller straight back, into its saved
 * registers (SYS_CALLR) or its resolved buffer (SYS_CALL), if nothing
 * else waits for this server; on any doubt it is sys_reply_recv, with the
 * stack as it came, which tries fast_reply_to (C) and then the slow way.
 * Entered from vector128 only, which restores every register from the
 * trap frame, so it saves none of its own. */
.globl fast_reply_recv_asm
.type fast_reply_recv_asm, @function
fast_reply_recv_asm:
	movl 4(%esp), %edx		/* tf */
	movl current, %eax		/* p, the server */
	testl $PROC_F_SERVER_V, P_FLAGS(%eax)
	jz 9f
	cmpl $0, P_KILLED(%eax)
	jne 9f
	movl P_SLOT(%eax), %ebx		/* si */
	shll $I_SHIFT, %ebx
	addl $ipcs, %ebx
	cmpl $0, I_REGISTERED(%ebx)
	je 9f
	movl I_FAST_CLIENT(%ebx), %edi	/* c, the caller it answers */
	testl %edi, %edi
	jz 9f
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
	movl P_SLOT(%edi), %esi		/* ci */
	shll $I_SHIFT, %esi
	addl $ipcs, %esi
	cmpl $IPC_REPLY_WAIT_V, I_STATE(%esi)	/* waiting for us */
	jne 9f
	leal I_FAST_FRAME(%esi), %edx	/* in the call the fast path made */
	cmpl %edx, P_CALL(%edi)
	jne 9f
	movl I_FAST_FRAME(%esi), %edx	/* to our component */
	shll $SV_SHIFT, %edx
	cmpl services+SV_COMP(%edx), %ecx
	jne 9f
	movl P_TF(%edi), %edx
	cmpl $0, I_REPLY_REGS(%esi)
	je 5f

	/* Committed: the reply into the caller's saved registers. */
	movl M_TYPE(%ebp), %ecx
	movl %ecx, TF_EAX(%edx)
	movl M_W(%ebp), %ecx
	movl %ecx, TF_EDX(%edx)
	movl M_W+4(%ebp), %ecx
	movl %ecx, TF_ESI(%edx)
	movl M_W+8(%ebp), %ecx
	movl %ecx, TF_EDI(%edx)
	xorl %ecx, %ecx
	movl %ecx, I_REPLY_REGS(%esi)
6:	movl %ecx, I_STATE(%esi)	/* IPC_NONE */
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

	/* A SYS_CALL's caller: the whole reply into its buffer, resolved at
	 * the call (and mapped since: it has been blocked), the sender's pid
	 * in it, the type in eax. */
5:	movl I_REPLY_KVA(%esi), %ecx
	testl %ecx, %ecx
	jz 9f
	movl M_TYPE(%ebp), %ecx		/* committed */
	movl %ecx, TF_EAX(%edx)
	pushl %esi
	pushl %edi
	movl I_REPLY_KVA(%esi), %edi
	movl %ebp, %esi
	movl $(M_SIZE / 4), %ecx
	cld
	rep movsl
	popl %edi
	popl %esi
	movl I_REPLY_KVA(%esi), %ecx
	movl P_PID(%eax), %edx
	movl %edx, M_SENDER(%ecx)
	xorl %ecx, %ecx
	jmp 6b
9:	jmp sys_reply_recv

/* The kernel address of user address va in page directory pd, if the
 * page is present and its entry has every bit of need (user_page_kva):
 * out; tmp is clobbered; else a jump to miss. */
.macro PAGE_KVA va, pd, need, out, tmp, miss
	movl \va, \tmp
	shrl $22, \tmp
	movl (\pd,\tmp,4), \out		/* the page directory entry */
	testl $1, \out
	jz \miss
	testl $0x80, \out		/* a 4 MiB page: not a user one */
	jnz \miss
	andl $0xfffff000, \out
	movl \va, \tmp
	shrl $12, \tmp
	andl $0x3ff, \tmp
	movl KERNBASE_V(\out,\tmp,4), \out	/* the page table entry */
	movl \out, \tmp
	andl $\need, \tmp
	cmpl $\need, \tmp
	jne \miss
	andl $0xfffff000, \out
	movl \va, \tmp
	andl $0xfff, \tmp
	leal KERNBASE_V(\out,\tmp), \out
.endm

/* A range [va, va + len) inside user space without wrapping
 * (user_range_ok); tmp is clobbered. */
.macro USER_RANGE va, len, tmp, miss
	cmpl $USER_TOP_V, \va
	jae \miss
	movl $USER_TOP_V, \tmp
	subl \va, \tmp
	cmpl \tmp, \len
	ja \miss
.endm

/* int32_t fast_grant_copy_asm(struct trapframe *tf): SYS_GRANT_COPY's
 * entry on micro (ebx the caller's pid, ecx the offset in its grant, edx
 * the server's own address, esi the length, edi GRANT_READ or
 * GRANT_WRITE), for the common case: the caller is the one the fast path
 * handed this server (its fast_client hint), waiting for its reply, and
 * the copy is one the grant allows. It finds the frame as ipc_frame_of
 * does, without the pid lookup, and copies page by page as copy_between
 * does, each page walked inline. Whatever it does not accept (any refusal
 * included: grant_copy's checks, lab 2's, decide those) is sys_grant_copy,
 * with the stack as it came; a page that is not mapped half way sends the
 * whole copy there, which makes it again and fails where it would have.
 * Entered from vector128 only: it saves no registers, and returns. */
.globl fast_grant_copy_asm
.type fast_grant_copy_asm, @function
fast_grant_copy_asm:
	movl 4(%esp), %edx		/* tf */
	movl current, %eax		/* p, the server */
	testl $PROC_F_SERVER_V, P_FLAGS(%eax)
	jz 9f
	movl P_SLOT(%eax), %ebx		/* si */
	shll $I_SHIFT, %ebx
	addl $ipcs, %ebx
	cmpl $0, I_REGISTERED(%ebx)
	je 9f
	movl I_FAST_CLIENT(%ebx), %edi	/* c: the caller named? */
	testl %edi, %edi
	jz 9f
	movl P_PID(%edi), %ecx
	cmpl TF_EBX(%edx), %ecx
	jne 9f
	cmpl $P_SLEEPING_V, P_STATE(%edi)
	jne 9f
	movl P_SLOT(%edi), %esi		/* ci: waiting for the reply */
	shll $I_SHIFT, %esi
	addl $ipcs, %esi
	cmpl $IPC_REPLY_WAIT_V, I_STATE(%esi)
	jne 9f
	movl P_CALL(%edi), %ebp		/* f: its call, to this server */
	testl %ebp, %ebp
	jz 9f
	movl I_SRV(%ebx), %ecx
	movl S_COMP(%ecx), %ecx
	testl %ecx, %ecx
	js 9f
	movl (%ebp), %esi		/* f->svc */
	shll $SV_SHIFT, %esi
	cmpl services+SV_COMP(%esi), %ecx
	jne 9f

	/* The copy the grant allows: the direction lent, inside the bytes
	 * lent, from the lender's space (a program's: not NULL). */
	movl TF_EDI(%edx), %ecx		/* dir */
	cmpl $GRANT_WRITE_V, %ecx
	je 1f
	cmpl $1, %ecx			/* GRANT_READ */
	jne 9f
1:	testl F_GRANT+8(%ebp), %ecx	/* rights */
	jz 9f
	movl F_GRANT+4(%ebp), %esi	/* g->len */
	movl TF_ECX(%edx), %edi		/* off */
	cmpl %esi, %edi
	ja 9f
	subl %edi, %esi			/* len <= g->len - off */
	movl TF_ESI(%edx), %ebx		/* len */
	cmpl %esi, %ebx
	ja 9f
	testl %ebx, %ebx
	jz 9f
	cmpl $0, F_GRANT+12(%ebp)	/* the lender's space */
	je 9f
	addl F_GRANT(%ebp), %edi	/* the lender's address: g->addr + off */

	/* The locals: 0 dst space, 4 dst, 8 src space, 12 src, 16 len. */
	subl $20, %esp
	movl %ebx, 16(%esp)
	movl P_PGDIR(%eax), %esi	/* the server's side */
	movl TF_EDX(%edx), %eax
	movl F_GRANT+12(%ebp), %edx	/* the lender's side */
	cmpl $GRANT_WRITE_V, %ecx
	jne 2f
	movl %edx, 0(%esp)		/* into the lender's buffer */
	movl %edi, 4(%esp)
	movl %esi, 8(%esp)
	movl %eax, 12(%esp)
	jmp 3f
2:	movl %esi, 0(%esp)		/* out of it */
	movl %eax, 4(%esp)
	movl %edx, 8(%esp)
	movl %edi, 12(%esp)
3:	movl 4(%esp), %eax
	USER_RANGE %eax, %ebx, %edx, 7f
	movl 12(%esp), %eax
	USER_RANGE %eax, %ebx, %edx, 7f

	/* Page by page: as much as fits in both pages at once. */
4:	movl 4(%esp), %eax
	andl $0xfff, %eax
	movl $4096, %ebx
	subl %eax, %ebx			/* room in the destination's page */
	movl 12(%esp), %eax
	andl $0xfff, %eax
	movl $4096, %edx
	subl %eax, %edx			/* and in the source's */
	cmpl %edx, %ebx
	jbe 5f
	movl %edx, %ebx
5:	cmpl 16(%esp), %ebx
	jbe 6f
	movl 16(%esp), %ebx		/* chunk */
6:	movl 4(%esp), %eax
	movl 0(%esp), %edx
	PAGE_KVA %eax, %edx, PTE_PUW_V, %edi, %ecx, 7f
	movl 12(%esp), %eax
	movl 8(%esp), %edx
	PAGE_KVA %eax, %edx, 5, %esi, %ecx, 7f	/* present and user */
	movl %ebx, %ecx
	shrl $2, %ecx
	cld
	rep movsl
	movl %ebx, %ecx
	andl $3, %ecx
	rep movsb
	addl %ebx, 4(%esp)
	addl %ebx, 12(%esp)
	subl %ebx, 16(%esp)
	jnz 4b
	addl $20, %esp
	xorl %eax, %eax
	ret
7:	addl $20, %esp
9:	jmp sys_grant_copy

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
