/* The journal reader unitify could be, run by bench/bench.py (a row of the journal tables) and by
 * bench/profile.sh: the match groups of `journalctl --user-unit X` split over two sd-journal
 * handles, merged in time order. Built with cc -O2 -lsystemd.
 *
 *   journal-two-handles UNIT UID
 *
 * Handle 1 holds the unit's own output (_SYSTEMD_USER_UNIT=UNIT _UID=UID), nearly every line;
 * handle 2 the rare rest (USER_UNIT=, OBJECT_SYSTEMD_USER_UNIT=, COREDUMP_USER_UNIT=,
 * SYSLOG_IDENTIFIER=). One handle with all five groups OR-ed makes sd-journal look every group up
 * again at every step: it printed the same lines for 1.5 times the instructions (8.37 against 5.56
 * billion for 200,000 lines) and 1.7 times the time. Entries merge by realtime, ties broken by the
 * sequence number in the cursor ("i=" field). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

static char out[1 << 16];

static void add(sd_journal *j, const char *fmt, const char *a) {
    char buffer[512];
    snprintf(buffer, sizeof buffer, fmt, a);
    sd_journal_add_match(j, buffer, 0);
}

static uint64_t seqnum(sd_journal *j) {
    char *cursor = NULL, *i;
    uint64_t n = 0;
    if (sd_journal_get_cursor(j, &cursor) >= 0 && (i = strstr(cursor, ";i=")))
        n = strtoull(i + 3, NULL, 16);
    free(cursor);
    return n;
}

static void print(sd_journal *j) {
    const void *data;
    size_t length;
    if (sd_journal_get_data(j, "MESSAGE", &data, &length) >= 0) {
        fwrite((const char *) data + 8, 1, length - 8, stdout);
        putchar('\n');
    }
}

int main(int argc, char **argv) {
    sd_journal *own, *rest;
    char unit[256], uid[64], short_name[256];
    if (argc != 3) return 2;
    snprintf(unit, sizeof unit, "%s", argv[1]);
    snprintf(uid, sizeof uid, "%s", argv[2]);
    snprintf(short_name, sizeof short_name, "%s", unit);
    char *dot = strrchr(short_name, '.');
    if (dot) *dot = 0;
    if (sd_journal_open(&own, SD_JOURNAL_LOCAL_ONLY) < 0 || sd_journal_open(&rest, SD_JOURNAL_LOCAL_ONLY) < 0) return 1;
    add(own, "_SYSTEMD_USER_UNIT=%s", unit);
    add(own, "_UID=%s", uid);
    add(rest, "USER_UNIT=%s", unit);
    add(rest, "_UID=%s", uid);
    sd_journal_add_disjunction(rest);
    add(rest, "OBJECT_SYSTEMD_USER_UNIT=%s", unit);
    add(rest, "_UID=%s", uid);
    if (strcmp(uid, "0") != 0) add(rest, "_UID=%s", "0");
    sd_journal_add_disjunction(rest);
    add(rest, "COREDUMP_USER_UNIT=%s", unit);
    add(rest, "_UID=%s", uid);
    if (strcmp(uid, "0") != 0) add(rest, "_UID=%s", "0");
    sd_journal_add_disjunction(rest);
    add(rest, "SYSLOG_IDENTIFIER=%s", short_name);
    add(rest, "_UID=%s", uid);
    setvbuf(stdout, out, _IOFBF, sizeof out);

    int have_own = sd_journal_next(own) > 0, have_rest = sd_journal_next(rest) > 0;
    uint64_t rest_time = 0, rest_seq = 0;
    if (have_rest) {
        sd_journal_get_realtime_usec(rest, &rest_time);
        rest_seq = seqnum(rest);
    }
    while (have_own || have_rest) {
        int take_own = have_own;
        if (have_own && have_rest) {
            uint64_t t;
            sd_journal_get_realtime_usec(own, &t);
            take_own = t < rest_time || (t == rest_time && seqnum(own) < rest_seq);
        }
        if (take_own) {
            print(own);
            have_own = sd_journal_next(own) > 0;
        } else {
            print(rest);
            have_rest = sd_journal_next(rest) > 0;
            if (have_rest) {
                sd_journal_get_realtime_usec(rest, &rest_time);
                rest_seq = seqnum(rest);
            }
        }
    }
    sd_journal_close(own);
    sd_journal_close(rest);
    return fflush(stdout) == 0 ? 0 : 1;
}
