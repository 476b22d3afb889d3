/* PS/2 keyboard scancodes (set 1, the PC/XT set the 8042 translates to by
 * default) to characters. A code with bit 7 set is a key release. */
#include "console.h"

static const char normal[128] = {
	0,    27,  '1', '2', '3', '4', '5', '6', '7', '8', '9',  '0', '-', '=',  '\b',
	'\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p',  '[', ']', '\n', 0,
	'a',  's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,   '\\', 'z',
	'x',  'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0,   '*',  0,   ' ',
};

static const char shifted[128] = {
	0,    27,  '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',  '\b',
	'\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0,
	'A',  'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|',  'Z',
	'X',  'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*', 0,   ' ',
};

#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CTRL   0x1D

static int shift, ctrl;

int kbd_translate(uint8_t sc)
{
	int release = sc & 0x80;
	uint8_t key = sc & 0x7F;
	if (key == SC_LSHIFT || key == SC_RSHIFT) {
		shift = !release;
		return -1;
	}
	if (key == SC_CTRL) {
		ctrl = !release;
		return -1;
	}
	if (release || sc == 0xE0)
		return -1;
	char c = shift ? shifted[key] : normal[key];
	if (!c)
		return -1;
	if (ctrl && c >= 'a' && c <= 'z')
		return c - 'a' + 1; /* Ctrl-D is 4: end of input */
	return c;
}
