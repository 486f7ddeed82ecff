/*
 * app.h: the program as a whole. app_run() parses the command line, loads
 * the configuration and runs the chosen mode; it returns the exit status.
 */
#ifndef JARVIS_APP_H
#define JARVIS_APP_H

int app_run(int argc, char **argv);

#endif
