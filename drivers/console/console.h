/* Internals shared by the console component's files. */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdint.h>

#define COM1_BASE   0x3F8
#define COM1_IRQ    4
#define KBD_DATA    0x60
#define KBD_STATUS  0x64
#define KBD_IRQ     1
#define VGA_CRTC    0x3D4
#define VGA_TEXT_PA 0xB8000

void uart_init(void (*early_input)(int c));
/* Writes one byte, waiting for the transmitter as long as it takes. */
void uart_putc(char c);
/* Next received byte (held back while output waited, or in the UART), or
 * -1 when there is none. */
int uart_getc(void);
/* On a COM1 interrupt: acknowledge it at the UART, take received bytes. */
void uart_service(void);

int vga_init(void);
void vga_putc(char c);

/* Turns a PS/2 scancode (set 1) into a character; -1 for none (a release,
 * a modifier, or a key with no character). */
int kbd_translate(uint8_t scancode);

#endif
