/* unitify's way of reading a unit's journal, in C: the match groups of `journalctl --user-unit X`
 * and unitify's SYSLOG_IDENTIFIER group, split over two sd-journal handles and merged in time
 * order (UnitLog and JournalMerge in Sources/UnitifyClient). Run by bench/bench.py (a row of the
 * journal tables) and bench/profile.sh; built with cc -O2 -lsystemd.
 *
 *   journal-two-handles UNIT UID
 *
 * Handle 1 holds the groups that match the unit's own output, nearly every line
 * (_SYSTEMD_USER_UNIT=UNIT _UID=UID, SYSLOG_IDENTIFIER=NAME _UID=UID); handle 2 the rare rest
 * (USER_UNIT=, OBJECT_SYSTEMD_USER_UNIT=, COREDUMP_USER_UNIT=). One handle with all five groups
 * OR-ed makes sd-journal look every group up again at every step. Entries merge by realtime, ties
 * broken by the sequence number in the cursor ("i=" field); an entry both handles hold (the same
 * cursor) is printed once. */
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
    sd_journal_add_disjunction(own);
    add(own, "SYSLOG_IDENTIFIER=%s", short_name);
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
    setvbuf(stdout, out, _IOFBF, sizeof out);

    int have_own = sd_journal_next(own) > 0, have_rest = sd_journal_next(rest) > 0;
    uint64_t rest_time = 0, rest_seq = 0;
    if (have_rest) {
        sd_journal_get_realtime_usec(rest, &rest_time);
        rest_seq = seqnum(rest);
    }
    while (have_own || have_rest) {
        int take_own = have_own, both = 0;
        if (have_own && have_rest) {
            uint64_t t;
            sd_journal_get_realtime_usec(own, &t);
            if (t == rest_time) {
                uint64_t s = seqnum(own);
                take_own = s <= rest_seq;
                both = s == rest_seq;
            } else
                take_own = t < rest_time;
        }
        if (take_own) {
            print(own);
            have_own = sd_journal_next(own) > 0;
        }
        if (!take_own || both) {
            if (!both) print(rest);
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
