/* A tiny static i386 program for test_elf: a real linker's output, so the
 * parser is checked against more than the test's own idea of ELF. Built
 * with -nostdlib and entered at main, so it is never run, only parsed;
 * noinline keeps each function a symbol of its own. */
__attribute__((noinline)) int sample_helper(int x)
{
	return x * 3 + 1;
}

int sample_data = 42;
int sample_bss[64];

int main(void)
{
	sample_bss[1] = sample_helper(sample_data);
	return sample_bss[1];
}
