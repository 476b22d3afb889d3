/* Where swtch returns to a thread that blocked on the register fast path
 * (fastipc.c): sched_enter_user made its saved kernel esp point at one of
 * these, with its trap frame just above. A short C hook finishes what the
 * fast path left undone, then the thread returns to ring 3 as every trap
 * does. */
.text
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
