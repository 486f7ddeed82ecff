/* The floor a start-up figure is held against (bench/startup.py): built as
 * floor-bare, a program that does nothing, and as floor-curl, the same with
 * libcurl linked (-Wl,--no-as-needed), so the dynamic loader maps libcurl
 * and the libraries it pulls in, as a binary linked against it pays. */
int main(void)
{
	return 0;
}
