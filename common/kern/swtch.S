/* swtch(uint32_t *old_esp, uint32_t new_esp): the heart of a context
 * switch. Only the callee-saved registers need saving: the caller already
 * treats the others as clobbered (System V i386 ABI). The rest of the
 * thread's state is its kernel stack, and on it, its trap frame. */
.text
.globl swtch
.type swtch, @function
swtch:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* enter_user(prev_tf, resume, next_tf): the end of sched_enter_user. Once
 * esp is on next's stack, nothing of prev's kernel stack is live, so the
 * word below prev's trap frame can become the return address its next
 * swtch pops (sched.c set prev->kesp five words down). Then next returns
 * to ring 3 as every trap does. */
.globl enter_user
.type enter_user, @function
enter_user:
	movl 4(%esp), %eax
	movl 8(%esp), %ecx
	movl 12(%esp), %esp
	movl %ecx, -4(%eax)
	jmp trapret
