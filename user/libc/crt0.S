/* _start: where every user program begins.
 *
 * The kernel leaves esp pointing at argc, then argv (char **, argv[argc] ==
 * NULL), then envp (char **, NULL-terminated), with the strings above.
 * libc_start adopts the environment (working directory, redirections);
 * then main(argc, argv, envp) runs, and its value becomes the exit status,
 * so a program may simply return. */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp         /* ends the frame chain for backtraces */
	movl (%esp), %esi       /* argc; esi, edi and ebx survive calls */
	movl 4(%esp), %edi      /* argv */
	movl 8(%esp), %ebx      /* envp */
	andl $-16, %esp         /* gcc assumes a 16-byte aligned stack at each call */
	subl $4, %esp
	pushl %ebx
	pushl %edi
	pushl %esi
	call libc_start
	/* A callee may overwrite its argument slots: store them again. */
	movl %esi, (%esp)
	movl %edi, 4(%esp)
	movl %ebx, 8(%esp)
	call main
	movl %eax, (%esp)
	call exit
	ud2                     /* exit does not return */
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
