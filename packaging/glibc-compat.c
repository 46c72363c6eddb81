// Linked into the release binary only (make release), so that glibc 2.34 runs it.
//
// Swift's Glibc module (libswiftGlibc.a) calls hypotf. Linked against glibc 2.35 or later, that
// call binds to hypotf@GLIBC_2.35, the version glibc 2.35 gave the function when it dropped the
// old SVID error handling; glibc 2.34 has no such version and refuses to load the binary. This
// hidden definition takes the call instead and hands it to the hypotf every x86-64 glibc has
// (GLIBC_2.2.5, still in glibc 2.35 and later): the same function, the only symbol of the binary
// that needs more than glibc 2.34. Hidden, so it replaces hypotf for this binary alone.

#if defined(__x86_64__)
float unitify_hypotf_glibc_2_2_5(float x, float y);
__asm__(".symver unitify_hypotf_glibc_2_2_5, hypotf@GLIBC_2.2.5");

__attribute__((visibility("hidden"))) float hypotf(float x, float y) {
    return unitify_hypotf_glibc_2_2_5(x, y);
}
#endif
