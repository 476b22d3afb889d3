/* false: exit with code 1 */
int main(void)
{
	return 1;
}
