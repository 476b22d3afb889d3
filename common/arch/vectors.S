/* Trap entry. Each vector's stub pushes an error code where the CPU does
 * not (so every frame has the same shape) and the vector number, then all
 * paths meet in alltraps. The system call has its own, shorter path: it is
 * the hot one (design target: a null call in under 100 instructions). */
#include "abi/syscall.h"

#define NOERR(n) .globl vector##n; .type vector##n, @function; vector##n: pushl $0; pushl $n; jmp alltraps
#define ERR(n)   .globl vector##n; .type vector##n, @function; vector##n: pushl $n; jmp alltraps

.text
NOERR(0)
NOERR(1)
NOERR(2)
NOERR(3)
NOERR(4)
NOERR(5)
NOERR(6)
NOERR(7)
ERR(8)
NOERR(9)
ERR(10)
ERR(11)
ERR(12)
ERR(13)
ERR(14)
NOERR(15)
NOERR(16)
ERR(17)
NOERR(18)
NOERR(19)
NOERR(20)
NOERR(21)
NOERR(22)
NOERR(23)
NOERR(24)
NOERR(25)
NOERR(26)
NOERR(27)
NOERR(28)
NOERR(29)
NOERR(30)
NOERR(31)
NOERR(32)
NOERR(33)
NOERR(34)
NOERR(35)
NOERR(36)
NOERR(37)
NOERR(38)
NOERR(39)
NOERR(40)
NOERR(41)
NOERR(42)
NOERR(43)
NOERR(44)
NOERR(45)
NOERR(46)
NOERR(47)

.globl alltraps
.type alltraps, @function
alltraps:
	pushal
	pushl %esp
	call trap
	addl $4, %esp
.globl trapret
.type trapret, @function
trapret:
	popal
	addl $8, %esp
	iret

/* int 0x80: eax = number. Handlers are `int32_t fn(struct trapframe *)`
 * and their result replaces the saved eax. Slots without a call hold
 * sys_enosys; numbers past the table get -ENOSYS here. */
.globl vector128
.type vector128, @function
vector128:
	pushl $0
	pushl $0x80
	pushal
	cmpl $SYSCALL_SLOTS, %eax
	jae 2f
	pushl %esp
	call *syscall_table(, %eax, 4)
	addl $4, %esp
1:	movl %eax, 28(%esp)
	popal
	addl $8, %esp
	iret
2:	movl $-38, %eax  /* -ENOSYS */
	jmp 1b

/* The same, while some process is marked killed (proc.c puts this gate in
 * the IDT then, and vector128 back after): the way back to ring 3 passes
 * syscall_return_killed, which ends the caller if it is the one. So the
 * null system call pays nothing for kill when nobody is being killed. */
.globl vector128_kill
.type vector128_kill, @function
vector128_kill:
	pushl $0
	pushl $0x80
	pushal
	cmpl $SYSCALL_SLOTS, %eax
	jae 2f
	pushl %esp
	call *syscall_table(, %eax, 4)
	addl $4, %esp
1:	movl %eax, 28(%esp)
	call syscall_return_killed
	popal
	addl $8, %esp
	iret
2:	movl $-38, %eax  /* -ENOSYS */
	jmp 1b

.section .rodata
.globl vector_table
vector_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.long vector\n
	.endr
