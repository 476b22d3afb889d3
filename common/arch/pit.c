/* The 8254 PIT, channel 0, as the scheduler's periodic tick. Its input
 * clock is 1.193182 MHz (8254 datasheet; the PC's 14.31818 MHz / 12). */
#include "arch.h"
#include "x86.h"

#define PIT_HZ 1193182u

void pit_init(uint32_t hz)
{
	uint32_t div = PIT_HZ / hz;
	outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(0x40, div & 0xFF);
	outb(0x40, (div >> 8) & 0xFF);
	pic_unmask(IRQ_TIMER);
}
