/* _start: where every user program begins.
 *
 * The kernel leaves esp pointing at argc, with argv (char **, argv[argc] ==
 * NULL) just above it. main's return value becomes the exit status, so a
 * program may simply return. */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp         /* ends the frame chain for backtraces */
	movl (%esp), %eax       /* argc */
	movl 4(%esp), %edx      /* argv */
	andl $-16, %esp         /* gcc assumes a 16-byte aligned stack at each call */
	subl $8, %esp
	pushl %edx
	pushl %eax
	call main
	movl %eax, (%esp)
	call exit
	ud2                     /* exit does not return */
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
