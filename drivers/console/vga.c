/* VGA text mode, 80x25 at physical 0xB8000: one 16-bit cell per character,
 * attribute in the high byte. The hardware cursor is set through the CRT
 * controller's registers 0x0E/0x0F (cursor location high/low). */
#include "component.h"
#include "console.h"
#include "klib.h"
#include "x86.h"

#define COLS 80
#define ROWS 25
#define ATTR 0x0700 /* light grey on black */

static volatile uint16_t *screen;
static int row, col;

static void move_cursor(void)
{
	uint16_t pos = (uint16_t)(row * COLS + col);
	outb(VGA_CRTC, 0x0E);
	outb(VGA_CRTC + 1, pos >> 8);
	outb(VGA_CRTC, 0x0F);
	outb(VGA_CRTC + 1, pos & 0xFF);
}

int vga_init(void)
{
	screen = mmio_map(VGA_TEXT_PA, COLS * ROWS * 2);
	if (!screen)
		return -ENOMEM;
	for (int i = 0; i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = col = 0;
	move_cursor();
	return 0;
}

static void scroll(void)
{
	for (int i = 0; i < COLS * (ROWS - 1); i++)
		screen[i] = screen[i + COLS];
	for (int i = COLS * (ROWS - 1); i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = ROWS - 1;
}

void vga_putc(char c)
{
	if (!screen)
		return;
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\b') {
		if (col > 0)
			col--;
	} else if (c == '\t') {
		col = (col + 8) & ~7;
	} else {
		screen[row * COLS + col] = ATTR | (uint8_t)c;
		col++;
	}
	if (col >= COLS) {
		col = 0;
		row++;
	}
	if (row >= ROWS)
		scroll();
	move_cursor();
}
