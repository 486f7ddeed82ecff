/* version.h: the one place the version is written. */
#ifndef JARVIS_VERSION_H
#define JARVIS_VERSION_H

#define JARVIS_VERSION "0.1.0"

#endif
