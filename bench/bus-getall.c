/* An experiment behind a recommendation in BENCHMARKS.md, run by bench/profile.sh: what
 * `GetAll` of N units costs on the wire and in the manager, without any decoding.
 *
 *   bus-getall seq|pipe INTERFACE UNIT...
 *
 * Connects to the user manager's private socket as systemctl does, asks each unit's properties
 * of INTERFACE ("" for all interfaces, as unitify and systemctl show do) and skips the replies
 * unread. seq waits for each reply before the next call (what unitify does now); pipe sends every
 * call first and then collects the replies, so that the manager answers while this reads.
 * Prints the wall time in milliseconds and the number of properties received. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>

static int pending;
static size_t received;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Counts the reply's properties, skipping each one unread. */
static size_t size_of(sd_bus_message *m) {
    size_t size = 0;
    if (sd_bus_message_enter_container(m, 'a', "{sv}") >= 0)
        while (sd_bus_message_skip(m, "{sv}") > 0) size++;
    return size;
}

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    (void) userdata;
    (void) error;
    if (sd_bus_message_is_method_error(m, NULL)) {
        fprintf(stderr, "error: %s\n", sd_bus_message_get_error(m)->message);
        exit(1);
    }
    received += size_of(m);
    pending--;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bus-getall seq|pipe INTERFACE UNIT...\n");
        return 2;
    }
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    char address[512];
    snprintf(address, sizeof address, "unix:path=%s/systemd/private", runtime ? runtime : "/run/user/0");
    sd_bus *bus;
    if (sd_bus_new(&bus) < 0 || sd_bus_set_address(bus, address) < 0 || sd_bus_start(bus) < 0) {
        fprintf(stderr, "cannot connect to %s\n", address);
        return 1;
    }
    int pipe = strcmp(argv[1], "pipe") == 0;
    const char *interface = argv[2];
    double start = now_ms();
    for (int i = 3; i < argc; i++) {
        char *path;
        sd_bus_message *call, *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_path_encode("/org/freedesktop/systemd1/unit", argv[i], &path);
        sd_bus_message_new_method_call(bus, &call, "org.freedesktop.systemd1", path, "org.freedesktop.DBus.Properties", "GetAll");
        sd_bus_message_append_basic(call, 's', interface);
        if (pipe) {
            pending++;
            if (sd_bus_call_async(bus, NULL, call, on_reply, NULL, 0) < 0) return 1;
        } else {
            if (sd_bus_call(bus, call, 0, &error, &reply) < 0) {
                fprintf(stderr, "%s: %s\n", argv[i], error.message);
                return 1;
            }
            received += size_of(reply);
            sd_bus_message_unref(reply);
        }
        sd_bus_message_unref(call);
        free(path);
    }
    while (pending > 0) {
        int r = sd_bus_process(bus, NULL);
        if (r < 0) return 1;
        if (r == 0) sd_bus_wait(bus, UINT64_MAX);
    }
    printf("%s GetAll(\"%s\") of %d units: %.1f ms, %zu properties\n", argv[1], interface, argc - 3, now_ms() - start, received);
    sd_bus_flush_close_unref(bus);
    return 0;
}
