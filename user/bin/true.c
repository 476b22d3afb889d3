/* true: exit with code 0 */
int main(void)
{
	return 0;
}
