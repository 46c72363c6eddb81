/* The limit for reading a unit's journal: sd-journal's own loop, printing MESSAGE and a newline,
 * as `journalctl -o cat` does, with nothing else. Built by bench/bench.py with cc -O2 -lsystemd.
 *
 *   journal-cat [-n N] FIELD=VALUE... [+ FIELD=VALUE...]...
 *
 * Matches as sd_journal_add_match takes them: one field's values OR, different fields AND,
 * '+' starts a new group OR-ed with the previous ones (sd_journal_add_disjunction).
 * -n N prints the last N entries instead of all (seek to the tail, step back N, print forward). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

static char out[1 << 16];

int main(int argc, char **argv) {
    sd_journal *j;
    long last = -1;
    int i = 1, r;

    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        last = atol(argv[2]);
        i = 3;
    }
    r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
    if (r < 0) {
        fprintf(stderr, "sd_journal_open: %s\n", strerror(-r));
        return 1;
    }
    for (; i < argc; i++) {
        r = strcmp(argv[i], "+") == 0 ? sd_journal_add_disjunction(j) : sd_journal_add_match(j, argv[i], 0);
        if (r < 0) {
            fprintf(stderr, "match %s: %s\n", argv[i], strerror(-r));
            return 1;
        }
    }
    setvbuf(stdout, out, _IOFBF, sizeof out);
    if (last >= 0) {
        sd_journal_seek_tail(j);
        r = sd_journal_previous_skip(j, (uint64_t) last);
        if (r <= 0) return 0;
        /* Now on the earliest of the last N: print it, then the rest. */
        do {
            const void *data;
            size_t length;
            if (sd_journal_get_data(j, "MESSAGE", &data, &length) >= 0) {
                fwrite((const char *) data + 8, 1, length - 8, stdout);
                putchar('\n');
            }
        } while (sd_journal_next(j) > 0);
    } else {
        while ((r = sd_journal_next(j)) > 0) {
            const void *data;
            size_t length;
            if (sd_journal_get_data(j, "MESSAGE", &data, &length) >= 0) {
                fwrite((const char *) data + 8, 1, length - 8, stdout);
                putchar('\n');
            }
        }
        if (r < 0) {
            fprintf(stderr, "sd_journal_next: %s\n", strerror(-r));
            return 1;
        }
    }
    sd_journal_close(j);
    return fflush(stdout) == 0 ? 0 : 1;
}
