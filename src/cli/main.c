/*
 * main.c - the `interdict` program: dispatches to its subcommands (cmd_*.c).  Every command
 * uses only the public API in <interdict.h>.
 */
#include <stdio.h>
#include <string.h>
#include <interdict.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("interdict %s\n", idt_version());
		return 0;
	}
	fprintf(stderr, "usage: interdict COMMAND [ARGS]\n");
	return 2;
}
