#ifndef UNITIFY_CSYSTEMD_H
#define UNITIFY_CSYSTEMD_H
#include <systemd/sd-bus.h>
#include <systemd/sd-journal.h>
#endif
