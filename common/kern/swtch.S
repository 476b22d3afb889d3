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
